"""Continuous improvement (Services Publics+) through the API: the feedback register and
the quality indicators."""

import datetime as dt
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from barometre.api.contract import RATE_UNIT, errors, named_enum
from barometre.api.inputs import Id, NoNull, Pagination, invalid, require_write
from barometre.improvement import dashboard, register
from barometre.improvement import models as improvement_models
from barometre.improvement.access import WRITE as TEAM_WRITE
from barometre.improvement.access import get_structure as get_improvement_structure
from barometre.improvement.access import sees_personal_data

FeedbackStatus = named_enum(
    "FeedbackStatus", improvement_models.FeedbackEntry.Status, "État d'une réclamation"
)
FeedbackKind = named_enum(
    "FeedbackKind", improvement_models.FeedbackKind, "Nature d'une entrée du registre"
)
FeedbackChannel = named_enum(
    "FeedbackChannel", improvement_models.FeedbackChannel, "Canal par lequel l'entrée est arrivée"
)


class FeedbackEntry(Schema):
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


class NewFeedbackEntry(Schema):
    kind: FeedbackKind
    channel: FeedbackChannel
    received_on: dt.date
    subject: Annotated[str, Field(min_length=1, max_length=200), NoNull]
    description: Annotated[str, Field(min_length=1, max_length=5000), NoNull]
    service: Annotated[str, Field(max_length=120), NoNull] = ""


class Indicator(Schema):
    id: int
    code: str
    label: str
    engagement: str
    unit: str = Field(
        description=(
            "unité des valeurs et des cibles : « part » pour un taux (entre 0 et 1), "
            "« days » (jours) ou « count » (nombre)"
        )
    )
    direction: Literal["ge", "le"]
    source: str
    values: dict[int, float | None]
    targets: dict[int, float]
    samples: dict[int, int | None] = Field(
        description="effectif de chaque valeur calculée (réponses, entrées du registre, appels)"
    )
    as_of: dt.date | None = Field(
        description=(
            "pour l'année en cours, date à laquelle la valeur est arrêtée : pas encore de "
            "verdict par rapport à la cible"
        )
    )


improvement_router = Router(tags=["improvement"])


@improvement_router.get(
    "/structures/{int:structure_id}/feedback",
    response={200: list[FeedbackEntry], **errors()},
    summary="Lister les réclamations et suggestions",
    description=(
        "Le registre d'une structure, par pages, filtrable par état. L'objet est "
        "masqué (noms, courriels, téléphones) pour qui ne traite pas l'entrée, comme "
        "sur les pages du registre."
    ),
)
@paginate(Pagination)
def list_feedback(request, structure_id: Id, status: FeedbackStatus | None = None):
    structure = get_improvement_structure(request.user, structure_id)
    entries = improvement_models.FeedbackEntry.objects.filter(structure=structure).order_by(
        "-received_on", "-pk"
    )
    return entries.filter(status=status) if status else entries


@improvement_router.post(
    "/structures/{int:structure_id}/feedback",
    response={201: FeedbackEntry, **errors(409, body=True)},
    summary="Enregistrer une réclamation ou une suggestion",
    description=(
        "Une entrée reçue par un autre canal (courrier, téléphone, accueil) ; ses "
        "échéances d'accusé de réception et de réponse sont calculées en jours ouvrés "
        "dans le calendrier de la structure. Jeton en écriture, rôle responsable "
        "qualité ou agent de la structure."
    ),
)
def create_feedback(request, structure_id: Id, payload: NewFeedbackEntry):
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
    "/structures/{int:structure_id}/indicators",
    response={200: list[Indicator], **errors()},
    summary="Lister les indicateurs de qualité",
    description=(
        "Les indicateurs suivis par une structure, par année, avec leur cible, leur "
        "effectif et, pour l'année en cours, la date à laquelle la valeur est "
        "arrêtée. Un taux est donné comme une part entre 0 et 1 (`unit` = `part`)."
    ),
)
def list_indicators(
    request, structure_id: Id, year: Annotated[int | None, Field(ge=2000, le=2100)] = None
):
    structure = get_improvement_structure(request.user, structure_id)
    year = year or timezone.localdate().year
    years = [year - 2, year - 1, year]
    rows = dashboard.dashboard(structure, years, year)

    def published(indicator, value):
        """A rate (entered and shown in percent) as a share, as every output gives it."""
        if value is None or indicator.unit != improvement_models.Indicator.Unit.PERCENT:
            return value
        return value / 100

    return [
        {
            "id": r.indicator.pk,
            "code": r.indicator.code,
            "label": r.indicator.label,
            "engagement": r.indicator.engagement,
            "unit": RATE_UNIT
            if r.indicator.unit == improvement_models.Indicator.Unit.PERCENT
            else r.indicator.unit,
            "direction": r.indicator.direction,
            "source": r.indicator.source,
            "values": {
                y: published(r.indicator, c.value) for y, c in zip(years, r.cells, strict=True)
            },
            "targets": {t.year: published(r.indicator, t.value) for t in r.indicator.targets.all()},
            "samples": {y: c.n for y, c in zip(years, r.cells, strict=True)},
            "as_of": next((c.as_of for c in r.cells if c.as_of), None),
        }
        for r in rows
    ]
