"""The life of one audit task: sending, reply, answers, submission, validation.

planned/assigned → (awaiting_reply) → submitted → validated | returned → submitted … | rejected
Every change after submission is recorded as a TaskEvent (who, when, before, after)."""

import datetime as dt
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from barometre.campaigns import codec
from barometre.campaigns.models import Answer, AuditTask, Edition, Evidence, TaskEvent
from barometre.core.disk import DiskFull, is_disk_full
from barometre.core.errors import Conflict, Refused
from barometre.core.figures import plural
from barometre.core.uploads import UploadRefused, check_upload
from barometre.engine import (
    DayUnit,
    Grid,
    canonical_answers,
    days_between,
    parse_grid,
    prerequisite_blocks,
)

T = AuditTask.Status
CYCLE_CHANNELS = {"email", "mail", "social"}  # a sending, then (maybe) a reply
EDITABLE = {T.ASSIGNED, T.AWAITING_REPLY, T.RETURNED}
MAX_RINGS, MAX_WAIT_SECONDS, MAX_WAIT_MINUTES = 30, 7200, 120
MIN_SECONDS_BETWEEN_SUBMISSIONS = 60
DISK_FULL = (
    "espace disque insuffisant : le fichier n'a pas été enregistré, vos réponses saisies "
    "sont conservées"
)


def _event(task: AuditTask, by, action: str, before=None, after=None, comment="") -> None:
    TaskEvent.objects.create(
        task=task, by=by, action=action, before=before or {}, after=after or {}, comment=comment
    )


def _check_editable(task: AuditTask, user) -> None:
    if task.auditor_id != user.pk:
        raise Refused(["cet audit est attribué à un autre enquêteur"])
    if task.status not in EDITABLE:
        raise Refused([f"l'audit est « {task.get_status_display()} » : il ne se modifie plus"])
    if task.edition.status != Edition.Status.FIELDWORK and task.status != T.RETURNED:
        raise Refused(["l'édition n'est pas en phase de terrain"])


class InvalidDate(Refused):
    """A sending or reply date the page and the API refuse (in the future, a reply before
    its sending): ``field`` names it."""

    def __init__(self, field: str, reason: str):
        super().__init__([reason], field=field)


class InvalidFile(Refused):
    """A piece of evidence refused by its type or size (``core.uploads.check_upload``)."""


def _aware(moment: dt.datetime) -> dt.datetime:
    """A date without a time zone is read in the platform's (Europe/Paris)."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@transaction.atomic
def record_sending(
    task: AuditTask,
    *,
    sent_at: dt.datetime,
    text: str,
    by,
    source: str = AuditTask.Source.TYPED,
) -> None:
    """The message sent to the structure (e-mail, letter, social network), typed by the
    auditor or captured from the mailbox (``source``); the audit then awaits the reply."""
    _check_editable(task, by)
    if task.channel not in CYCLE_CHANNELS:
        raise Refused(["ce canal ne comporte pas d'envoi"])
    sent_at = _aware(sent_at)
    if sent_at > timezone.now():
        raise InvalidDate("sent_at", "la date d'envoi est dans le futur")
    if task.replied_at and sent_at > task.replied_at:
        replied = timezone.localtime(task.replied_at)
        raise InvalidDate(
            "sent_at",
            f"l'envoi ne peut pas suivre la réponse (reçue le {replied:%d/%m/%Y à %H:%M})",
        )
    task.sent_at = sent_at
    task.sent_text = text
    task.sent_source = source
    if task.replied_at is None:
        task.status = T.AWAITING_REPLY
    task.save(update_fields=["sent_at", "sent_text", "sent_source", "status"])


@transaction.atomic
def record_reply(
    task: AuditTask,
    *,
    replied_at: dt.datetime,
    text: str,
    by,
    source: str = AuditTask.Source.TYPED,
) -> None:
    """The structure's reply, typed by the auditor or captured from the mailbox
    (``source``): the audit goes back to its auditor to fill the grid."""
    _check_editable(task, by)
    if task.sent_at is None:
        raise Refused(["enregistrez d'abord l'envoi"])
    replied_at = _aware(replied_at)
    if replied_at < task.sent_at:
        sent = timezone.localtime(task.sent_at)
        raise InvalidDate(
            "replied_at",
            f"la réponse ne peut pas précéder l'envoi (envoyé le {sent:%d/%m/%Y à %H:%M})",
        )
    if replied_at > timezone.now():
        raise InvalidDate("replied_at", "la date de réponse est dans le futur")
    task.replied_at = replied_at
    task.reply_text = text
    task.reply_source = source
    task.no_reply = False
    task.status = T.ASSIGNED
    task.save(update_fields=["replied_at", "reply_text", "reply_source", "no_reply", "status"])


def reply_delay_days(task: AuditTask) -> int | None:
    """Working days from the sending to the reply, in the structure's calendar (its
    department's public holidays), as the validation desk shows them."""
    if not (task.sent_at and task.replied_at):
        return None
    return days_between(
        timezone.localdate(task.sent_at),
        timezone.localdate(task.replied_at),
        task.structure.department,
        DayUnit.WORKING,
    )


