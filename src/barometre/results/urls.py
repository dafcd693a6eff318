from django.urls import path

from barometre.results import views

app_name = "results"

urlpatterns = [
    path("editions/<int:pk>/", views.edition_results, name="edition"),
    path("editions/<int:pk>/calculer/", views.compute, name="compute"),
    path("editions/<int:pk>/versions/<int:version>/publier/", views.publish_version,
         name="publish"),
    path("editions/<int:pk>/versions/<int:version>/export/", views.export, name="export"),
    path("editions/<int:pk>/versions/<int:version>/laureat/", views.laureate, name="laureate"),
    path("palmares/<int:pk>/", views.public_palmares, name="public_palmares"),
    path("ouvertes/<int:pk>/agregats.csv", views.open_data, name="open_data"),
    path("ouvertes/<int:pk>/schema.json", views.open_data_schema, name="open_data_schema"),
]  # fmt: skip
