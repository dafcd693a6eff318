from django.urls import path

from barometre.campaigns import audit_views, caller_views, phase_views, planning_views, views

app_name = "campaigns"

urlpatterns = [
    path("", views.my_tasks, name="my_tasks"),
    path("audits/<int:pk>/", audit_views.task_detail, name="task"),
    path("audits/<int:pk>/pieces/", audit_views.evidence_upload, name="evidence_upload"),
    path(
        "audits/<int:pk>/pieces/<int:evidence_pk>/",
        audit_views.evidence_download,
        name="evidence_download",
    ),
    path("audits/<int:pk>/equipe/", views.task_staffing, name="task_staffing"),
    path("validation/", audit_views.validation_queue, name="validation"),
    path("validation/<int:pk>/", audit_views.decide, name="decide"),
    path("editions/", views.edition_list, name="editions"),
    path("editions/interne/", views.internal_campaign_create, name="internal_create"),
    path("editions/nouvelle/", views.edition_create, name="edition_create"),
    path(
        "editions/<int:pk>/double-codage/",
        views.edition_double_coding,
        name="edition_double_coding",
    ),
    path("scenarios/", views.scenario_list, name="scenarios"),
    path("scenarios/nouveau/", views.scenario_edit, name="scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_edit, name="scenario_edit"),
    path("editions/<int:pk>/", views.edition_detail, name="edition"),
    path("editions/<int:pk>/inscriptions/", views.enrolment_action, name="enrolment_action"),
    path("candidature/<int:structure_pk>/", views.apply_for_edition, name="apply"),
    path("editions/<int:pk>/import/", views.audit_import, name="audit_import"),
    path(
        "editions/<int:pk>/import/<int:import_pk>/",
        views.audit_import_preview,
        name="audit_import_preview",
    ),
    path("editions/<int:pk>/export/", views.edition_export, name="edition_export"),
    path("editions/<int:pk>/phase/", phase_views.edition_phase, name="edition_phase"),
    path("editions/<int:pk>/audits/", planning_views.edition_audits, name="edition_audits"),
    path("editions/<int:pk>/planifier/", views.edition_plan, name="edition_plan"),
    path("editions/<int:pk>/appelants/", caller_views.edition_callers, name="edition_callers"),
]
