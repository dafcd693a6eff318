from django.urls import path

from barometre.improvement import views

app_name = "improvement"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.structure_home, name="structure"),
    path("<int:pk>/registre/", views.entry_list, name="entries"),
    path("<int:pk>/registre/nouvelle/", views.entry_create, name="entry_create"),
    path("<int:pk>/registre/bilan/", views.register_figures, name="figures"),
    path("registre/<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/enquetes/nouvelle/", views.questionnaire_create, name="questionnaire_create"),
    path("<int:pk>/points/nouveau/", views.point_create, name="point_create"),
    path("enquetes/<int:pk>/", views.questionnaire_results, name="questionnaire"),
    path("enquetes/<int:pk>/modifier/", views.questionnaire_edit, name="questionnaire_edit"),
    path("enquetes/<int:pk>/saisie/", views.paper_entry, name="paper_entry"),
    path("enquetes/<int:pk>/import/", views.survey_import, name="survey_import"),
    path("points/<int:pk>/qr.<str:fmt>", views.point_qr, name="point_qr"),
]
