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
from barometre.engine import EngineError, Explained, explain_audit

INLINE_KINDS = {"image": "image", "audio": "audio", "application/pdf": "pdf"}


def evidence_kind(evidence: Evidence) -> str:
    """How the desk shows a piece of evidence: ``image``, ``audio``, ``pdf`` or ``file``."""
    return INLINE_KINDS.get(evidence.mime) or INLINE_KINDS.get(evidence.mime.split("/")[0], "file")


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
    last_return: TaskEvent | None
    problems: list[str] = field(default_factory=list)


def review_audit(task: AuditTask, *, with_anomalies: bool = True) -> AuditReview:
    explained, problems = None, []
    frame = answers_frame(task.edition, task_ids=[task.pk])
    if frame.height:
        try:
            explained = explain_audit(task.edition.grid.parsed(), frame)
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
        last_return=returns[-1] if returns else None,
        problems=problems,
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
