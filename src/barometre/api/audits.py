"""Mystery audits through the API: reading them, recording the sending and the reply of
e-mail, letter and social audits, entering their answers, and their evidence."""

import datetime as dt
from typing import Annotated

from django.http import FileResponse, Http404
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from barometre.api.contract import errors, named_enum
from barometre.api.editions import AuditChannel
from barometre.api.inputs import MAX_ID, Id, NoNull, Pagination, invalid, require_write
from barometre.campaigns import workflow
from barometre.campaigns.access import get_task_for_user, visible_tasks
from barometre.campaigns.models import AuditTask, Evidence

AuditStatus = named_enum("AuditStatus", AuditTask.Status, "État d'un audit")
CycleSource = named_enum(
    "CycleSource", AuditTask.Source, "Provenance de la date et du texte d'un envoi ou d'une réponse"
)


class EvidenceItem(Schema):
    """Une pièce justificative : son nom d'origine, son type détecté à son contenu."""

    id: int
    name: str
    mime: str
    size: int = Field(description="Taille en octets.")
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name


class Audit(Schema):
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


class AuditDetail(Audit):
    answers: dict[str, str]
    sent_text: str
    sent_source: CycleSource
    reply_text: str
    reply_source: CycleSource
    no_reply: bool
    reply_delay_days: int | None = Field(
        description="Jours ouvrés de l'envoi à la réponse, au calendrier de la structure."
    )
    evidence: list[EvidenceItem]

    @staticmethod
    def resolve_answers(obj) -> dict[str, str]:
        return dict(obj.answers.values_list("criterion", "value"))

    @staticmethod
    def resolve_reply_delay_days(obj) -> int | None:
        return workflow.reply_delay_days(obj)

    @staticmethod
    def resolve_evidence(obj) -> list:
        return list(obj.evidence.all())


class Sending(Schema):
    """L'envoi d'un audit par courriel, courrier ou réseau social."""

    sent_at: dt.datetime = Field(
        description="Date et heure de l'envoi (ISO 8601 ; sans fuseau : heure de Paris), "
        "pas dans le futur."
    )
    text: Annotated[str, Field(min_length=1, max_length=10_000), NoNull]
    source: CycleSource = Field(
        default=AuditTask.Source.TYPED.value,
        description="`typed` : saisi à la main ; `captured` : capté dans la boîte de réception.",
    )


class Reply(Schema):
    """La réponse reçue de la structure."""

    replied_at: dt.datetime = Field(
        description="Date et heure de la réponse (ISO 8601 ; sans fuseau : heure de Paris), "
        "après l'envoi et pas dans le futur."
    )
    text: Annotated[str, Field(max_length=20_000), NoNull] = ""
    source: CycleSource = Field(
        default=AuditTask.Source.TYPED.value,
        description="`typed` : saisi à la main ; `captured` : capté dans la boîte de réception.",
    )


class AuditAnswers(Schema):
    version: Annotated[int, Field(ge=1, description="La version lue : un écart donne 409.")]
    answers: dict[
        Annotated[str, Field(max_length=80), NoNull],
        Annotated[str, Field(max_length=5000), NoNull],
    ]
    submit: bool = False


class AnsweredAudit(AuditDetail):
    anomalies: list[str] = []


audits_router = Router(tags=["audits"])


@audits_router.get(
    "",
    response={200: list[Audit], **errors()},
    summary="Lister les audits",
    description=(
        "Vos audits (enquêteurs et appelants : les vôtres ; responsables qualité : "
        "ceux de vos campagnes internes ; opérateurs : tous), filtrables par édition "
        "et état, par pages."
    ),
)
@paginate(Pagination)
def list_audits(
    request,
    status: AuditStatus | None = None,
    edition_id: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None,
):
    """The caller's audits (operators: all of them)."""
    tasks = visible_tasks(request.user).select_related("structure").order_by("scheduled_at", "pk")
    if status:
        tasks = tasks.filter(status=status)
    if edition_id:
        tasks = tasks.filter(edition_id=edition_id)
    return tasks


@audits_router.get(
    "/{int:audit_id}",
    response={200: AuditDetail, **errors()},
    summary="Lire un audit",
    description=(
        "Un audit de votre périmètre, avec ses réponses, son envoi et sa réponse "
        "(dates, textes, provenance, délai en jours ouvrés) et ses pièces "
        "justificatives."
    ),
)
def get_audit(request, audit_id: Id):
    return get_task_for_user(request.user, audit_id)


