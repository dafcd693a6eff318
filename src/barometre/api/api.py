"""The REST API, version 1 (django-ninja, OpenAPI 3.1 at /api/v1/openapi.json and a
documentation page at /api/v1/docs).

Authentication: a personal token (``Authorization: Bearer brm_…``, read or write scope)
or the web session (with its CSRF token). Every operation applies the same access rules
as the web pages: objects outside the caller's scope answer 404. Errors share one format:
``{"code": "…", "message": "… en français", "details": [{"field": "…", "message": "…"}]}``."""

import datetime as dt
from typing import Annotated, Literal

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import paginate
from ninja.security import HttpBearer, SessionAuth

from barometre.accounts.access import require_registry_access, visible_structures
from barometre.api.contract import ContractApi, errors, named_enum
from barometre.api.inputs import MAX_ID, Id, NoNull, Pagination, invalid
from barometre.api.models import ApiToken
from barometre.api.public import public_router
from barometre.campaigns import workflow
from barometre.campaigns.access import get_task_for_user, runnable_editions
from barometre.campaigns.models import AuditTask, Edition, Enrolment
from barometre.core.errors import Conflict, Refused
from barometre.engine import prepare_answers
from barometre.improvement import dashboard, register
from barometre.improvement.access import WRITE as TEAM_WRITE
from barometre.improvement.access import get_structure as get_improvement_structure
from barometre.improvement.access import sees_personal_data
from barometre.improvement.models import (
    FeedbackChannel,
    FeedbackEntry,
    FeedbackKind,
)
from barometre.results import access as result_access
from barometre.results import figures as result_figures
from barometre.results.models import ResultSet
from barometre.structures.models import Channel, StructureKind
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
    "string_too_short": "{min_length} caractère(s) au moins",
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
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    details = [
        {
            "field": ".".join(
                str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path")
            ),
            "message": french(e),
        }
        for e in exc.errors
    ]
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


def require_write(request) -> None:
    if isinstance(request.auth, ApiToken) and not request.auth.can_write:
        raise PermissionDenied("Ce jeton n'a que le droit de lecture.")


# ---------------------------------------------------------------- structures


class StructureOut(Schema):
    id: int
    identifier: str
    name: str
    kind: StructureKind
    department: str
    city: str
    population: int | None


class StructureFilter(Schema):
    q: Annotated[str, Field(max_length=100), NoNull] = ""
    kind: StructureKind | None = None
    department: Annotated[str, Field(max_length=3), NoNull] = ""


structures_router = Router(tags=["structures"])


@structures_router.get("", response={200: list[StructureOut], **errors()})
@paginate(Pagination)
def list_structures(request, filters: Query[StructureFilter]):
    require_registry_access(request.user)
    items = visible_structures(request.user).search(filters.q).order_by("name", "pk")
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.department:
        items = items.filter(department=filters.department)
    return items


@structures_router.get("/{int:structure_id}", response={200: StructureOut, **errors()})
def get_structure(request, structure_id: Id):
    require_registry_access(request.user)
    found = visible_structures(request.user).filter(pk=structure_id).first()
    if found is None:
        raise Http404("Structure introuvable.")
    return found


# ---------------------------------------------------------------- editions

EditionPhase = named_enum("EditionPhase", Edition.Status, "Phase d'une édition")
AuditChannel = named_enum("AuditChannel", Channel, "Canal d'audit")
EnrolmentStatus = named_enum("EnrolmentStatus", Enrolment.Status, "État d'une inscription")


class EditionOut(Schema):
    id: int
    year: int
    name: str
    status: EditionPhase
    grid: str
    enrolment_opens: dt.date
    enrolment_closes: dt.date
    fieldwork_starts: dt.date
    fieldwork_ends: dt.date
    internal: bool

    @staticmethod
    def resolve_grid(obj) -> str:
        return str(obj.grid)


