from django.urls import path

from barometre.improvement import (
    committee_views,
    indicator_views,
    mailing_views,
    network_views,
    plan_views,
    register_views,
    review_views,
    survey_views,
    views,
)

app_name = "improvement"

urlpatterns = [
    path("", views.index, name="index"),
    path("reseau/", network_views.network_register, name="network"),
    path("<int:pk>/", views.structure_home, name="structure"),
    path("<int:pk>/registre/", register_views.entry_list, name="entries"),
    path("<int:pk>/registre/nouvelle/", register_views.entry_create, name="entry_create"),
    path("<int:pk>/registre/bilan/", register_views.register_figures, name="figures"),
    path("<int:pk>/registre/delais/", register_views.deadline_rules, name="deadline_rules"),
    path(
        "<int:pk>/registre/experiences/",
        register_views.experiences_import,
        name="experiences_import",
    ),
    path("registre/<int:pk>/", register_views.entry_detail, name="entry"),
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
    path("enquetes/<int:pk>/courriels/", mailing_views.mailing_create, name="mailing_create"),
    path("envois/<int:pk>/relance/", mailing_views.mailing_remind, name="mailing_remind"),
    path("envois/<int:pk>/cloture/", mailing_views.mailing_close, name="mailing_close"),
    path("points/<int:pk>/qr.<str:fmt>", survey_views.point_qr, name="point_qr"),
    path("<int:pk>/tableau-de-bord/", indicator_views.quality_dashboard, name="dashboard"),
    path("<int:pk>/indicateurs/nouveau/", indicator_views.indicator_edit, name="indicator_create"),
    path(
        "<int:pk>/indicateurs/catalogue/",
        indicator_views.indicator_catalogue,
        name="indicator_catalogue",
    ),
    path(
        "<int:pk>/indicateurs/<int:indicator_pk>/", indicator_views.indicator_edit, name="indicator"
    ),
    path("<int:pk>/plan/", plan_views.plan, name="plan"),
    path("<int:pk>/plan/nouvelle/", plan_views.action_edit, name="action_create"),
    path("<int:pk>/plan/<int:action_pk>/", plan_views.action_edit, name="action"),
    path("<int:pk>/formations/", plan_views.trainings, name="trainings"),
    path("<int:pk>/autodiagnostic/", plan_views.self_assessment, name="self_assessment"),
    path("<int:pk>/echeances/", plan_views.deadlines, name="deadlines"),
    path("<int:pk>/comite/", committee_views.committee, name="committee"),
    path("<int:pk>/comite/nouvelle-reunion/", committee_views.meeting_edit, name="meeting_create"),
    path("<int:pk>/comite/<int:meeting_pk>/", committee_views.meeting_detail, name="meeting"),
    path(
        "<int:pk>/comite/<int:meeting_pk>/modifier/",
        committee_views.meeting_edit,
        name="meeting_edit",
    ),
    path("<int:pk>/bilan/<int:year>/", review_views.review, name="review"),
    path("<int:pk>/bilan/<int:year>/bilan.pdf", review_views.review_pdf, name="review_pdf"),
    path("<int:pk>/profil/", views.profile, name="profile"),
]
