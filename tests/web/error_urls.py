"""The site's URLs plus views that fail on purpose, for the error page tests."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.urls import path

from barometre.urls import handler400, handler403, handler404, handler500  # noqa: F401
from barometre.urls import urlpatterns as site_patterns


@login_not_required
def crash(request):
    raise RuntimeError("détail interne qui ne doit pas sortir")


@login_not_required
def suspicious(request):
    raise SuspiciousOperation("détail interne qui ne doit pas sortir")


urlpatterns = [
    path("essai/panne/", crash),
    path("essai/suspect/", suspicious),
    path("api/v1/essai/panne/", crash),
    path("api/v1/essai/suspect/", suspicious),
    *site_patterns,
]
