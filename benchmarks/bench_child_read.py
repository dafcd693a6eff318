"""Benchmark of the child process that parses uploaded workbooks (not a test).

A survey file of 5,000 rows (a date, ten ratings, a comment), written by xlsxwriter, is
read in the same process run both ways: calamine in the process itself (the road before
engine/sandbox.py) and ``read_table`` (measure, then calamine in a child under limits).
Also the largest workbook the default limits allow (100,000 rows × 20 columns), through
the child, with the child's peak memory.

    make bench-child-read
    python benchmarks/bench_child_read.py --runs 5
"""

import argparse
import datetime as dt
import io
import resource
import statistics
import subprocess
import sys
import time

import xlsxwriter
from python_calamine import CalamineWorkbook

from barometre.engine.tables import _build_table, check_table, read_table

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_rows": 100_000, "max_cells": 2_000_000}


def survey_workbook(rows: int) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["date", *[f"q{i}" for i in range(1, 11)], "commentaire"])
    for row in range(1, rows + 1):
        sheet.write_datetime(row, 0, dt.date(2026, 3, 1 + row % 28), day)
        sheet.write_row(row, 1, [(row * i) % 11 for i in range(1, 11)])
        sheet.write(row, 11, f"Accueil aimable, attente de {row % 40} minutes au guichet.")
    book.close()
    return buffer.getvalue()


def wide_workbook(rows: int, columns: int) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [f"c{i}" for i in range(columns)])
    for row in range(1, rows):
        for column in range(columns):
            sheet.write(row, column, f"valeur {row}" if column % 2 else row * 1.5)
    book.close()
    return buffer.getvalue()


def in_process(content: bytes):
    """The road before: the same measure, then calamine in the calling process."""
    check_table(content, **LIMITS)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return _build_table([list(r) for r in rows], "xlsx")


def timed(roads: dict, content: bytes, runs: int) -> dict[str, tuple[float, object]]:
    """Median time of each road, the roads taking turns (a loaded machine slows both)."""
    times: dict[str, list[float]] = {name: [] for name in roads}
    results: dict[str, object] = {}
    for _ in range(runs):
        for name, function in roads.items():
            start = time.perf_counter()
            results[name] = function(content)
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(times[name]), results[name]) for name in roads}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=5_000)
    args = parser.parse_args()
    content = survey_workbook(args.rows)
    print(f"Survey file: {args.rows} rows × 12 columns, {len(content) / 1024:.0f} Ko")
    roads = {"before": in_process, "after": lambda c: read_table(c, "avis.xlsx", **LIMITS)}
    measured = timed(roads, content, args.runs)
    (before, old), (after, new) = measured["before"], measured["after"]
    assert old.rows == new.rows, "the child must give back the same rows"
    print(f"  calamine in the process (before): {before * 1000:.0f} ms (median of {args.runs})")
    print(f"  read_table, child process (after): {after * 1000:.0f} ms")
    print(f"  cost of the child: +{(after - before) * 1000:.0f} ms")
    start = time.perf_counter()
    for _ in range(args.runs):
        subprocess.run([sys.executable, "-I", "-c", "import python_calamine"], check=True)
    start_up = (time.perf_counter() - start) / args.runs
    print(f"  of which an interpreter's start with python-calamine: {start_up * 1000:.0f} ms")
    big = wide_workbook(100_000, 20)
    start = time.perf_counter()
    table = read_table(big, "grand.xlsx", **LIMITS)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"Largest allowed (100 000 rows × 20 columns, {len(big) / 2**20:.1f} Mo): "
        f"{elapsed:.1f} s, {len(table.rows)} rows, child peak {peak:.0f} Mo"
    )


if __name__ == "__main__":
    main()
