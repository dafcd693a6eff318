"""URLs of the users' committee and its meetings, included by the app's ``urls.py``
(namespace ``improvement``)."""

from django.urls import path

from barometre.improvement import committee_views

urlpatterns = [
    path("<int:pk>/comite/", committee_views.committee, name="committee"),
    path("<int:pk>/comite/nouvelle-reunion/", committee_views.meeting_edit, name="meeting_create"),
    path("<int:pk>/comite/<int:meeting_pk>/", committee_views.meeting_detail, name="meeting"),
    path(
        "<int:pk>/comite/<int:meeting_pk>/modifier/",
        committee_views.meeting_edit,
        name="meeting_edit",
    ),
]