class EnrolmentOut(Schema):
    structure_id: int
    structure: str
    status: EnrolmentStatus
    category: str
    channels: list[AuditChannel]
    publish_results: bool

    @staticmethod
    def resolve_structure(obj) -> str:
        return obj.structure.name


editions_router = Router(tags=["editions"])


@editions_router.get("", response={200: list[EditionOut], **errors()})
@paginate(Pagination)
def list_editions(request, year: Annotated[int | None, Field(ge=2000, le=2100)] = None):
    editions = runnable_editions(request.user).select_related("grid").order_by("-year", "pk")
    return editions.filter(year=year) if year else editions


def _edition(request, edition_id: Id) -> Edition:
    found = runnable_editions(request.user).select_related("grid").filter(pk=edition_id).first()
    if found is None:
        raise Http404("Édition introuvable.")
    return found


@editions_router.get("/{int:edition_id}", response={200: EditionOut, **errors()})
def get_edition(request, edition_id: Id):
    return _edition(request, edition_id)


@editions_router.get("/{int:edition_id}/enrolments", response={200: list[EnrolmentOut], **errors()})
@paginate(Pagination)
def list_enrolments(request, edition_id: Id):
    return _edition(request, edition_id).enrolments.select_related("structure").order_by("pk")


# ---------------------------------------------------------------- audits

AuditStatus = named_enum("AuditStatus", AuditTask.Status, "État d'un audit")


class AuditOut(Schema):
    id: int
    edition_id: int
    structure_id: int
    structure: str
    channel: AuditChannel
    sequence: int
    scheduled_at: dt.datetime
    status: AuditStatus
    sent_at: dt.datetime | None
    replied_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_structure(obj) -> str:
        return obj.structure.name


class AuditDetail(AuditOut):
    answers: dict[str, str]

    @staticmethod
    def resolve_answers(obj) -> dict[str, str]:
        return dict(obj.answers.values_list("criterion", "value"))


class AnswersIn(Schema):
    version: Annotated[int, Field(ge=1, description="La version lue : un écart donne 409.")]
    answers: dict[
        Annotated[str, Field(max_length=80), NoNull],
        Annotated[str, Field(max_length=5000), NoNull],
    ]
    submit: bool = False


class Submitted(AuditDetail):
    anomalies: list[str] = []


audits_router = Router(tags=["audits"])


@audits_router.get("", response={200: list[AuditOut], **errors()})
@paginate(Pagination)
def list_audits(
    request,
    status: AuditStatus | None = None,
    edition_id: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None,
):
    """The caller's audits (operators: all of them)."""
    tasks = AuditTask.objects.select_related("structure").order_by("scheduled_at", "pk")
    if not request.user.is_operator:
        managed = request.user.structure_ids("manager")
        if not request.user.is_auditor and not managed:
            raise PermissionDenied("Réservé aux enquêteurs, aux opérateurs et aux responsables.")
        tasks = tasks.filter(Q(auditor=request.user) | Q(edition__owner_id__in=managed))
    if status:
        tasks = tasks.filter(status=status)
    if edition_id:
        tasks = tasks.filter(edition_id=edition_id)
    return tasks


@audits_router.get("/{int:audit_id}", response={200: AuditDetail, **errors()})
def get_audit(request, audit_id: Id):
    return get_task_for_user(request.user, audit_id)


