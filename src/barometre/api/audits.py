"""Mystery audits through the API: reading them and entering their answers."""

import datetime as dt
from typing import Annotated

import polars as pl
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from barometre.api.contract import errors, named_enum
from barometre.api.editions import AuditChannel
from barometre.api.inputs import MAX_ID, Id, NoNull, Pagination, invalid, require_write
from barometre.campaigns import workflow
from barometre.campaigns.access import get_task_for_user, visible_tasks
from barometre.campaigns.models import AuditTask
from barometre.engine import prepare_answers

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
    tasks = visible_tasks(request.user).select_related("structure").order_by("scheduled_at", "pk")
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
