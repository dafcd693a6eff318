from django.urls import path

from barometre.structures import views

app_name = "structures"

urlpatterns = [
    path("", views.structure_list, name="list"),
    path("nouvelle/", views.structure_create, name="create"),
    path("export/", views.structure_export, name="export"),
    path("rattachements/", views.parent_options, name="parent_options"),
    path("import/", views.import_upload, name="import"),
    path("import/annuaire/", views.import_annuaire, name="import_annuaire"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/confirmer/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/suivi/", views.import_status, name="import_status"),
    path("<int:pk>/", views.structure_detail, name="detail"),
    path("<int:pk>/modifier/", views.structure_edit, name="edit"),
    path("<int:pk>/labels/proposer/", views.label_propose, name="label_propose"),
    path("<int:pk>/labels/<int:label_pk>/decision/", views.label_decide, name="label_decide"),
    path(
        "<int:pk>/labels/<int:label_pk>/certificat/",
        views.label_certificate,
        name="label_certificate",
    ),
]
