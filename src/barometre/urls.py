from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from mozilla_django_oidc import views as oidc_views

from barometre.accounts.oidc import only_when_enabled
from barometre.web import export_views
from barometre.web import views as web_views

admin.site.site_header = f"{settings.OPERATOR['name']} — administration"
admin.site.site_title = settings.OPERATOR["name"]

handler400 = "barometre.web.errors.bad_request"
handler403 = "barometre.web.errors.permission_denied"
handler404 = "barometre.web.errors.page_not_found"
handler500 = "barometre.web.errors.server_error"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("sante/", web_views.health, name="health"),
    path("journal/", web_views.journal, name="journal"),
    path("exports/", export_views.export_list, name="export_list"),
    path("exports/<int:pk>/", export_views.export_status, name="export_status"),
    path("exports/<int:pk>/fichier/", export_views.export_file, name="export_file"),
    path("exports/<int:pk>/relancer/", export_views.export_relaunch, name="export_relaunch"),
    path("aide/", web_views.guide, name="guide"),
    path("aide/<slug:page>/", web_views.guide, name="guide_page"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "oidc/authenticate/",
        login_not_required(only_when_enabled(oidc_views.OIDCAuthenticationRequestView.as_view())),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(only_when_enabled(oidc_views.OIDCAuthenticationCallbackView.as_view())),
        name="oidc_authentication_callback",
    ),
    path("structures/", include("barometre.structures.urls")),
    path("terrain/", include("barometre.campaigns.urls")),
    path("resultats/", include("barometre.results.urls")),
    path("amelioration/", include("barometre.improvement.urls")),
    path("u/", include("barometre.improvement.public_urls")),
    path("api/", include("barometre.api.urls")),
    path("admin/", admin.site.urls),
]