class InvalidAnswers(Refused):
    """Answers the engine cannot read: nothing was written. ``problems`` gives, for each,
    the criterion and the reason in French."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__([f"{criterion} : {message}" for criterion, message in problems])


def parse_answers(grid: Grid, channel: str, answers: dict[str, str]) -> dict[str, str]:
    """The answers of one audit of ``channel`` in their canonical stored form, read by the
    engine's parser (``engine.canonical_answers``); blank ones are left out. What the
    engine cannot read raises ``InvalidAnswers`` naming the criterion."""
    names = list(answers)
    if not names:
        return {}
    n = len(names)
    frame = pl.DataFrame(
        {
            "structure": ["audit"] * n,
            "channel": [channel] * n,
            "audit": ["audit"] * n,
            "criterion": names,
            "value": [answers[name] for name in names],
        },
        schema=dict.fromkeys(("structure", "channel", "audit", "criterion", "value"), pl.String),
    )
    parsed = canonical_answers(grid, frame)
    if parsed.problems:
        raise InvalidAnswers(
            [
                (
                    names[p.row - 2] if p.row else "",
                    f"{p.message} (reçu « {p.value} »)" if p.column == "value" else p.message,
                )
                for p in parsed.problems
            ]
        )
    return {names[row - 2]: value for row, value in sorted(parsed.values.items())}


def write_answers(task: AuditTask, stored: dict[str, str]) -> None:
    """Replace the stored answers of ``task`` by canonical ones (``parse_answers`` or an
    audit file's ``engine.canonical_answers``)."""
    task.answers.all().delete()
    Answer.objects.bulk_create(Answer(task=task, criterion=c, value=v) for c, v in stored.items())


def save_answers(
    task: AuditTask, answers: dict[str, str], *, by, version: int | None = None
) -> dict[str, str]:
    """Replace the answers by ``answers`` in their canonical form (``parse_answers``), the
    one road of the audit form, the API and the demo. With ``version`` (the one the writer
    read), a concurrent change since then raises ``Conflict`` and nothing is written.
    Returns what was stored."""
    _check_editable(task, by)
    stored = parse_answers(task.edition.grid.parsed(), task.channel, answers)
    with transaction.atomic():
        if version is not None:
            if not AuditTask.objects.filter(pk=task.pk, version=version).update(
                version=F("version") + 1
            ):
                raise Conflict()
            task.version = version + 1
        before = dict(task.answers.values_list("criterion", "value"))
        if task.status == T.RETURNED and before != stored:
            # After a submission every change is kept: who, when, before and after.
            changed = {k for k in before.keys() | stored.keys() if before.get(k) != stored.get(k)}
            _event(
                task,
                by,
                "edit",
                {k: before.get(k) for k in sorted(changed)},
                {k: stored.get(k) for k in sorted(changed)},
            )
        write_answers(task, stored)
    return stored


@dataclass
class Neighbours:
    """What the checks read of other audits, for a list of audits at once (the validation
    queue): the submission times of each auditor's submitted audits in each edition, and
    the (edition, structure, channel, scenario) keys already used by original audits."""

    submissions: dict[tuple[int, int], list[tuple[int, dt.datetime]]]
    scenarios: Counter

    @classmethod
    def of(cls, tasks: list[AuditTask]) -> "Neighbours":
        editions = {t.edition_id for t in tasks}
        events = TaskEvent.objects.filter(
            action="submit",
            task__status=T.SUBMITTED,
            task__edition_id__in=editions,
            task__auditor_id__in={t.auditor_id for t in tasks if t.auditor_id},
        ).values_list("task__auditor_id", "task__edition_id", "task_id", "at")
        submissions = defaultdict(list)
        for auditor, edition, task, at in events:
            submissions[auditor, edition].append((task, at))
        keys = AuditTask.objects.filter(
            edition_id__in=editions,
            structure_id__in={t.structure_id for t in tasks},
            double_of__isnull=True,
            scenario__isnull=False,
        ).values_list("edition_id", "structure_id", "channel", "scenario_id")
        return cls(dict(submissions), Counter(keys))

    def last_submission(self, task: AuditTask) -> dt.datetime | None:
        others = self.submissions.get((task.auditor_id, task.edition_id), [])
        return max((at for pk, at in others if pk != task.pk), default=None)

    def has_twin(self, task: AuditTask) -> bool:
        key = (task.edition_id, task.structure_id, task.channel, task.scenario_id)
        own = task.scenario_id is not None and task.double_of_id is None
        return self.scenarios[key] > own


def anomalies(
    task: AuditTask, now: dt.datetime | None = None, *, neighbours: Neighbours | None = None
) -> list[str]:
    """Automatic checks run before a human validates an audit. ``neighbours``, built once
    for a list of audits, replaces the queries about other audits (its answers and
    evidence are then read from what the caller prefetched)."""
    now = now or timezone.now()
    if neighbours is None:
        values = dict(task.answers.values_list("criterion", "value"))
    else:
        values = {answer.criterion: answer.value for answer in task.answers.all()}
    found = []
    if task.replied_at and task.sent_at and task.replied_at < task.sent_at:
        found.append("réponse datée avant l'envoi")

    grid = task.edition.grid.parsed()

    def number(criterion_id):
        criterion = grid.criteria_by_id.get(criterion_id)
        if criterion is None or criterion_id not in values:
            return None
        try:
            return float(codec.decode(criterion, values[criterion_id]))
        except ValueError:
            return None

    rings = number("phone.rings")
    if rings is not None and rings > MAX_RINGS:
        found.append(f"{rings:.0f} sonneries : valeur invraisemblable (> {MAX_RINGS})")
    wait = number("phone.wait_seconds")
    if wait is not None and wait > MAX_WAIT_SECONDS:
        found.append("attente téléphonique de plus de 2 heures")
    visit_wait = number("visit.wait_minutes")
    if visit_wait is not None and visit_wait > MAX_WAIT_MINUTES:
        found.append("attente à l'accueil de plus de 2 heures")
    edition = task.edition
    moment = task.sent_at or task.scheduled_at
    local = timezone.localtime(moment)
    if not edition.fieldwork_starts <= local.date() <= edition.fieldwork_ends:
        found.append("audit réalisé hors de la période de terrain")
    if task.channel in {"phone", "visit"} and not (dt.time(8, 0) <= local.time() <= dt.time(19, 0)):
        found.append("audit réalisé hors des heures d'ouverture")
    required = [
        c.id
        for c in grid.criteria
        if c.channel == task.channel and c.scored and c.measure.type.value != "delay"
    ]
    missing = [
        c
        for c in required
        if c not in values and not prerequisite_blocks(grid, grid.criteria_by_id[c], values)
    ]
    if missing:
        s = plural(len(missing))
        found.append(f"{len(missing)} réponse{s} obligatoire{s} manquante{s}")
    if task.replied_at and not task.evidence.exists():
        if task.channel == "mail":
            found.append("scan du courrier de réponse manquant")
        elif not task.reply_text.strip():
            found.append("réponse reçue sans texte ni pièce justificative")
    neighbours = neighbours or Neighbours.of([task])
    last = neighbours.last_submission(task) if task.auditor_id else None
    if last and (now - last).total_seconds() < MIN_SECONDS_BETWEEN_SUBMISSIONS:
        found.append("audits soumis à moins d'une minute d'intervalle")
    if neighbours.has_twin(task):
        found.append("même scénario déjà utilisé pour cette structure sur ce canal (doublon)")
    return found


@transaction.atomic
def submit(task: AuditTask, *, by) -> list[str]:
    _check_editable(task, by)
    if task.channel in CYCLE_CHANNELS and task.sent_at is None:
        raise Refused(["enregistrez l'envoi avant de soumettre"])
    found = anomalies(task)
    before = task.status
    task.status = T.SUBMITTED
    task.version += 1
    task.save(update_fields=["status", "version"])
    _event(task, by, "submit", {"status": before}, {"status": task.status, "anomalies": found})
    return found


def _overtaken(task: AuditTask) -> Conflict:
    """What the validator who lost the race is told: what happened since, by whom, when."""
    last = task.events.exclude(action="edit").select_related("by").last()
    if last is None:
        return Conflict(
            "Cet audit a changé depuis que vous l'avez ouvert : "
            "votre décision n'a pas été enregistrée."
        )
    at = timezone.localtime(last.at)
    return Conflict(
        f"Cet audit a déjà été {last.label} par {last.by} le {at:%d/%m/%Y à %H:%M} : "
        "votre décision n'a pas été enregistrée."
    )


def _decide(
    task: AuditTask, by, target: str, action: str, comment: str, seen_version: int | None
) -> None:
    """Decide on the audit as the validator saw it (``seen_version``, carried by the form):
    the row is locked, and a decision or a new submission since then raises ``Conflict``
    naming who did what, and nothing is written."""
    from barometre.campaigns.lifecycle import can_run

    if not can_run(by, task.edition):
        raise Refused(
            [
                "seuls les opérateurs (ou, en campagne interne, les responsables "
                "qualité) valident les audits"
            ]
        )
    current = AuditTask.objects.select_for_update().get(pk=task.pk)
    moved = seen_version is not None and current.version != seen_version
    if moved or (current.status != T.SUBMITTED and task.status == T.SUBMITTED):
        raise _overtaken(current)
    if current.status != T.SUBMITTED:
        raise Refused([f"l'audit est « {current.get_status_display()} », pas soumis"])
    if target != T.VALIDATED and not comment.strip():
        raise Refused(["indiquez la raison à l'enquêteur"])
    before = current.status
    task.status = target
    task.version = current.version + 1
    task.save(update_fields=["status", "version"])
    _event(task, by, action, {"status": before}, {"status": target}, comment)


@transaction.atomic
def validate(task: AuditTask, *, by, seen_version: int | None = None) -> None:
    _decide(task, by, T.VALIDATED, "validate", "", seen_version)


@transaction.atomic
def return_to_auditor(
    task: AuditTask, *, by, comment: str, seen_version: int | None = None
) -> None:
    _decide(task, by, T.RETURNED, "return", comment, seen_version)


@transaction.atomic
def reject(task: AuditTask, *, by, reason: str, seen_version: int | None = None) -> None:
    _decide(task, by, T.REJECTED, "reject", reason, seen_version)


def close_unanswered(
    edition: Edition, *, now: dt.datetime | None = None, force: bool = False
) -> int:
    """After the fieldwork window (or when the operator closes it: ``force``), tasks still
    waiting for a reply close as "no reply": the answers that the reply would have given
    score 0 (the engine's prerequisites)."""
    now = now or timezone.now()
    if not force and timezone.localtime(now).date() <= edition.fieldwork_ends:
        return 0
    ids = list(
        AuditTask.objects.filter(edition=edition, status=T.AWAITING_REPLY).values_list(
            "pk", flat=True
        )
    )
    closed = 0
    for pk in ids:  # one transaction per task: a failure leaves the others closed
        with transaction.atomic():
            task = (
                AuditTask.objects.select_for_update().filter(pk=pk, status=T.AWAITING_REPLY).first()
            )
            if task is None:  # a reply was recorded meanwhile
                continue
            replied = {
                "email": "email.replied",
                "mail": "mail.replied",
                "social": "social.message_answered",
            }[task.channel]
            Answer.objects.update_or_create(task=task, criterion=replied, defaults={"value": "non"})
            task.no_reply = True
            task.status = T.SUBMITTED
            task.save(update_fields=["no_reply", "status"])
            if task.auditor_id:
                _event(
                    task,
                    task.auditor,
                    "no_reply",
                    {"status": T.AWAITING_REPLY},
                    {"status": T.SUBMITTED},
                    "clôture automatique : aucune réponse",
                )
            closed += 1
    return closed


EVIDENCE_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "audio/mp4",
}


