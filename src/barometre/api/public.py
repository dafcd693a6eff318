"""Operations without authentication: the questionnaire of an open collection point and
a citizen's answers to it, with the same limits as the public page."""

from typing import Annotated

from django.http import Http404, HttpResponse
from ninja import Field, Router, Schema, Status

from barometre.api.contract import errors, named_enum
from barometre.api.inputs import NoNull, invalid
from barometre.core.errors import Refused
from barometre.improvement import models as improvement_models
from barometre.improvement import surveys
from barometre.improvement.models import CollectionPoint
from barometre.improvement.public import RETRY_AFTER


class SurveyAnswers(Schema):
    submission_key: Annotated[
        str,
        Field(
            min_length=8,
            max_length=64,
            description="Clé unique par envoi : un renvoi avec la même clé n'enregistre rien.",
        ),
        NoNull,
    ]
    answers: dict[
        Annotated[str, Field(max_length=40), NoNull],
        Annotated[int, Field(ge=1, le=10, strict=True)] | None,
    ]
    comment: Annotated[str, Field(max_length=2000), NoNull] = ""


class SurveyReceipt(Schema):
    stored: bool
    duplicate: bool


SurveyScale = named_enum(
    "SurveyScale", improvement_models.Questionnaire.ScaleKind, "Échelle d'un questionnaire"
)
PointToken = Annotated[str, Field(max_length=16), NoNull]


class ScaleValue(Schema):
    value: int
    label: str


class SurveyItem(Schema):
    code: str = Field(description="clé de l'item dans les réponses envoyées")
    label: str
    condition: str = Field(
        description="question filtre posée d'abord (vide : aucune) ; l'item ne se pose "
        "qu'aux usagers qui y répondent oui, les autres envoient null pour cet item"
    )
    engagement: str = Field(description="engagement Services Publics+ mesuré (vide : aucun)")


class Questionnaire(Schema):
    structure: str
    point: str
    title: str
    scale: SurveyScale
    values: list[ScaleValue] = Field(description="notes admises, dans l'ordre de l'échelle")
    items: list[SurveyItem]
    comment_label: str = Field(description="question libre (vide : pas de commentaire)")


public_router = Router(tags=["public"], auth=None)


@public_router.get(
    "/points/{token}",
    response={200: Questionnaire, **errors(public=True)},
    summary="Lire le questionnaire d'un point de collecte",
    description=(
        "Le questionnaire ouvert d'un point de collecte (borne, accueil, site) tel "
        "que sa page publique le montre : ce qu'une borne ou un autre site doit "
        "connaître pour envoyer des réponses. Sans authentification."
    ),
)
def get_point_questionnaire(request, token: PointToken):
    """The questionnaire of an open collection point, as its public page shows it: what
    a kiosk or another site needs to send answers."""
    point = (
        CollectionPoint.objects.select_related("structure", "questionnaire")
        .filter(token=token, active=True, questionnaire__active=True)
        .first()
    )
    if point is None:
        raise Http404("Aucune enquête ouverte à cette adresse.")
    questionnaire = point.questionnaire
    return {
        "structure": point.structure.name,
        "point": point.label,
        "title": questionnaire.title,
        "scale": questionnaire.scale,
        "values": [
            {"value": v, "label": label} for v, label in surveys.scale_values(questionnaire)
        ],
        "items": list(questionnaire.items.all()),
        "comment_label": questionnaire.comment_label,
    }


@public_router.post(
    "/points/{token}/answers",
    response={201: SurveyReceipt, 200: SurveyReceipt, **errors(409, 429, public=True, body=True)},
    summary="Envoyer les réponses d'un usager",
    description=(
        "Les réponses d'un usager au questionnaire d'un point de collecte, sans "
        "authentification, avec les limites de la page publique (envois par adresse "
        "sur 10 minutes : 429 avec `Retry-After`). Une même `submission_key` envoyée "
        "deux fois n'est enregistrée qu'une fois (200, `duplicate`)."
    ),
)
def submit_survey_answers(
    request, token: PointToken, payload: SurveyAnswers, response: HttpResponse
):
    """A citizen's answers to the survey of a collection point (no authentication; the
    same limits as the public page)."""
    target, allowed = surveys.receive(request, token)
    if target is None:
        raise Http404("Aucune enquête ouverte à cette adresse.")
    if not allowed:
        response["Retry-After"] = RETRY_AFTER
        return Status(
            429,
            {
                "code": "rate_limited",
                "details": [],
                "message": "Trop d'envois depuis cette adresse : réessayez dans quelques minutes.",
            },
        )
    try:
        _, created = surveys.submit(
            target, payload.answers, comment=payload.comment, submission_key=payload.submission_key
        )
    except Refused as exc:
        return invalid("Réponses invalides.", [("answers", m) for m in exc.reasons])
    return Status(201 if created else 200, {"stored": True, "duplicate": not created})
