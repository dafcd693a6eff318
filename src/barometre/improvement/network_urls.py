"""URLs of the operators' network view, included by the app's ``urls.py`` (namespace
``improvement``)."""

from django.urls import path

from barometre.improvement import network_views

urlpatterns = [
    path("reseau/", network_views.network_register, name="network"),
]
