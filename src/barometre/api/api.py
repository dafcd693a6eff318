"""The REST API, version 1 (django-ninja, OpenAPI 3.1 at /api/v1/openapi.json and a
documentation page at /api/v1/docs).

Authentication: a personal token (``Authorization: Bearer brm_…``, read or write scope)
or the web session (with its CSRF token). Every operation applies the same access rules
as the web pages: objects outside the caller's scope answer 404. Errors share one format:
``{"code": "…", "message": "… en français", "details": [{"field": "…", "message": "…"}]}``.

This module holds the API object, its authentication and its error handlers; each resource
has its own module and router (``structures``, ``editions``, ``audits``, ``results``,
``improvement``, ``public``)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from barometre.api.contract import ContractApi
from barometre.api.models import ApiToken
from barometre.api.public import public_router
from barometre.core.errors import Conflict, Refused
from barometre.core.figures import plural
from barometre.web.errors import ERRORS as HTTP_ERRORS


class TokenAuth(HttpBearer):
    openapi_description = "Jeton personnel : Authorization: Bearer brm_…"

    def authenticate(self, request, token):
        found = ApiToken.from_key(token)
        if found is None:
            return None
        request.user = found.user
        return found


class Session(SessionAuth):
    openapi_description = "Session du site (avec le jeton CSRF pour les écritures)"

    def _get_key(self, request):
        try:
            return super()._get_key(request)
        except HttpError as exc:  # django-ninja's English "CSRF check Failed"
            raise PermissionDenied(
                "Jeton CSRF absent ou invalide : avec la session du site, une écriture "
                "envoie l'en-tête X-CSRFToken."
            ) from exc


DESCRIPTION = """API de Baromètre, version 1.

**Authentification** : jeton personnel (`Authorization: Bearer brm_…`, créé depuis la page
« Jetons d'API », en lecture ou en lecture-écriture) ou session du site (avec le jeton CSRF
pour les écritures). Chaque opération applique les mêmes droits que les pages : un objet
hors de votre périmètre répond 404.

**Erreurs** : toujours `{"code": "…", "message": "…", "details": [{"field": "…",
"message": "…"}]}` ; codes `unauthenticated` (401), `forbidden` (403), `not_found` (404),
`conflict` et `refused` (409), `validation_error` (422), `rate_limited` (429),
`bad_request` (400 : corps JSON illisible), `method_not_allowed` (405), `server_error`
(500) et `unavailable` (503 avec `Retry-After` : base de données injoignable, réessayer).
Chaque opération déclare les statuts qu'elle peut rendre.

**Pagination** : `limit` (1 à 100) et `offset` ; la réponse donne `items` et `count`.

**Version** : les changements compatibles (opération, champ de réponse ou valeur
d'énumération en plus) restent en v1 ; les autres ouvrent une v2 (docs/api.md)."""

TAGS = [
    {"name": "structures", "description": "Registre des structures"},
    {"name": "editions", "description": "Éditions du baromètre et inscriptions"},
    {"name": "audits", "description": "Audits mystère : lecture et saisie des réponses"},
    {"name": "results", "description": "Résultats publiés et résultats d'une structure"},
    {"name": "improvement", "description": "Amélioration continue (Services Publics+)"},
    {
        "name": "public",
        "description": "Sans authentification : questionnaires des points de "
        "collecte et réponses des usagers",
    },
]

# The title gives a generated client its name (barometre-api-client): ASCII, no dash.
api = ContractApi(
    title="Barometre API",
    version="1",
    urls_namespace="api",
    description=DESCRIPTION,
    auth=[TokenAuth(), Session()],
    openapi_extra={"tags": TAGS},
)


# ---------------------------------------------------------------- errors


def _error(request, status: int, code: str, message: str, details=()):
    return api.create_response(
        request, {"code": code, "message": message, "details": list(details)}, status=status
    )


FRENCH = {
    "missing": "champ obligatoire",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "greater_than": "doit être supérieur à {gt}",
    "less_than": "doit être inférieur à {lt}",
    "string_too_long": "{max_length} caractères au plus",
    "string_too_short": "{min_length} caractère{min_length_s} au moins",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "bool_parsing": "true ou false attendu",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "datetime_parsing": "date et heure attendues (ISO 8601)",
    "enum": "valeur attendue parmi : {expected}",
    "literal_error": "valeur attendue parmi : {expected}",
    "dict_type": "objet JSON attendu",
    "string_type": "texte attendu",
    "json_invalid": "JSON invalide",
}


def french(error: dict) -> str:
    template = FRENCH.get(error.get("type", ""))
    if template is None:
        return error.get("msg", "valeur invalide")
    try:
        ctx = dict(error.get("ctx") or {})
        marks = {f"{k}_s": plural(v) for k, v in ctx.items() if isinstance(v, int | float)}
        return template.format(**ctx, **marks)
    except (KeyError, IndexError):
        return template


def _field(loc) -> str:
    """The field of an error: its location without the part of the request it came from
    (``file`` leads the location of an uploaded file: ``["file", "file"]``)."""
    parts = list(loc[1:]) if loc[:1] == ("file",) or loc[:1] == ["file"] else list(loc)
    return ".".join(str(p) for p in parts if p not in ("body", "query", "path"))


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    details = [{"field": _field(e.get("loc", ())), "message": french(e)} for e in exc.errors]
    return _error(request, 422, "validation_error", "Données invalides.", details)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(
        request, 401, "unauthenticated", "Authentification requise : jeton d'API ou session."
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", str(exc) or "Introuvable.")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "forbidden", str(exc) or "Accès refusé.")


@api.exception_handler(Refused)
def _refused(request, exc):
    return _error(request, 409, "refused", str(exc))


@api.exception_handler(Conflict)
def _conflict(request, exc):
    return _error(request, 409, "conflict", str(exc))


MALFORMED = "Corps de la requête illisible : un objet JSON valide est attendu."


@api.exception_handler(HttpError)
def _http(request, exc: HttpError):
    # django-ninja raises it in English, mainly for a body that is not JSON (400).
    known = HTTP_ERRORS.get(exc.status_code, HTTP_ERRORS[400])
    message = MALFORMED if exc.status_code == 400 else known.lead
    return _error(request, exc.status_code, known.code, message)


# ---------------------------------------------------------------- routers, one module each
# (imported last: they use this module's error handlers only through the api object)
from barometre.api.audits import audits_router  # noqa: E402
from barometre.api.editions import editions_router  # noqa: E402
from barometre.api.improvement import improvement_router  # noqa: E402
from barometre.api.results import results_router  # noqa: E402
from barometre.api.structures import structures_router  # noqa: E402

api.add_router("/structures", structures_router)
api.add_router("/editions", editions_router)
api.add_router("/audits", audits_router)
api.add_router("/results", results_router)
api.add_router("/improvement", improvement_router)
api.add_router("/public", public_router)
