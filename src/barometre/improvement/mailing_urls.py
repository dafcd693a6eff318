"""URLs of the survey mailings, included by the app's ``urls.py`` (namespace ``improvement``)."""

from django.urls import path

from barometre.improvement import mailing_views

urlpatterns = [
    path("enquetes/<int:pk>/courriels/", mailing_views.mailing_create, name="mailing_create"),
    path("envois/<int:pk>/relance/", mailing_views.mailing_remind, name="mailing_remind"),
    path("envois/<int:pk>/cloture/", mailing_views.mailing_close, name="mailing_close"),
    path("envois/<int:pk>/reprise/", mailing_views.mailing_resume, name="mailing_resume"),
]
