"""URLs of the annual review, included by the app's ``urls.py`` (namespace ``improvement``)."""

from django.urls import path

from barometre.improvement import review_views

urlpatterns = [
    path("<int:pk>/bilan/<int:year>/", review_views.review, name="review"),
    path("<int:pk>/bilan/<int:year>/bilan.pdf", review_views.review_pdf, name="review_pdf"),
]
