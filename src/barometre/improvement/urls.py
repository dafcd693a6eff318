from django.urls import path

from barometre.improvement import mailing_views, views

app_name = "improvement"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.structure_home, name="structure"),
    path("<int:pk>/registre/", views.entry_list, name="entries"),
    path("<int:pk>/registre/nouvelle/", views.entry_create, name="entry_create"),
    path("<int:pk>/registre/bilan/", views.register_figures, name="figures"),
    path("<int:pk>/registre/delais/", views.deadline_rules, name="deadline_rules"),
    path("<int:pk>/registre/experiences/", views.experiences_import, name="experiences_import"),
    path("registre/<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/enquetes/nouvelle/", views.questionnaire_create, name="questionnaire_create"),
    path("<int:pk>/points/nouveau/", views.point_create, name="point_create"),
    path("enquetes/<int:pk>/", views.questionnaire_results, name="questionnaire"),
    path("enquetes/<int:pk>/modifier/", views.questionnaire_edit, name="questionnaire_edit"),
    path("enquetes/<int:pk>/saisie/", views.paper_entry, name="paper_entry"),
    path("enquetes/<int:pk>/import/", views.survey_import, name="survey_import"),
    path("enquetes/<int:pk>/liens-uniques/", views.invitations, name="invitations"),
    path("enquetes/<int:pk>/courriels/", mailing_views.mailing_create, name="mailing_create"),
    path("envois/<int:pk>/relance/", mailing_views.mailing_remind, name="mailing_remind"),
    path("envois/<int:pk>/cloture/", mailing_views.mailing_close, name="mailing_close"),
    path("points/<int:pk>/qr.<str:fmt>", views.point_qr, name="point_qr"),
    path("<int:pk>/tableau-de-bord/", views.quality_dashboard, name="dashboard"),
    path("<int:pk>/indicateurs/nouveau/", views.indicator_edit, name="indicator_create"),
    path("<int:pk>/indicateurs/catalogue/", views.indicator_catalogue, name="indicator_catalogue"),
    path("<int:pk>/indicateurs/<int:indicator_pk>/", views.indicator_edit, name="indicator"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/plan/nouvelle/", views.action_edit, name="action_create"),
    path("<int:pk>/plan/<int:action_pk>/", views.action_edit, name="action"),
    path("<int:pk>/formations/", views.trainings, name="trainings"),
    path("<int:pk>/autodiagnostic/", views.self_assessment, name="self_assessment"),
    path("<int:pk>/echeances/", views.deadlines, name="deadlines"),
    path("<int:pk>/comite/", views.committee, name="committee"),
    path("<int:pk>/comite/nouvelle-reunion/", views.meeting_edit, name="meeting_create"),
    path("<int:pk>/comite/<int:meeting_pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/comite/<int:meeting_pk>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/bilan/<int:year>/", views.review, name="review"),
    path("<int:pk>/bilan/<int:year>/bilan.pdf", views.review_pdf, name="review_pdf"),
    path("<int:pk>/profil/", views.profile, name="profile"),
]