@audits_router.put(
    "/{int:audit_id}/answers",
    response={200: AnsweredAudit, **errors(409, body=True)},
    summary="Enregistrer les réponses d'un audit",
    description=(
        "Remplace les réponses de l'audit et le soumet si `submit` est vrai. Chaque "
        "réponse est lue comme par le formulaire et l'import de fichiers puis "
        "enregistrée sous sa forme canonique (`NON` → `non`, `0.5` → `50 %` pour une "
        "part) ; une réponse illisible est refusée (422) avec son critère. Les "
        "valeurs admises par critère sont données par `get_grid`. Avec `version` "
        "(celle lue), une modification concurrente est refusée (409)."
    ),
)
def put_answers(request, audit_id: Id, payload: AuditAnswers):
    """Replace an audit's answers (values as in the long format of docs/formats.md:
    ``oui``, ``non``, ``sans objet``, numbers, level codes), and submit it if asked."""
    require_write(request)
    task = get_task_for_user(request.user, audit_id)
    try:
        workflow.save_answers(task, payload.answers, by=request.user, version=payload.version)
    except workflow.InvalidAnswers as exc:
        return invalid(
            "Réponses invalides.",
            [
                (f"answers.{criterion}" if criterion else "answers", m)
                for criterion, m in exc.problems
            ],
        )
    found = workflow.submit(task, by=request.user) if payload.submit else []
    task.refresh_from_db()
    task.anomalies = found
    return Status(200, task)


def _refused_date(exc: workflow.InvalidDate) -> Status:
    return invalid("Date refusée.", [(exc.field, exc.reasons[0])])


@audits_router.put(
    "/{int:audit_id}/sending",
    response={200: AuditDetail, **errors(409, body=True)},
    summary="Enregistrer l'envoi",
    description="Pour un audit par courriel, courrier ou réseau social : la date et le texte "
    "envoyés, et leur provenance (saisis à la main ou captés dans la boîte de réception). "
    "L'audit attend ensuite la réponse. Mêmes contrôles que la page : une date dans le futur "
    "ou après la réponse déjà enregistrée donne 422 ; un canal sans envoi, un audit qui "
    "n'est pas le vôtre ou qui ne se modifie plus donne 409. Jeton en écriture.",
)
def record_sending(request, audit_id: Id, payload: Sending):
    require_write(request)
    task = get_task_for_user(request.user, audit_id)
    try:
        workflow.record_sending(
            task, sent_at=payload.sent_at, text=payload.text, source=payload.source, by=request.user
        )
    except workflow.InvalidDate as exc:
        return _refused_date(exc)
    return Status(200, task)


@audits_router.put(
    "/{int:audit_id}/reply",
    response={200: AuditDetail, **errors(409, body=True)},
    summary="Enregistrer la réponse",
    description="La date et le texte de la réponse de la structure, et leur provenance. Le "
    "délai en jours ouvrés (`reply_delay_days`) est calculé au calendrier de la structure ; "
    "l'audit revient à son enquêteur pour remplir la grille. Une réponse avant l'envoi ou "
    "dans le futur donne 422 ; sans envoi enregistré, 409. Jeton en écriture.",
)
def record_reply(request, audit_id: Id, payload: Reply):
    require_write(request)
    task = get_task_for_user(request.user, audit_id)
    try:
        workflow.record_reply(
            task,
            replied_at=payload.replied_at,
            text=payload.text,
            source=payload.source,
            by=request.user,
        )
    except workflow.InvalidDate as exc:
        return _refused_date(exc)
    return Status(200, task)


@audits_router.post(
    "/{int:audit_id}/evidence",
    response={201: EvidenceItem, **errors(409, body=True)},
    summary="Joindre une pièce justificative",
    description="Un fichier (`multipart/form-data`, champ `file`) : image (PNG, JPEG, GIF, "
    "WebP), PDF ou enregistrement audio (MP3, M4A, WAV, OGG), reconnu à son contenu, "
    "20 Mo au plus, comme sur la page. Un fichier refusé donne 422 ; un audit qui ne se "
    "modifie plus, 409. Jeton en écriture.",
)
def upload_evidence(request, audit_id: Id, file: File[UploadedFile]):
    require_write(request)
    task = get_task_for_user(request.user, audit_id)
    try:
        evidence = workflow.add_evidence(task, file, by=request.user)
    except workflow.InvalidFile as exc:
        return invalid("Fichier refusé.", [("file", exc.reasons[0])])
    return Status(201, evidence)


# One binary type in the document (generated clients read it as a file); the type detected
# from the content is the piece's ``mime``.
BINARY = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}


@audits_router.get(
    "/{int:audit_id}/evidence/{int:evidence_id}",
    response=errors(),
    summary="Télécharger une pièce justificative",
    description="Le fichier tel qu'il a été joint (`application/octet-stream` ; son type "
    "reconnu au contenu est le `mime` de la pièce dans `get_audit`), avec son nom d'origine "
    "dans `Content-Disposition`. Lisible par ceux qui lisent l'audit.",
    openapi_extra={"responses": {200: {"description": "Le fichier", "content": BINARY}}},
)
def download_evidence(request, audit_id: Id, evidence_id: Id):
    task = get_task_for_user(request.user, audit_id)
    evidence = Evidence.objects.filter(task=task, pk=evidence_id).first()
    if evidence is None:
        raise Http404("Pièce introuvable.")
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.download_name,
        content_type="application/octet-stream",
    )
