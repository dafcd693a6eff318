"""Benchmark of an edition's audits imported back into it (not a test): the edition's
own export, checked (dry run), then written all or nothing while an auditor saves a
draft every 100 ms from another thread, as the web server would during the import.

On SQLite the import's transaction holds the database's only write lock: the figure that
matters is how long the auditor's save waits for it (it fails past the 20 s busy
timeout). Runs on a copy of the demo database (``barometre demo --no-serve`` first), or
on the PostgreSQL database of ``--database-url`` holding the demo.

    make bench-audit-import
    python benchmarks/bench_audit_import.py --edition 2 --fresh   # every audit created
"""

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup(database_url: str) -> None:
    os.environ.update(
        {
            "BAROMETRE_DEBUG": "true",
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
        }
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def drafts(task_id: int, stop: threading.Event, waits: list[float], errors: list[str]) -> None:
    """An auditor saving the draft of an audit in fieldwork every 100 ms."""
    from django.db import OperationalError, connection

    from barometre.campaigns import workflow
    from barometre.campaigns.models import AuditTask

    task = AuditTask.objects.select_related("auditor").get(pk=task_id)
    n = 0
    while not stop.is_set():
        n += 1
        started = time.perf_counter()
        try:
            workflow.save_answers(
                task, {"phone.answered": "oui" if n % 2 else "non"}, by=task.auditor
            )
        except OperationalError as exc:
            errors.append(str(exc))
        waits.append(time.perf_counter() - started)
        time.sleep(0.1)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edition", type=int, default=2)
    parser.add_argument("--demo", default=str(ROOT / "var" / "barometre.sqlite3"))
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--fresh", action="store_true", help="delete the audits first: every audit is created"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-audit-import-"))
    if args.database_url:
        url = args.database_url
    else:
        shutil.copy(args.demo, workdir / "demo.sqlite3")
        url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    setup(url)
    from django.db import connection

    from barometre.campaigns.models import Answer, AuditTask, Edition
    from barometre.campaigns.transfer import apply_audit_import, export_audits, plan_audit_import

    edition = Edition.objects.get(pk=args.edition)
    draft = (
        AuditTask.objects.filter(status=AuditTask.Status.ASSIGNED, auditor__isnull=False)
        .exclude(edition=edition)
        .order_by("pk")
        .first()
    )
    started = time.perf_counter()
    content = export_audits(edition, "csv")
    print(f"{connection.vendor} ; export CSV : {time.perf_counter() - started:.1f} s")
    if args.fresh:
        AuditTask.objects.filter(edition=edition).delete()
    started = time.perf_counter()
    plan = plan_audit_import(edition, content, "audits.csv")
    answers = sum(len(a["answers"]) for a in plan.audits.values())
    print(
        f"vérification : {time.perf_counter() - started:.1f} s, {len(plan.audits)} audits, "
        f"{answers} réponses, {len(plan.problems)} problème(s)"
    )
    stop, waits, errors = threading.Event(), [], []
    writer = threading.Thread(target=drafts, args=(draft.pk, stop, waits, errors))
    writer.start()
    time.sleep(0.5)
    started = time.perf_counter()
    counts = apply_audit_import(edition, plan, by=None)
    written = time.perf_counter() - started
    time.sleep(0.5)
    stop.set()
    writer.join()
    stored = Answer.objects.filter(task__edition=edition).count()
    print(f"écriture : {written:.1f} s, {counts}, {stored} réponses enregistrées")
    print(
        f"brouillons enregistrés pendant ce temps : {len(waits) - len(errors)} sur {len(waits)}, "
        f"attente la plus longue {max(waits):.2f} s, échecs : {len(errors)}"
        + (f" ({errors[0]})" if errors else "")
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
