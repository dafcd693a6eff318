from django.urls import path, register_converter

from barometre.improvement import public_views


class TokenConverter:
    """A link's token or a structure's identifier: letters, digits, ``-`` and ``_`` only
    (what ``secrets.token_urlsafe`` gives). Anything else answers 404 before a query: a
    NUL character would otherwise reach PostgreSQL, which refuses it with an error."""

    regex = "[A-Za-z0-9_-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")

app_name = "public"

urlpatterns = [
    path("transparence/<token:identifier>/", public_views.transparency, name="transparency"),
    path(
        "transparence/<token:identifier>/resultats-sp.csv",
        public_views.sp_results,
        name="sp_results",
    ),
    path(
        "transparence/<token:identifier>/resultats-sp.schema.json",
        public_views.sp_results_schema_view,
        name="sp_results_schema",
    ),
    path("logo/<token:identifier>/", public_views.logo, name="logo"),
    path("invitation/<token:token>/", public_views.invitation, name="invitation"),
    path("invitation/<token:token>/desinscription/", public_views.unsubscribe, name="unsubscribe"),
    path("<token:token>/", public_views.point, name="point"),
    path("<token:token>/reclamation/", public_views.feedback, name="feedback"),
    path("<token:token>/merci/", public_views.thanks, name="thanks"),
]
