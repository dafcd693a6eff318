"""The task worker survives a database restart; tasks a dead worker left running are
requeued or marked failed per kind, never those of a live worker; ``barometre serve``
restarts its worker when it dies and stops it when it stops."""

import datetime as dt
import logging
import sys
import threading
import time

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from barometre.core import outage
from barometre.core.deferred import build_export
from barometre.core.models import ExportFile
from barometre.structures.models import Structure, StructureImport
from barometre.structures.tasks import apply_structure_import
from barometre.web.management.commands.serve import Supervisor
from barometre.web.worker import ResilientWorker, settle_abandoned
from tests.structures.files import csv_bytes

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LONG_AGO = dt.timedelta(minutes=20)


def _running(result, started_at):
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started_at, worker_ids=["mort"]
    )


def _status(result) -> str:
    return DBTaskResult.objects.get(pk=result.id).status


@pytest.mark.django_db(transaction=True)
def test_silent_tasks_are_requeued_or_failed_per_kind_and_live_ones_left_alone(settings, operator):
    settings.TASKS = DB_TASKS
    now = timezone.now()
    silent, live = (
        ExportFile.objects.create(
            title="Audits", builder="x.y", filename="a.xlsx", requested_by=operator
        )
        for _ in range(2)
    )
    ExportFile.objects.filter(pk=silent.pk).update(
        requested_at=now - LONG_AGO, heartbeat=now - LONG_AGO
    )
    # Started long ago on another machine, but its export still beats: alive.
    ExportFile.objects.filter(pk=live.pk).update(requested_at=now - LONG_AGO, heartbeat=now)
    batch = StructureImport.objects.create(file_name="s.csv", content=csv_bytes())
    StructureImport.objects.filter(pk=batch.pk).update(created_at=now - LONG_AGO)
    export_silent = build_export.enqueue(silent.pk)
    export_live = build_export.enqueue(live.pk)
    import_silent = apply_structure_import.enqueue(batch.pk)
    for result in (export_silent, export_live, import_silent):
        _running(result, now - LONG_AGO)

    done = settle_abandoned()

    assert done == {str(export_silent.id): "requeued", str(import_silent.id): "failed"}
    assert _status(export_silent) == TaskResultStatus.READY
    assert _status(export_live) == TaskResultStatus.RUNNING
    failed = DBTaskResult.objects.get(pk=import_silent.id)
    assert failed.status == TaskResultStatus.FAILED
    assert "le travailleur s'est arrêté pendant la tâche" in failed.traceback


def _wait_for(condition, seconds=15):
    limit = time.monotonic() + seconds
    while time.monotonic() < limit:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend")
def test_the_worker_reconnects_after_its_connection_is_terminated(settings, caplog):
    """As when PostgreSQL restarts: « terminating connection due to administrator
    command ». The worker logs it once, reconnects and runs the next task."""
    settings.TASKS = DB_TASKS
    caplog.set_level(logging.INFO, logger="barometre.outage")
    outage.came_back("test")
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0.1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="essai",
        excluded_queue_names=[],
    )
    died = []

    def run():
        try:
            worker.run()
        except BaseException as exc:  # the test reads whether the worker died
            died.append(exc)
        finally:
            connection.close()

    # A kept connection, as in production: the next query on it meets the termination.
    kept = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 600
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        first = apply_structure_import.enqueue(
            StructureImport.objects.create(file_name="a.csv", content=csv_bytes()).pk
        )
        assert _wait_for(lambda: _status(first) == TaskResultStatus.SUCCESSFUL)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchall(), "the worker's connection was not found"
        Structure.objects.all().delete()
        second = apply_structure_import.enqueue(
            StructureImport.objects.create(file_name="b.csv", content=csv_bytes()).pk
        )
        assert _wait_for(lambda: _status(second) == TaskResultStatus.SUCCESSFUL), died
        assert not died
    finally:
        worker.running = False
        thread.join(5)
        connection.settings_dict["CONN_MAX_AGE"] = kept
    lines = [r.getMessage() for r in caplog.records if r.name == "barometre.outage"]
    assert len(lines) == 2
    assert lines[0].startswith("Base de données injoignable (travailleur)")
    assert lines[1] == "Base de données de nouveau joignable (travailleur)."


def test_serve_restarts_a_worker_that_dies_and_stops_it_with_itself():
    dying = Supervisor([sys.executable, "-c", "raise SystemExit(3)"], check_every=0.1)
    dying.start()
    try:
        assert _wait_for(lambda: dying.starts >= 3, seconds=10)
    finally:
        dying.stop()
    lasting = Supervisor([sys.executable, "-c", "import time; time.sleep(60)"])
    lasting.start()
    process = lasting.process
    lasting.stop()
    assert process.poll() is not None and lasting.starts == 1
