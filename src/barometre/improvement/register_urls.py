"""URLs of the feedback register, included by the app's ``urls.py`` (namespace ``improvement``)."""

from django.urls import path

from barometre.improvement import register_views

urlpatterns = [
    path("<int:pk>/registre/", register_views.entry_list, name="entries"),
    path("<int:pk>/registre/export/", register_views.entries_export, name="entries_export"),
    path("<int:pk>/registre/nouvelle/", register_views.entry_create, name="entry_create"),
    path("<int:pk>/registre/bilan/", register_views.register_figures, name="figures"),
    path("<int:pk>/registre/delais/", register_views.deadline_rules, name="deadline_rules"),
    path(
        "<int:pk>/registre/experiences/",
        register_views.experiences_import,
        name="experiences_import",
    ),
    path("registre/<int:pk>/", register_views.entry_detail, name="entry"),
]