def add_evidence(task: AuditTask, uploaded, *, by) -> Evidence:
    """Attach a file checked by its content; stored through Django's storage API."""
    from django.conf import settings

    _check_editable(task, by)
    try:
        detected = check_upload(
            uploaded, max_bytes=settings.EVIDENCE_MAX_BYTES, allowed=EVIDENCE_TYPES
        )
    except UploadRefused as exc:
        raise InvalidFile([str(exc)]) from None
    original_name = uploaded.name[:255]
    # Stored under a generated name with the extension of what the file really is.
    uploaded.name = f"{uuid.uuid4().hex}.{detected.extension}"
    try:
        with transaction.atomic():  # a failed save leaves the caller's transaction usable
            return Evidence.objects.create(
                task=task,
                file=uploaded,
                original_name=original_name,
                mime=detected.mime,
                size=uploaded.size,
                uploaded_by=by,
            )
    except (DiskFull, OSError) as exc:  # the storage left no partial file (core.disk)
        if not is_disk_full(exc):
            raise
        raise Refused([DISK_FULL]) from None


def remove_evidence(task: AuditTask, evidence: Evidence, *, by) -> None:
    """Take a piece of evidence off an audit still in the auditor's hands."""
    _check_editable(task, by)
    if evidence.task_id != task.pk:
        raise Refused(["cette pièce appartient à un autre audit"])
    evidence.file.delete(save=False)
    evidence.delete()