@audits_router.put("/{int:audit_id}/answers", response={200: Submitted, **errors(409, body=True)})
def put_answers(request, audit_id: Id, payload: AnswersIn):
    """Replace an audit's answers (values as in the long format of docs/formats.md:
    ``oui``, ``non``, ``sans objet``, numbers, level codes), and submit it if asked."""
    require_write(request)
    task = get_task_for_user(request.user, audit_id)
    grid = task.edition.grid.parsed()
    channel_criteria = {c.id for c in grid.criteria if c.channel == task.channel}
    details = [
        {"field": f"answers.{k}", "message": "critère inconnu pour ce canal"}
        for k in payload.answers
        if k not in channel_criteria
    ]
    if payload.answers and not details:
        n = len(payload.answers)
        frame = pl.DataFrame(
            {
                "structure": [task.structure.identifier] * n,
                "department": [task.structure.department] * n,
                "channel": [task.channel] * n,
                "audit": ["API"] * n,
                "criterion": list(payload.answers),
                "value": list(payload.answers.values()),
            }
        )
        names = list(payload.answers)
        details = [
            {"field": f"answers.{names[p.row - 2]}" if p.row else "answers", "message": p.message}
            for p in prepare_answers(grid, frame).problems
        ]
    if details:
        return invalid("Réponses invalides.", [(d["field"], d["message"]) for d in details])
    workflow.save_answers(task, payload.answers, by=request.user, version=payload.version)
    found = workflow.submit(task, by=request.user) if payload.submit else []
    task.refresh_from_db()
    task.anomalies = found
    return Status(200, task)


# ---------------------------------------------------------------- results


class KeyFigure(Schema):
    id: str
    label: str
    kind: Literal["rate", "mean"] = Field(description="taux (k / n) ou moyenne (de n valeurs)")
    unit: str
    value: float | None = Field(description="vide quand l'effectif est insuffisant")
    low: float | None
    high: float | None
    numerator: float | None = Field(description="numérateur d'un taux")
    denominator: int | None = Field(description="effectif : observations comptées")
    counted: str = Field(description="ce que compte l'effectif : appels, structures…")
    insufficient: bool = Field(description="effectif sous le minimum de publication")


def _key_figure(figure) -> dict:
    """A key figure as the API publishes it (docs/scoring.md §7)."""
    small = figure.small
    return {
        "id": figure.id,
        "label": figure.label,
        "kind": figure.kind,
        "unit": figure.unit or "%",
        "value": None if small else figure.value,
        "low": None if small else figure.low,
        "high": None if small else figure.high,
        "numerator": figure.numerator,
        "denominator": figure.n,
        "counted": figure.n_unit,
        "insufficient": small,
    }


class PublishedResults(Schema):
    edition_id: int
    edition: str
    version: int
    published_at: dt.datetime
    participants: int
    key_figures: list[KeyFigure]
    categories: list[dict]


class StructureResultOut(Schema):
    edition_id: int
    structure_id: int
    version: int
    published: bool
    score: float
    score_low: float
    score_high: float
    audits: int
    category: str
    rank: int | None
    rank_low: int | None
    rank_high: int | None
    channels: dict[str, float | None]
    stages: dict[str, float | None]
    determinants: dict[str, float | None]


results_router = Router(tags=["results"])


@results_router.get(
    "/editions/{int:edition_id}",
    response={200: PublishedResults, **errors(public=True)},
    auth=None,
)
def get_national_results(request, edition_id: Id):
    """National aggregates of a published edition (no structure named): public, as the
    edition's public page and open data."""
    found = (
        ResultSet.objects.published_national()
        .filter(edition_id=edition_id)
        .select_related("edition")
        .order_by("-version")
        .first()
    )
    if found is None:
        raise Http404("Aucun résultat publié pour cette édition.")
    return {
        "edition_id": edition_id,
        "edition": found.edition.name,
        "version": found.version,
        "published_at": found.published_at,
        "participants": found.structures.count(),
        "key_figures": [_key_figure(f) for f in result_figures.key_figures(found)],
        "categories": found.categories,
    }


@results_router.get(
    "/editions/{int:edition_id}/structures/{int:structure_id}",
    response={200: StructureResultOut, **errors()},
)
def get_structure_result(request, edition_id: Id, structure_id: Id):
    result = result_access.get_structure_result(request.user, edition_id, structure_id)
    details = result.details
    return {
        "edition_id": edition_id,
        "structure_id": structure_id,
        "version": result.result_set.version,
        "published": result.result_set.published_at is not None,
        "score": result.score,
        "score_low": result.score_low,
        "score_high": result.score_high,
        "audits": result.audits,
        "category": result.category,
        "rank": result.rank,
        "rank_low": result.rank_low,
        "rank_high": result.rank_high,
        "channels": details.get("channels", {}),
        "stages": details.get("stages", {}),
        "determinants": details.get("determinants", {}),
    }


