"""URLs of the quality dashboard and its indicators, included by the app's ``urls.py``
(namespace ``improvement``)."""

from django.urls import path

from barometre.improvement import indicator_views

urlpatterns = [
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
]
