"""URLs of the satisfaction surveys and their collection points, included by the app's
``urls.py`` (namespace ``improvement``)."""

from django.urls import path

from barometre.improvement import survey_views

urlpatterns = [
    path(
        "<int:pk>/enquetes/nouvelle/",
        survey_views.questionnaire_create,
        name="questionnaire_create",
    ),
    path("<int:pk>/points/nouveau/", survey_views.point_create, name="point_create"),
    path("enquetes/<int:pk>/", survey_views.questionnaire_results, name="questionnaire"),
    path("enquetes/<int:pk>/modifier/", survey_views.questionnaire_edit, name="questionnaire_edit"),
    path("enquetes/<int:pk>/saisie/", survey_views.paper_entry, name="paper_entry"),
    path("enquetes/<int:pk>/import/", survey_views.survey_import, name="survey_import"),
    path("enquetes/<int:pk>/liens-uniques/", survey_views.invitations, name="invitations"),
    path("points/<int:pk>/qr.<str:fmt>", survey_views.point_qr, name="point_qr"),
]
