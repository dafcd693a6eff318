"""Audits in and out of the platform, in the long format the engine reads
(docs/formats.md, "Audit answers"): one row per audit × criterion.

``answers_frame`` gives the engine what it scores; ``export_audits`` writes it for
spreadsheet users; ``plan_audit_import`` checks a file row by row without writing and
``apply_audit_import`` writes a clean plan all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from barometre.accounts.models import User
from barometre.campaigns.models import Answer, AuditTask, Edition, Enrolment
from barometre.core.bulk import insert_rows, update_rows
from barometre.core.exporting import Column, csv_chunks, write_csv, write_xlsx
from barometre.core.uploads import import_limits
from barometre.engine import InputProblem, InputRejected, MeasureType, canonical_answers
from barometre.engine.files import ANSWER_COLUMNS, read_answers
from barometre.structures.models import Label

DEFAULT_STATUSES = (AuditTask.Status.VALIDATED,)


def _naive(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def answer_rows(edition: Edition, statuses=DEFAULT_STATUSES, *, task_ids=None) -> list[dict]:
    return list(iter_answer_rows(edition, statuses, task_ids=task_ids))


def iter_answer_rows(edition: Edition, statuses=DEFAULT_STATUSES, *, task_ids=None):
    """The rows of ``answer_rows`` one by one, the audits read 100 at a time: the first
    rows of a streamed export leave after 100 audits (142 ms on the demo, warm)."""
    grid = edition.grid.parsed()
    computed_delays = {
        ch: [c.id for c in grid.criteria if c.channel == ch and c.measure.type == MeasureType.DELAY]
        for ch in grid.channel_ids
    }
    tasks = AuditTask.objects.filter(edition=edition)
    if task_ids is not None:
        tasks = tasks.filter(pk__in=task_ids)
    else:
        tasks = tasks.filter(status__in=statuses)
    tasks = (
        tasks.select_related("structure", "auditor", "double_of")
        .prefetch_related("answers")
        .order_by("pk")
    )
    enrolments = edition.enrolments.all()
    if task_ids is not None:  # one audit on the validation desk: its structure only
        enrolments = enrolments.filter(structure__in=tasks.values("structure_id"))
    # "Labellisée": a label confirmed by an operator and valid on the last day of the
    # edition's fieldwork (docs/scoring.md §5), whatever it became since.
    certified = set(
        enrolments.filter(
            structure__in=Label.objects.counting_on(edition.fieldwork_ends).values("structure_id")
        ).values_list("structure_id", flat=True)
    )
    enrolments = {e.structure_id: e for e in enrolments}
    for task in tasks.iterator(chunk_size=100):
        enrolment = enrolments.get(task.structure_id)
        base = {
            "structure": task.structure.identifier,
            "categorie": enrolment.category if enrolment else "",
            "departement": task.structure.department,
            "canal": task.channel,
            "audit": task.external_id or f"T{task.pk}",
            "enqueteur": task.auditor.username if task.auditor else "",
            "certifiee": task.structure_id in certified,
            "double_de": (task.double_of.external_id or f"T{task.double_of_id}")
            if task.double_of_id
            else "",
        }
        stored = {a.criterion: a.value for a in task.answers.all()}
        for criterion, value in sorted(stored.items()):
            yield {
                **base,
                "critere": criterion,
                "valeur": value,
                "envoye_le": None,
                "repondu_le": None,
            }
        if task.sent_at and task.replied_at:
            for criterion in computed_delays.get(task.channel, []):
                if criterion not in stored:
                    yield {
                        **base,
                        "critere": criterion,
                        "valeur": "",
                        "envoye_le": _naive(task.sent_at),
                        "repondu_le": _naive(task.replied_at),
                    }


COLUMNS = [
    Column(name, lambda row, name=name: row[name])
    for name in (
        "structure",
        "categorie",
        "departement",
        "canal",
        "audit",
        "enqueteur",
        "critere",
        "valeur",
        "envoye_le",
        "repondu_le",
        "certifiee",
        "double_de",
    )
]


def answers_frame(edition: Edition, statuses=DEFAULT_STATUSES, *, task_ids=None) -> pl.DataFrame:
    """The edition's audits (or only ``task_ids``) as the engine's input table (the file
    columns renamed to the engine's, empty cells as nulls, as ``read_answers`` gives them
    from a file)."""
    rows = answer_rows(edition, statuses, task_ids=task_ids)
    data = {
        engine: [(row[column] if row[column] != "" else None) for row in rows]
        for column, engine in ANSWER_COLUMNS.items()
    }
    schema = {engine: pl.String for engine in ANSWER_COLUMNS.values()}
    schema |= {
        "sent_at": pl.Datetime("us"),
        "replied_at": pl.Datetime("us"),
        "certified": pl.Boolean,
    }
    return pl.DataFrame(data, schema=schema)


def audits_csv_chunks(edition: Edition, statuses=DEFAULT_STATUSES):
    """The CSV export of ``export_audits``, in chunks, for a streamed response."""
    return csv_chunks(COLUMNS, iter_answer_rows(edition, statuses))


def audit_rows_estimate(edition: Edition, statuses=DEFAULT_STATUSES) -> int:
    """About as many rows as the export has (one per stored answer)."""
    return Answer.objects.filter(task__edition=edition, task__status__in=statuses).count()


def audit_sheets(edition_id: int) -> list:
    """The sheet of the XLSX export, its rows read as they are written (``core.deferred``
    builds a large export in the background from this)."""
    edition = Edition.objects.select_related("grid").get(pk=edition_id)
    return [("Audits", COLUMNS, iter_answer_rows(edition))]


def export_audits(edition: Edition, fmt: str = "xlsx", statuses=DEFAULT_STATUSES) -> bytes:
    rows = answer_rows(edition, statuses)
    if fmt == "csv":
        return write_csv(COLUMNS, rows)
    return write_xlsx(COLUMNS, rows, "Audits")


@dataclass
class AuditImportPlan:
    audits: dict[str, dict] = field(default_factory=dict)  # external id → audit data
    problems: list[InputProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.audits)

    @property
    def answer_count(self) -> int:
        return sum(len(audit["answers"]) for audit in self.audits.values())


def plan_audit_import(edition: Edition, content: bytes, filename: str) -> AuditImportPlan:
    plan = AuditImportPlan()
    try:
        frame = read_answers(content, filename, **import_limits())
    except InputRejected as exc:
        plan.problems = exc.problems
        return plan
    # The engine's parser gives the canonical stored form of every answer, as the audit
    # form and the API store them (workflow.parse_answers).
    canonical = canonical_answers(edition.grid.parsed(), frame)
    plan.problems += canonical.problems
    enrolled = {
        e.structure.identifier: e.structure_id
        for e in edition.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related(
            "structure"
        )
    }
    usernames = set(User.objects.values_list("username", flat=True))
    for row in frame.iter_rows(named=True):
        external = row["audit"]
        if row["structure"] not in enrolled:
            plan.problems.append(
                InputProblem(
                    row["row"],
                    "structure",
                    row["structure"] or "",
                    "structure non inscrite à cette édition",
                )
            )
            continue
        if row["auditor"] and row["auditor"] not in usernames:
            plan.problems.append(
                InputProblem(
                    row["row"], "enqueteur", row["auditor"], "enquêteur inconnu de la plateforme"
                )
            )
        audit = plan.audits.setdefault(
            external,
            {
                "structure_id": enrolled[row["structure"]],
                "channel": row["channel"],
                "auditor": row["auditor"],
                "answers": {},
                "sent_at": None,
                "replied_at": None,
                "double_of": row["double_of"],
                "row": row["row"],
            },
        )
        if row["sent_at"] and row["replied_at"]:
            audit["sent_at"], audit["replied_at"] = row["sent_at"], row["replied_at"]
        elif row["row"] in canonical.values:
            audit["answers"][row["criterion"]] = canonical.values[row["row"]]
    for audit in plan.audits.values():
        double_of = audit["double_of"]
        if double_of and double_of not in plan.audits and not _existing(edition, double_of):
            plan.problems.append(
                InputProblem(audit["row"], "double_de", double_of, "audit d'origine introuvable")
            )
    plan.problems.sort(key=lambda p: (p.row or 0, p.column))
    if not plan.audits and not plan.problems:
        plan.problems.append(InputProblem(None, None, "", "aucun audit dans le fichier"))
    return plan


def _existing(edition: Edition, external: str) -> AuditTask | None:
    tasks = AuditTask.objects.filter(edition=edition)
    if external.startswith("T") and external[1:].isdigit():
        found = tasks.filter(pk=int(external[1:]), external_id="").first()
        if found:
            return found
    return tasks.filter(external_id=external).first()


TASK_FIELDS = [
    "structure_id",
    "channel",
    "auditor_id",
    "status",
    "sent_at",
    "replied_at",
    "double_of_id",
    "version",
]
# Externals per query when reading back the audits just created.
BATCH = 500


def _existing_ids(edition: Edition) -> dict[str, int]:
    """The audits of the edition by the names a file gives them, as ``_existing`` finds
    one: « T<pk> » for an audit exported without an external id, else its external id."""
    found: dict[str, int] = {}
    for pk, external in AuditTask.objects.filter(edition=edition).values_list("pk", "external_id"):
        if external:
            found.setdefault(external, pk)
        else:
            found[f"T{pk}"] = pk
    return found


def apply_audit_import(edition: Edition, plan: AuditImportPlan, *, by) -> dict[str, int]:
    """Create or update the planned audits as submitted, all or nothing; imported audits
    then go through validation like the others.

    On SQLite the transaction holds the database's only write lock, and other writers (an
    auditor saving a draft) wait for it at most 20 seconds. So the transaction reads in a
    few queries and writes with one prepared statement per kind of row (``core.bulk``),
    whatever the number of audits: an edition's own export, 3,489 audits and 35,451
    answers, is written in under 3 s on the loaded development machine
    (docs/operations.md)."""
    if not plan.ok:
        raise InputRejected(plan.problems)
    users = dict(User.objects.values_list("username", "pk"))
    tz = timezone.get_current_timezone()
    now = timezone.now()
    # Originals first, so that a double coding imported with its original points to it.
    phases = [
        [(external, audit) for external, audit in plan.audits.items() if not audit["double_of"]],
        [(external, audit) for external, audit in plan.audits.items() if audit["double_of"]],
    ]
    counts = {"created": 0, "updated": 0}
    with transaction.atomic():
        ids = _existing_ids(edition)
        versions = dict(AuditTask.objects.filter(edition=edition).values_list("pk", "version"))
        sequences = {
            (row["structure_id"], row["channel"]): row["last"]
            for row in AuditTask.objects.filter(edition=edition)
            .values("structure_id", "channel")
            .annotate(last=Max("sequence"))
        }
        updated: list[dict] = []
        for phase in phases:
            created: list[dict] = []
            for external, audit in phase:
                fields = {
                    "structure_id": audit["structure_id"],
                    "channel": audit["channel"],
                    "auditor_id": users.get(audit["auditor"]),
                    "status": AuditTask.Status.SUBMITTED,
                    "sent_at": audit["sent_at"].replace(tzinfo=tz) if audit["sent_at"] else None,
                    "replied_at": (
                        audit["replied_at"].replace(tzinfo=tz) if audit["replied_at"] else None
                    ),
                    "double_of_id": ids.get(audit["double_of"]) if audit["double_of"] else None,
                }
                pk = ids.get(external)
                if pk is None:
                    key = (audit["structure_id"], audit["channel"])
                    sequences[key] = sequences.get(key, 0) + 1
                    moment = audit["sent_at"].replace(tzinfo=tz) if audit["sent_at"] else now
                    created.append(
                        {
                            "edition_id": edition.pk,
                            "external_id": external,
                            "sequence": sequences[key],
                            "scheduled_at": moment,
                            **fields,
                        }
                    )
                else:
                    updated.append({"pk": pk, "version": versions[pk] + 1, **fields})
            insert_rows(AuditTask, created)
            names = [row["external_id"] for row in created]
            for start in range(0, len(names), BATCH):
                ids |= dict(
                    AuditTask.objects.filter(
                        edition=edition, external_id__in=names[start : start + BATCH]
                    ).values_list("external_id", "pk")
                )
            counts["created"] += len(created)
        counts["updated"] = update_rows(AuditTask, updated, TASK_FIELDS)
        replaced = [row["pk"] for row in updated]
        for start in range(0, len(replaced), BATCH):
            Answer.objects.filter(task_id__in=replaced[start : start + BATCH]).delete()
        insert_rows(
            Answer,
            (
                {"task_id": ids[external], "criterion": criterion, "value": value}
                for external, audit in plan.audits.items()
                for criterion, value in audit["answers"].items()
            ),
        )
    return counts