# ---------------------------------------------------------------- continuous improvement

FeedbackStatus = named_enum("FeedbackStatus", FeedbackEntry.Status, "État d'une réclamation")


class FeedbackOut(Schema):
    id: int
    reference: str
    kind: FeedbackKind
    channel: FeedbackChannel
    received_on: dt.date
    subject: str
    status: FeedbackStatus
    acknowledge_due: dt.date | None
    answer_due: dt.date | None
    acknowledged_on: dt.date | None
    answered_on: dt.date | None
    service: str
    version: int

    @staticmethod
    def resolve_subject(obj, context) -> str:
        # As on the register's pages: masked for whoever does not handle the entry.
        if sees_personal_data(context["request"].user, obj):
            return obj.subject
        return register.masked(obj).subject


class FeedbackIn(Schema):
    kind: FeedbackKind
    channel: FeedbackChannel
    received_on: dt.date
    subject: Annotated[str, Field(min_length=1, max_length=200), NoNull]
    description: Annotated[str, Field(min_length=1, max_length=5000), NoNull]
    service: Annotated[str, Field(max_length=120), NoNull] = ""


class IndicatorOut(Schema):
    id: int
    code: str
    label: str
    engagement: str
    unit: str
    direction: Literal["ge", "le"]
    source: str
    values: dict[int, float | None]
    targets: dict[int, float]


improvement_router = Router(tags=["improvement"])


@improvement_router.get(
    "/structures/{int:structure_id}/feedback", response={200: list[FeedbackOut], **errors()}
)
@paginate(Pagination)
def list_feedback(request, structure_id: Id, status: FeedbackStatus | None = None):
    structure = get_improvement_structure(request.user, structure_id)
    entries = FeedbackEntry.objects.filter(structure=structure).order_by("-received_on", "-pk")
    return entries.filter(status=status) if status else entries


@improvement_router.post(
    "/structures/{int:structure_id}/feedback", response={201: FeedbackOut, **errors(409, body=True)}
)
def create_feedback(request, structure_id: Id, payload: FeedbackIn):
    require_write(request)
    structure = get_improvement_structure(request.user, structure_id, TEAM_WRITE)
    if payload.received_on > timezone.localdate():
        return invalid(
            "Données invalides.",
            [("received_on", "la date de réception ne peut pas être dans le futur")],
        )
    if payload.received_on < register.EARLIEST_RECEIVED:
        return invalid("Données invalides.", [("received_on", register.TOO_EARLY)])
    entry, _ = register.create_entry(structure, by=request.user, **payload.dict())
    return Status(201, entry)


@improvement_router.get(
    "/structures/{int:structure_id}/indicators", response={200: list[IndicatorOut], **errors()}
)
def list_indicators(
    request, structure_id: Id, year: Annotated[int | None, Field(ge=2000, le=2100)] = None
):
    structure = get_improvement_structure(request.user, structure_id)
    year = year or timezone.localdate().year
    years = [year - 2, year - 1, year]
    rows = dashboard.dashboard(structure, years, year)
    return [
        {
            "id": r.indicator.pk,
            "code": r.indicator.code,
            "label": r.indicator.label,
            "engagement": r.indicator.engagement,
            "unit": r.indicator.unit,
            "direction": r.indicator.direction,
            "source": r.indicator.source,
            "values": {y: c.value for y, c in zip(years, r.cells, strict=True)},
            "targets": {t.year: t.value for t in r.indicator.targets.all()},
        }
        for r in rows
    ]


api.add_router("/structures", structures_router)
api.add_router("/editions", editions_router)
api.add_router("/audits", audits_router)
api.add_router("/results", results_router)
api.add_router("/improvement", improvement_router)
api.add_router("/public", public_router)
