"""Several workers, on one machine or several, share the task queue of the database: two
``barometre worker`` processes given 200 tasks run each exactly once (django-tasks-db
claims a task with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL)."""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.web.worker_tasks import record

ROOT = Path(__file__).resolve().parents[2]
TASKS = 200


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers on a shared server")
def test_two_workers_take_200_tasks_each_once(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ran = tmp_path / "ran.txt"
    for n in range(TASKS):
        record.enqueue(n, str(ran))
    database = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETRE_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
        "BAROMETRE_SECRET_KEY": "test-secret-key-not-for-production-use-0123456789",
        "BAROMETRE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, str(ROOT / "manage.py"), "worker", "--batch", "--interval", "0.05"]
    workers = [
        subprocess.Popen(
            [*command, "--worker-id", f"machine-{i}", "--no-startup-delay"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in (1, 2)
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=180)
        assert worker.returncode == 0, errors[-3000:]

    lines = [line.split() for line in ran.read_text().splitlines()]
    runs = Counter(int(n) for n, _ in lines)
    assert sorted(runs) == list(range(TASKS)) and set(runs.values()) == {1}
    by_process = Counter(pid for _, pid in lines)
    assert len(by_process) == 2, by_process  # both took their share
    results = DBTaskResult.objects.all()
    assert results.count() == TASKS
    assert {r.status for r in results} == {TaskResultStatus.SUCCESSFUL}
    claims = Counter(len(r.worker_ids) for r in results)
    assert claims == {1: TASKS}  # no task claimed twice
    by_worker = Counter(r.worker_ids[0] for r in results)
    assert set(by_worker) == {"machine-1", "machine-2"}
