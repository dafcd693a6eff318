"""Benchmark of the PDF reports (not a test): one structure's report, and the batch of
every report of a 300-structure edition into a ZIP, as the background task does it.

Runs on a throw-away SQLite database with synthetic results shaped like real ones
(tests/samples.py, shared with the tests). The baseline, in the same process, is rendering the same
report as HTML only (template and charts, no PDF): the ratio says what WeasyPrint costs.

    make bench-reports
    python benchmarks/bench_reports.py --structures 50   # quick run
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path


def setup(data_dir: str) -> None:
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup(data_dir)
        run(args.structures, args.repeat, [int(p) for p in args.processes.split(",")])


def run(n: int, repeat: int, processes: list[int]) -> None:
    from django.template.loader import render_to_string
    from tests.samples import fabricate_result_set, sample_edition

    from barometre.accounts.models import Membership, Role, User
    from barometre.results import pdf
    from barometre.results.batches import request_batch
    from barometre.results.models import StructureResult
    from barometre.results.reports import structure_report

    operator = User.objects.create_user("bench")
    Membership.objects.create(user=operator, role=Role.OPERATOR)
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
    pdf.structure_pdf(report)  # warm-up: fonts, templates, WeasyPrint's first layout

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
    single = timed(lambda: pdf.structure_pdf(structure_report(result)), repeat)
    size = len(pdf.structure_pdf(report))
    print(
        f"Rapport d'une structure ({repeat} essais) : médiane "
        f"{statistics.median(single):.3f} s, meilleur {min(single):.3f} s, pire "
        f"{max(single):.3f} s ; {size / 1024:.0f} Kio"
    )
    ratio = statistics.median(single) / statistics.median(baseline)
    print(
        f"Référence HTML seul (même processus) : médiane {statistics.median(baseline):.3f} s "
        f"→ PDF / HTML = {ratio:.1f}×"
    )
    from django.conf import settings

    from barometre.results.batches import processes as batch_processes

    first = None
    for count in processes:
        settings.BAROMETRE_REPORT_PROCESSES = count
        start = time.perf_counter()
        batch = request_batch(result_set, by=operator)  # immediate backend: built here
        batch_time = time.perf_counter() - start
        batch.refresh_from_db()
        first = first or batch_time
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"Lot de {batch.total} rapports, {batch_processes()} processus ({batch.status}) : "
            f"{batch_time:.1f} s, {batch_time / max(batch.total, 1):.3f} s par rapport, "
            f"{first / batch_time:.2f}× plus rapide que le premier lot ; archive "
            f"{batch.file.size / 1024 / 1024:.1f} Mio ; mémoire de pointe {peak:.0f} Mio ; "
            f"lot / (n × rapport seul) = "
            f"{batch_time / (batch.total * statistics.median(single)):.2f}"
        )


if __name__ == "__main__":
    main()