def canonicalise_stored_answers(answer_model, edition_model) -> tuple[int, int]:
    """Rewrite stored answers in their canonical form (``engine.canonical_answers``), one
    edition at a time: answers stored before every road went through ``save_answers``
    (``NON`` through the API, ``0.53`` by the demo). Returns the number of rows changed and
    of rows left as they were because the engine cannot read them (an unknown criterion, a
    value out of the grid). Takes the models as arguments: a migration passes its own."""
    changed = unreadable = 0
    for edition in edition_model.objects.select_related("grid").order_by("pk"):
        grid = parse_grid(edition.grid.yaml, f"{edition.grid.grid_id} v{edition.grid.version}")
        rows = list(
            answer_model.objects.filter(task__edition=edition)
            .order_by("pk")
            .values_list("pk", "task_id", "task__channel", "criterion", "value")
        )
        if not rows:
            continue
        pks, tasks, channels, criteria, values = (
            list(column) for column in zip(*rows, strict=True)
        )
        audits = [str(task) for task in tasks]
        frame = pl.DataFrame(
            {
                "row": pks,
                "structure": audits,
                "channel": channels,
                "audit": audits,
                "criterion": criteria,
                "value": values,
            },
            schema={"row": pl.Int64}
            | dict.fromkeys(("structure", "channel", "audit", "criterion", "value"), pl.String),
        )
        parsed = canonical_answers(grid, frame)
        unreadable += len({p.row for p in parsed.problems if p.row is not None})
        stored = dict(zip(pks, values, strict=True))
        updates = [
            answer_model(pk=pk, value=value)
            for pk, value in parsed.values.items()
            if value != stored[pk]
        ]
        answer_model.objects.bulk_update(updates, ["value"], batch_size=1000)
        changed += len(updates)
    return changed, unreadable
