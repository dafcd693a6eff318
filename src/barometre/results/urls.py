from django.urls import path

from barometre.results import views

app_name = "results"

urlpatterns = [
    path("editions/<int:pk>/", views.edition_results, name="edition"),
    path("editions/<int:pk>/calculer/", views.compute, name="compute"),
    path(
        "editions/<int:pk>/versions/<int:version>/publier/", views.publish_version, name="publish"
    ),
    path("editions/<int:pk>/versions/<int:version>/export/", views.export, name="export"),
    path("editions/<int:pk>/versions/<int:version>/laureat/", views.laureate, name="laureate"),
    path(
        "editions/<int:pk>/structures/<int:structure_pk>/",
        views.structure_dashboard,
        name="dashboard",
    ),
    path(
        "editions/<int:pk>/structures/<int:structure_pk>/rapport.pdf",
        views.structure_report_pdf,
        name="report_pdf",
    ),
    path(
        "editions/<int:pk>/structures/<int:structure_pk>/diplome.pdf",
        views.award_certificate,
        name="certificate",
    ),
    path(
        "editions/<int:pk>/structures/<int:structure_pk>/kit-presse.txt",
        views.award_press_kit,
        name="press_kit",
    ),
    path(
        "editions/<int:pk>/versions/<int:version>/rapports/",
        views.request_reports,
        name="request_reports",
    ),
    path(
        "editions/<int:pk>/versions/<int:version>/rapports/<int:batch>.zip",
        views.download_reports,
        name="download_reports",
    ),
    path("synthese/<int:pk>/", views.synthesis, name="synthesis"),
    path("synthese/<int:pk>/synthese.pdf", views.synthesis_pdf_view, name="synthesis_pdf"),
    path("palmares/<int:pk>/", views.public_palmares, name="public_palmares"),
    path("ouvertes/<int:pk>/agregats.csv", views.open_data, name="open_data"),
    path("ouvertes/<int:pk>/schema.json", views.open_data_schema, name="open_data_schema"),
]
