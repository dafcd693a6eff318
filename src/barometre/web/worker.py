"""The task worker that outlives a database restart, and what becomes of the tasks a dead
worker left « en cours ».

``ResilientWorker`` is django-tasks-db's worker with one change: a lost connection to the
database (restart, outage, ``pg_terminate_backend``) no longer ends the process. It logs
once that the database is out of reach, closes its connections, waits (1 s, then twice
as long each time, 30 s at most), logs once that it is back and goes on.

A task still RUNNING whose work shows no sign of life for ``core.background.STALE_AFTER``
(the heartbeat of its job record: import, computation, batch, export; its start for the
others) belongs to a dead worker: a live one keeps that heartbeat fresh, wherever it
runs. It is settled per kind (``KINDS``): started again when running it twice writes
nothing twice, marked failed otherwise (the job's page offers « Relancer »; an e-mail is
never sent twice). The worker settles at once the task it was running itself when the
database went away."""

import contextlib
import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.db import DatabaseError, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from barometre.core import outage
from barometre.core.background import stale
from barometre.core.models import ExportFile
from barometre.results.models import ReportBatch, ResultSet
from barometre.structures.models import StructureImport

logger = logging.getLogger(__name__)
FIRST_WAIT, LONGEST_WAIT = 1.0, 30.0
SWEEP_EVERY = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Kind:
    requeue: bool  # True: run again from the start; False: marked failed
    job: type | None = None  # the record whose heartbeat says the work is alive
    started_field: str = "requested_at"


KINDS = {
    # A computation, a batch and an export start over and replace what they had written.
    "barometre.results.computing.compute_results": Kind(True, ResultSet),
    "barometre.results.batches.build_report_batch": Kind(True, ReportBatch),
    "barometre.core.deferred.build_export": Kind(True, ExportFile),
    # An import is confirmed again by a person, from its page; mails are never sent twice.
    "barometre.structures.tasks.apply_structure_import": Kind(False, StructureImport, "created_at"),
    "barometre.improvement.tasks.send_acknowledgement": Kind(False),
    "barometre.improvement.tasks.send_feedback_reminders": Kind(False),
}
# The same tasks queued by a version before they moved beside their work (December 2026).
KINDS |= {
    "barometre.results.tasks.compute_results": KINDS["barometre.results.computing.compute_results"],
    "barometre.results.tasks.build_report_batch": KINDS[
        "barometre.results.batches.build_report_batch"
    ],
    "barometre.core.tasks.build_export": KINDS["barometre.core.deferred.build_export"],
}
UNKNOWN = Kind(False)


class WorkerGone(Exception):
    """Stored as the failure of a task whose worker stopped while running it."""


def _alive(result: DBTaskResult, kind: Kind) -> bool:
    """The last sign of life: the task's start, or its job's heartbeat if later."""
    started = result.started_at or result.enqueued_at
    args = result.args_kwargs.get("args") or []
    job = kind.job.objects.filter(pk=args[0]).first() if kind.job and args else None
    if job is not None:
        started = max(started, job.heartbeat or getattr(job, kind.started_field))
    return not stale(started, None)


def settle(result: DBTaskResult) -> str:
    """Requeue the task or mark it failed, per its kind; returns what was done."""
    kind = KINDS.get(result.task_path, UNKNOWN)
    if kind.requeue:
        DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        logger.warning("Tâche %s (%s) remise en file", result.pk, result.task_path)
        return "requeued"
    result.set_failed(WorkerGone("le travailleur s'est arrêté pendant la tâche"))
    logger.warning("Tâche %s (%s) marquée en échec", result.pk, result.task_path)
    return "failed"


def settle_abandoned() -> dict[str, str]:
    """Settle every RUNNING task whose work has gone silent; never one that is alive."""
    done = {}
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        if not _alive(result, KINDS.get(result.task_path, UNKNOWN)):
            done[str(result.pk)] = settle(result)
    return done


def _close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):  # broken: the next query opens a new one
            connection.close()


class ResilientWorker(Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.interrupted: DBTaskResult | None = None
        self.last_sweep: dt.datetime | None = None

    def _sweep_if_due(self) -> None:
        now = timezone.now()
        if self.last_sweep is None or now - self.last_sweep > SWEEP_EVERY:
            settle_abandoned()
            self.last_sweep = now

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self._sweep_if_due()
        self.interrupted = db_task_result  # still set if the database goes away meanwhile
        super().run_task(db_task_result)
        self.interrupted = None

    def _after_reconnection(self) -> None:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        outage.came_back("travailleur")
        if self.interrupted is not None:
            current = DBTaskResult.objects.filter(pk=self.interrupted.pk).first()
            if current is not None and current.status == TaskResultStatus.RUNNING:
                settle(current)
            self.interrupted = None
        self._sweep_if_due()

    def run(self) -> None:
        wait = FIRST_WAIT
        while self.running:
            try:
                self._after_reconnection()
                wait = FIRST_WAIT
                super().run()
                return
            except DatabaseError as exc:
                if not outage.is_unreachable(exc):
                    raise
                outage.went_down(exc, "travailleur")
                _close_connections()
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
