"""The validation desk: everything a validator reads about one submitted audit before
deciding (the answers scored criterion by criterion by the engine, the texts sent and
received with the delay in working days, the evidence, the observations, the automatic
checks, earlier decisions), and the next audit of the queue."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from barometre.campaigns.models import AuditTask, Evidence, TaskEvent
from barometre.campaigns.transfer import answers_frame
from barometre.campaigns.workflow import anomalies, reply_delay_days
from barometre.engine import (
    Criterion,
    EngineError,
    Explained,
    MeasureType,
    explain_audit,
)

INLINE_KINDS = {"image": "image", "audio": "audio", "application/pdf": "pdf"}


def evidence_kind(evidence: Evidence) -> str:
    """How the desk shows a piece of evidence: ``image``, ``audio``, ``pdf`` or ``file``."""
    return INLINE_KINDS.get(evidence.mime) or INLINE_KINDS.get(evidence.mime.split("/")[0], "file")


UNITS = {"seconds": "s", "minutes": "min", "working_days": "j. ouvrés", "calendar_days": "j."}


@dataclass
class Change:
    """One answer changed after submission, as the history shows it."""

    label: str
    before: str
    after: str


@dataclass
class HistoryLine:
    event: TaskEvent
    changes: list[Change]


def shown(criterion: Criterion | None, stored: str | None) -> str:
    """An answer as a reader says it: a level's label, a number with its unit, « sans
    réponse » where there was none."""
    if stored is None or stored == "":
        return "sans réponse"
    if criterion is None:
        return stored
    if criterion.measure.type == MeasureType.SCALE:
        labels = {level.code: level.label for level in criterion.measure.levels}
        return labels.get(stored, stored)
    if criterion.measure.type == MeasureType.TEXT:
        return f"« {stored} »"
    unit = UNITS.get(str(criterion.measure.unit), criterion.measure.unit)
    if criterion.measure.type == MeasureType.DELAY:
        unit = UNITS.get(criterion.measure.day_unit.value, "")
    numeric = criterion.measure.type != MeasureType.YES_NO and stored != "sans objet"
    return f"{stored} {unit}" if numeric and unit else stored


def history(task: AuditTask, events: list[TaskEvent]) -> list[HistoryLine]:
    """The audit's history, each change of answers after submission with its criteria,
    before and after (as the guide promises: who, when, before, after)."""
    criteria: dict[str, Criterion] = {}
    if any(event.action == "edit" for event in events):
        criteria = task.edition.grid.parsed().criteria_by_id
    lines = []
    for event in events:
        changes = []
        if event.action == "edit":
            order = {key: i for i, key in enumerate(criteria)}
            keys = sorted(
                event.before.keys() | event.after.keys(),
                key=lambda k: (order.get(k, len(order)), k),
            )
            for key in keys:
                criterion = criteria.get(key)
                changes.append(
                    Change(
                        criterion.label if criterion else key,
                        shown(criterion, event.before.get(key)),
                        shown(criterion, event.after.get(key)),
                    )
                )
        lines.append(HistoryLine(event, changes))
    return lines


@dataclass
class AuditReview:
    task: AuditTask
    explained: Explained | None
    sent_text: str
    reply_text: str
    delay_days: int | None  # working days from sending to reply, in the structure's calendar
    evidence: list[tuple[Evidence, str]]
    anomalies: list[str]
    events: list[TaskEvent]
    history: list[HistoryLine]
    last_return: TaskEvent | None
    problems: list[str] = field(default_factory=list)
    # The free-text answers (the auditor's observations), read even when nothing is scored.
    observations: list[tuple[Criterion, str]] = field(default_factory=list)


def review_audit(task: AuditTask, *, with_anomalies: bool = True) -> AuditReview:
    explained, problems = None, []
    grid = task.edition.grid.parsed()
    frame = answers_frame(task.edition, task_ids=[task.pk])
    given = dict(zip(frame["criterion"], frame["value"], strict=True))
    observations = [
        (c, given[c.id])
        for c in grid.criteria
        if c.channel == task.channel and not c.scored and (given.get(c.id) or "").strip()
    ]
    if frame.height:
        try:
            explained = explain_audit(grid, frame)
            problems = [str(p) for p in explained.problems]
        except EngineError as exc:
            problems = [str(exc)]
    delay = reply_delay_days(task)
    events = list(task.events.select_related("by"))
    returns = [e for e in events if e.action == "return"]
    return AuditReview(
        task=task,
        explained=explained,
        sent_text=task.sent_text,
        reply_text=task.reply_text,
        delay_days=delay,
        evidence=[(e, evidence_kind(e)) for e in task.evidence.all()],
        anomalies=anomalies(task) if with_anomalies else [],
        events=events,
        history=history(task, events),
        last_return=returns[-1] if returns else None,
        problems=problems,
        observations=observations,
    )


def next_in_queue(task: AuditTask, editions) -> int | None:
    """The submitted audit that follows this one in the queue's order (scheduled time,
    then number), or the first one when this one was the last; never this one."""
    pending = AuditTask.objects.filter(
        status=AuditTask.Status.SUBMITTED, edition__in=editions
    ).exclude(pk=task.pk)
    after = pending.filter(
        Q(scheduled_at__gt=task.scheduled_at) | Q(scheduled_at=task.scheduled_at, pk__gt=task.pk)
    )
    found = after.order_by("scheduled_at", "pk").values_list("pk", flat=True).first()
    if found is None:
        found = pending.order_by("scheduled_at", "pk").values_list("pk", flat=True).first()
    return found
