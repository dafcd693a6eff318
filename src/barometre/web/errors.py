"""Error pages: French DSFR pages on the site, the API's error format under /api/.

Django calls the ``handler…`` views of ``barometre.urls`` and ``CSRF_FAILURE_VIEW``;
``NotAllowedMiddleware`` dresses the bare 405 answers of ``require_POST`` and the API.
While the database is out of reach, every request (page, API, ``/sante/``) answers 503
with ``Retry-After``, from a page that needs no database, and the log has one line when it
goes and one when it comes back (``core.outage``), not a traceback per request. Django
turns an exception raised anywhere (a view, the session or login middleware) into a call
of ``server_error``, which is where the outage is recognised.
A 429 is answered where the limit is counted, in French too: the public forms show the
form again with the reason, the login lockout has its own page (``AXES_LOCKOUT_TEMPLATE``)
and the API answers ``rate_limited``.
No page shows debug details: the visitor reads what happened and what to do."""

import logging
import re
import sys
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse

from barometre.core import outage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Error:
    title: str
    code: str  # the API's error code
    lead: str
    advice: str


ERRORS = {
    400: Error(
        "Requête incorrecte",
        "bad_request",
        "La requête envoyée n'a pas pu être comprise.",
        "Revenez à la page précédente et recommencez ; si l'adresse a été copiée, "
        "vérifiez qu'elle est complète.",
    ),
    403: Error(
        "Accès refusé",
        "forbidden",
        "Vous n'avez pas le droit d'accéder à cette page.",
        "Si vous pensez que c'est une erreur, demandez à l'opérateur du baromètre ou "
        "au responsable de votre structure de vérifier votre rôle.",
    ),
    404: Error(
        "Page introuvable",
        "not_found",
        "La page que vous cherchez n'existe pas ou n'existe plus.",
        "Si vous avez tapé l'adresse, vérifiez-la ; le lien a pu changer ou expirer.",
    ),
    405: Error(
        "Action non autorisée",
        "method_not_allowed",
        "Cette adresse ne s'utilise pas de cette façon.",
        "Passez par le bouton ou le formulaire de la page concernée.",
    ),
    500: Error(
        "Erreur du serveur",
        "server_error",
        "Une erreur inattendue s'est produite de notre côté.",
        "Elle a été enregistrée. Réessayez dans quelques instants ; si elle persiste, "
        "contactez l'opérateur du baromètre.",
    ),
    503: Error(
        "Service momentanément indisponible",
        "unavailable",
        "Le service ne peut pas répondre pour le moment : sa base de données est injoignable.",
        "Rien de ce que vous aviez déjà enregistré n'est perdu. Réessayez dans une minute ; "
        "un formulaire non envoyé peut être renvoyé tel quel.",
    ),
}
CSRF = Error(
    "Formulaire expiré",
    "forbidden",
    "Le formulaire n'a pas pu être vérifié : la page était ouverte depuis trop longtemps "
    "ou les cookies sont bloqués.",
    "Rechargez la page, vérifiez que votre navigateur accepte les cookies de ce site, puis "
    "envoyez à nouveau le formulaire.",
)
_DJANGO_NOT_FOUND = re.compile(r"^No .* matches the given query\.$")
# A page so simple it cannot fail: used when the full page cannot be drawn.
_BARE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>{lead}</p><p>{advice}</p><p><a href="/">Retour à
l'accueil</a></p></main></body></html>"""


def is_api(request) -> bool:
    """The API answers in JSON; its documentation and token pages are ordinary pages."""
    return request.path.startswith("/api/") and not request.path.startswith(
        (reverse("api_tokens"), "/api/v1/docs")
    )


def error_response(request, status: int, *, error: Error | None = None, message: str = ""):
    error = error or ERRORS[status]
    if is_api(request):
        body = {"code": error.code, "message": message or error.lead, "details": []}
        return JsonResponse(
            body,
            status=status,
            content_type="application/json; charset=utf-8",
            json_dumps_params={"ensure_ascii": False},
        )
    context = {"error": error, "status": status, "message": message}
    try:
        return render(request, "web/error.html", context, status=status)
    except Exception:  # the layout itself failed (database down, bad host…)
        logger.exception("Page d'erreur %s dessinée sans mise en page", status)
        return HttpResponse(_BARE.format(**vars(error)), status=status)


def _own_message(exception) -> str:
    """The message written for users by our code, never Django's internals (URL tried,
    model names): those are debug details."""
    message = exception.args[0] if exception and exception.args else ""
    if not isinstance(message, str) or _DJANGO_NOT_FOUND.match(message):
        return ""
    return message


def bad_request(request, exception=None):
    return error_response(request, 400)


def permission_denied(request, exception=None):
    return error_response(request, 403, message=_own_message(exception))


def page_not_found(request, exception=None):
    return error_response(request, 404, message=_own_message(exception))


def server_error(request):
    exc = sys.exc_info()[1]
    if outage.is_unreachable(exc):
        outage.went_down(exc, "web")
        return unavailable(request)
    return error_response(request, 500)


def unavailable(request):
    """503 with ``Retry-After``, drawn without the database (the site's layout reads it)."""
    error = ERRORS[503]
    if is_api(request):
        response = error_response(request, 503)
    else:
        try:
            page = render_to_string("web/unavailable.html", {"error": error})
        except Exception:  # static files not collected: the page without its style sheet
            page = _BARE.format(**vars(error))
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
    response._has_been_logged = True  # logged once per outage by core.outage, not here
    return response


class OutageMiddleware:
    """Logs once that the database answers again: the first request answered normally
    after an outage (every page and API call reads the database)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if outage.is_down() and response.status_code != 503:
            outage.came_back("web")
        return response


def csrf_failure(request, reason=""):
    return error_response(request, 403, error=CSRF)


_BARE_NOT_ALLOWED = {b"", b"Method not allowed"}  # Django's, django-ninja's


class NotAllowedMiddleware:
    """A 405 (``require_POST``, the API's operations) comes with no page: give it one,
    keeping its ``Allow`` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        bare = not response.streaming and response.content in _BARE_NOT_ALLOWED
        if response.status_code != 405 or not bare:
            return response
        dressed = error_response(request, 405)
        if "Allow" in response:
            dressed["Allow"] = response["Allow"]
        return dressed


class RetryAfterMiddleware:
    """Every 429 says when to try again (``Retry-After``, in seconds). The public forms and
    the API set it from their window; the login lockout (django-axes) does not: it gets
    the lockout's cool-off."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429 and "Retry-After" not in response:
            response["Retry-After"] = str(round(settings.AXES_COOLOFF_TIME * 3600))
        return response
