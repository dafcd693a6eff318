from django.urls import path

from barometre.improvement import public_views

app_name = "public"

urlpatterns = [
    path("transparence/<str:identifier>/", public_views.transparency, name="transparency"),
    path("logo/<str:identifier>/", public_views.logo, name="logo"),
    path("invitation/<str:token>/", public_views.invitation, name="invitation"),
    path("<str:token>/", public_views.point, name="point"),
    path("<str:token>/reclamation/", public_views.feedback, name="feedback"),
    path("<str:token>/merci/", public_views.thanks, name="thanks"),
]
