from django.urls import path

from barometre.results import views

app_name = "results"

urlpatterns = [
    path("editions/<int:pk>/", views.edition_results, name="edition"),
    path("editions/<int:pk>/calculer/", views.compute, name="compute"),
    path("editions/<int:pk>/versions/<int:version>/publier/", views.publish_version,
         name="publish"),
]  # fmt: skip
