"""Benchmark of the PDF reports (not a test): one structure's report, and the batch of
every report of a 300-structure edition into a ZIP, as the background task does it.

Runs on a throw-away SQLite database with synthetic results shaped like real ones
(tests/samples.py, shared with the tests), or on a copy of an SQLite database given
with ``--sqlite`` (the demo's var/barometre.sqlite3: the national edition with the most
structures). The baseline, in the same process, is rendering the same report as HTML
only (template and charts, no PDF): the ratio says what WeasyPrint costs.

Each batch prints its time and its CPU seconds (this process and its rendering
processes, user + system), which the load of a shared machine inflates less than the
time: CPU seconds / cores is what that many idle cores would take. A last batch is
requested again with nothing changed: it reuses every PDF of the previous one.

    make bench-reports
    python benchmarks/bench_reports.py --structures 50   # quick run
    python benchmarks/bench_reports.py --sqlite var/barometre.sqlite3 --processes 2 --repeat 3
"""

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def setup(data_dir: str, source: str | None = None) -> None:
    if source:
        shutil.copyfile(source, f"{data_dir}/bench.sqlite3")
    os.environ.update(
        {
            "BAROMETRE_DEBUG": "true",
            "BAROMETRE_DATA_DIR": data_dir,
            "DATABASE_URL": f"sqlite:///{data_dir}/bench.sqlite3",
            "BAROMETRE_TASK_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
        }
    )
    root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root / "src"), str(root)]  # barometre, and tests.samples
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def timed(work, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--structures", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--processes", default="1,0", help="batch runs, one per value (0: one process per core)"
    )
    parser.add_argument("--sqlite", help="a copy of this database instead of synthetic data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup(data_dir, args.sqlite)
        run(args.structures, args.repeat, [int(p) for p in args.processes.split(",")], args.sqlite)


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def largest_result_set():
    from django.db.models import Count

    from barometre.results.models import ResultSet

    return (
        ResultSet.objects.filter(status=ResultSet.Status.READY, edition__owner__isnull=True)
        .annotate(n=Count("structures"))
        .order_by("-n", "-version")
        .first()
    )


def run(n: int, repeat: int, processes: list[int], source: str | None = None) -> None:
    from django.template.loader import render_to_string
    from tests.samples import fabricate_result_set, sample_edition

    from barometre.accounts.models import Membership, Role, User
    from barometre.results import pdf
    from barometre.results.batches import request_batch
    from barometre.results.models import StructureResult
    from barometre.results.reports import structure_report

    operator = User.objects.create_user("bench-reports")
    Membership.objects.create(user=operator, role=Role.OPERATOR)
    if source:
        result_set = largest_result_set()
        edition = result_set.edition
        print(f"{edition.name}, résultats v{result_set.version} ({source})")
    else:
        edition = sample_edition(by=operator)
        result_set = fabricate_result_set(edition, n, by=operator)
    result = (
        StructureResult.objects.select_related(
            "result_set__edition", "result_set__grid", "structure"
        )
        .filter(result_set=result_set)
        .first()
    )
    report = structure_report(result)
    pdf.report_pdf(report)  # warm-up: fonts, templates, WeasyPrint's first layout

    def html_only():
        figures = {
            "channels": pdf.charts.bars(
                [r.label for r in report.channels], pdf._series(report.channels)
            )
        }
        render_to_string(
            "results/pdf/structure.html", {"report": structure_report(result), "charts": figures}
        )

    baseline = timed(html_only, repeat)
    cpu = cpu_seconds()
    single = timed(lambda: pdf.report_pdf(structure_report(result)), repeat)
    single_cpu = (cpu_seconds() - cpu) / repeat
    size = len(pdf.report_pdf(report))
    print(
        f"Rapport d'une structure ({repeat} essais) : médiane "
        f"{statistics.median(single):.3f} s, meilleur {min(single):.3f} s, pire "
        f"{max(single):.3f} s ; {single_cpu:.3f} s CPU en moyenne ; {size / 1024:.0f} Kio"
    )
    ratio = statistics.median(single) / statistics.median(baseline)
    print(
        f"Référence HTML seul (même processus) : médiane {statistics.median(baseline):.3f} s "
        f"→ PDF / HTML = {ratio:.1f}×"
    )
    from django.conf import settings

    from barometre.results.batches import processes as batch_processes
    from barometre.results.models import ReportBatch

    def batch_run(label: str) -> float:
        start, cpu = time.perf_counter(), cpu_seconds()
        batch = request_batch(result_set, by=operator)  # immediate backend: built here
        batch_time, batch_cpu = time.perf_counter() - start, cpu_seconds() - cpu
        batch.refresh_from_db()
        n = max(batch.total, 1)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{label} : lot de {batch.total} rapports, {batch_processes()} processus "
            f"({batch.status}) : {batch_time:.1f} s, {batch_time / n:.3f} s par rapport ; "
            f"CPU {batch_cpu:.1f} s, {batch_cpu / n:.3f} s CPU par rapport "
            f"(2 cœurs libres : {batch_cpu / 2:.0f} s) ; lot / (n × rapport seul) = "
            f"{batch_time / (n * statistics.median(single)):.2f} ; archive "
            f"{batch.file.size / 1024 / 1024:.1f} Mio ; mémoire de pointe {peak:.0f} Mio"
        )
        return batch_time

    first = None
    for count in processes:
        settings.BAROMETRE_REPORT_PROCESSES = count
        ReportBatch.objects.all().delete()  # nothing to reuse: every report laid out
        batch_time = batch_run("Lot neuf")
        first = first or batch_time
        print(f"  {first / batch_time:.2f}× plus rapide que le premier lot")
    again = batch_run("Lot redemandé, rien n'a changé")
    print(f"  {first / again:.1f}× plus rapide que le premier lot")


if __name__ == "__main__":
    main()
