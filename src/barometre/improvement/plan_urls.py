"""URLs of the improvement plan, the trainings, the self-assessment and the deadlines,
included by the app's ``urls.py`` (namespace ``improvement``)."""

from django.urls import path

from barometre.improvement import plan_views

urlpatterns = [
    path("<int:pk>/plan/", plan_views.plan, name="plan"),
    path("<int:pk>/plan/nouvelle/", plan_views.action_edit, name="action_create"),
    path("<int:pk>/plan/<int:action_pk>/", plan_views.action_edit, name="action"),
    path("<int:pk>/formations/", plan_views.trainings, name="trainings"),
    path("<int:pk>/autodiagnostic/", plan_views.self_assessment, name="self_assessment"),
    path("<int:pk>/echeances/", plan_views.deadlines, name="deadlines"),
]
