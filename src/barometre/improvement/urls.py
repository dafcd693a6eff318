"""The improvement app's URLs (namespace ``improvement``, under ``/amelioration/``): its entry
pages (``views.py``), then each sub-domain's own ``*_urls`` module, next to its views and
forms. The public pages, without an account, are ``public_urls`` (namespace ``public``)."""

from django.urls import include, path

from barometre.improvement import views

app_name = "improvement"

urlpatterns = [
    path("", views.index, name="index"),
    path("", include("barometre.improvement.network_urls")),
    path("<int:pk>/", views.structure_home, name="structure"),
    path("", include("barometre.improvement.register_urls")),
    path("", include("barometre.improvement.survey_urls")),
    path("", include("barometre.improvement.mailing_urls")),
    path("", include("barometre.improvement.indicator_urls")),
    path("", include("barometre.improvement.plan_urls")),
    path("", include("barometre.improvement.committee_urls")),
    path("", include("barometre.improvement.review_urls")),
    path("<int:pk>/profil/", views.profile, name="profile"),
]
