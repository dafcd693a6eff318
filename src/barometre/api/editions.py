"""Editions of the barometer and their enrolments through the API."""

import datetime as dt
from typing import Annotated

from django.db import models
from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from barometre.api.contract import errors, named_enum
from barometre.api.inputs import Id, Pagination
from barometre.campaigns import models as campaign_models
from barometre.campaigns.access import readable_editions, runnable_editions
from barometre.engine import Criterion, MeasureType
from barometre.structures.models import Channel

EditionPhase = named_enum("EditionPhase", campaign_models.Edition.Status, "Phase d'une édition")
AuditChannel = named_enum("AuditChannel", Channel, "Canal d'audit")
EnrolmentStatus = named_enum(
    "EnrolmentStatus", campaign_models.Enrolment.Status, "État d'une inscription"
)


class _ValueTypes(models.TextChoices):
    YES_NO = MeasureType.YES_NO.value, "oui ou non"
    SCALE = MeasureType.SCALE.value, "le code d'un niveau de l'échelle (levels)"
    COUNT = MeasureType.COUNT.value, "un nombre (sonneries, clics…)"
    DURATION = MeasureType.DURATION.value, "une durée, dans l'unité donnée (unit)"
    DELAY = MeasureType.DELAY.value, "un délai en jours, calculé des dates d'envoi et de réponse"
    RATIO = MeasureType.RATIO.value, "une part, écrite en pourcentage (80 %)"
    TEXT = MeasureType.TEXT.value, "un texte libre, non noté"


ValueType = named_enum("ValueType", _ValueTypes, "Type de la valeur d'un critère")


class Edition(Schema):
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


class Enrolment(Schema):
    structure_id: int
    structure: str
    status: EnrolmentStatus
    category: str
    channels: list[AuditChannel]
    publish_results: bool

    @staticmethod
    def resolve_structure(obj) -> str:
        return obj.structure.name


class GridLevel(Schema):
    """Un niveau d'une échelle : le code à envoyer, son libellé et ses points (0 à 1)."""

    code: str
    label: str
    points: float


class GridCriterion(Schema):
    """Un critère de la grille, tel qu'une réponse le renseigne."""

    id: str = Field(description="Identifiant, clé de la réponse (`phone.answered`).")
    label: str
    help: str
    stage: str = Field(description="Étape du parcours de l'usager.")
    determinant: str = Field(description="Déterminant de la qualité.")
    weight: float
    value_type: ValueType
    unit: str = Field(description="Unité d'une mesure chiffrée (secondes, jours ouvrés…).")
    levels: list[GridLevel] = Field(description="Niveaux d'une échelle, du meilleur au pire.")
    prerequisites: list[str] = Field(
        description="Critères dont l'échec (« non », niveau à 0 point) note ce critère 0 : "
        "il n'a alors pas à être renseigné."
    )
    not_applicable_allowed: bool = Field(description="« sans objet » est-il permis ?")
    scored: bool = Field(description="Noté (faux pour un texte libre).")
    computed: bool = Field(
        description="Calculé à partir des dates d'envoi et de réponse : ne pas l'envoyer."
    )
    required: bool = Field(description="Attendu à la soumission, sauf si un prérequis a échoué.")
    knock_out_cap: float | None = Field(
        description="Critère éliminatoire : plafond du score du canal s'il échoue."
    )


class GridChannel(Schema):
    """La grille d'une édition pour un canal : ce qu'un outil de saisie doit renseigner."""

    grid_id: str
    grid_version: int
    grid_title: str
    channel: AuditChannel
    channel_label: str
    criteria: list[GridCriterion]


def _criterion(criterion: Criterion) -> GridCriterion:
    measure = criterion.measure
    computed = measure.type == MeasureType.DELAY and not (
        measure.day_unit.value == "calendar_days" and criterion.not_applicable
    )
    return GridCriterion(
        id=criterion.id,
        label=criterion.label,
        help=criterion.help,
        stage=criterion.stage,
        determinant=criterion.determinant,
        weight=criterion.weight,
        value_type=ValueType(measure.type.value),
        unit=measure.day_unit.value if measure.type == MeasureType.DELAY else measure.unit,
        levels=[GridLevel(code=lv.code, label=lv.label, points=lv.points) for lv in measure.levels],
        prerequisites=list(criterion.prerequisites),
        not_applicable_allowed=criterion.not_applicable,
        scored=criterion.scored,
        computed=computed,
        required=criterion.scored and measure.type != MeasureType.DELAY,
        knock_out_cap=criterion.knock_out.cap if criterion.knock_out else None,
    )


editions_router = Router(tags=["editions"])


@editions_router.get(
    "",
    response={200: list[Edition], **errors()},
    summary="Lister les éditions",
    description="Les éditions que vous conduisez (opérateurs ; responsables qualité : leurs "
    "campagnes internes) et, pour un enquêteur, celles où il a des audits.",
)
@paginate(Pagination)
def list_editions(request, year: Annotated[int | None, Field(ge=2000, le=2100)] = None):
    editions = readable_editions(request.user).select_related("grid").order_by("-year", "pk")
    return editions.filter(year=year) if year else editions


def _edition(request, edition_id: Id, *, read: bool = False) -> campaign_models.Edition:
    editions = (readable_editions if read else runnable_editions)(request.user)
    found = editions.select_related("grid").filter(pk=edition_id).first()
    if found is None:
        raise Http404("Édition introuvable.")
    return found


@editions_router.get(
    "/{int:edition_id}",
    response={200: Edition, **errors()},
    summary="Lire une édition",
    description="Une édition de votre périmètre (comme `list_editions`).",
)
def get_edition(request, edition_id: Id):
    return _edition(request, edition_id, read=True)


@editions_router.get(
    "/{int:edition_id}/grid/{channel}",
    response={200: GridChannel, **errors()},
    summary="Lire la grille d'un canal",
    description="La version de grille de l'édition, pour un canal : chaque critère avec "
    "son identifiant, le type de sa valeur, ses niveaux, ses prérequis et si « sans objet » "
    "est permis. Valeurs acceptées par `put_answers` : `oui` / `non` (ou yes/no, 1/0), le "
    "code d'un niveau, un nombre (virgule ou point décimal ; une part en pourcentage, "
    "`80 %`), `sans objet` où il est permis, un texte libre. Lisible par ceux qui lisent "
    "l'édition, dont les enquêteurs qui y ont des audits.",
)
def get_grid(request, edition_id: Id, channel: AuditChannel):
    edition = _edition(request, edition_id, read=True)
    grid = edition.grid.parsed()
    if channel.value not in grid.channel_ids:
        raise Http404(f"Le canal « {channel.value} » n'est pas dans la grille de cette édition.")
    return GridChannel(
        grid_id=grid.id,
        grid_version=edition.grid.version,
        grid_title=grid.title,
        channel=channel,
        channel_label=grid.channel(channel.value).label,
        criteria=[_criterion(c) for c in grid.criteria if c.channel == channel.value],
    )


@editions_router.get(
    "/{int:edition_id}/enrolments",
    response={200: list[Enrolment], **errors()},
    summary="Lister les inscriptions d'une édition",
    description=("Les structures inscrites à une édition que vous conduisez, par pages."),
)
@paginate(Pagination)
def list_enrolments(request, edition_id: Id):
    return _edition(request, edition_id).enrolments.select_related("structure").order_by("pk")
