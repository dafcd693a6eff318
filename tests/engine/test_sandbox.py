"""Workbooks are parsed in a child process under memory, CPU and time limits: a file the
measure did not foresee kills the child, and that one reading fails in French.

To reach the child with a bomb, the measure (engine/extent.py) is switched off, as for a
file nobody foresaw. Each reading still runs in a forked child of the test
(tests/bombs.py), which fails the test instead of killing pytest if the wall gives way."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import xlsxwriter

from barometre.engine import sandbox, tables
from barometre.engine.tables import TableError, read_table
from tests.bombs import case_twin_xlsx, far_cell_xlsx, in_child, second_workbook_xlsx

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_rows": 100_000, "max_cells": 2_000_000}
SRC = Path(__file__).parents[2] / "src" / "barometre"


def _read(content: bytes, filename: str) -> dict:
    try:
        table = read_table(content, filename, **LIMITS)
    except TableError as exc:
        return {"refused": str(exc)}
    return {"rows": len(table.rows)}


@pytest.mark.parametrize(
    "content",
    [far_cell_xlsx(), second_workbook_xlsx(), case_twin_xlsx()],
    ids=["far-cell", "second-workbook", "case-twin"],
)
def test_a_bomb_past_the_measure_kills_the_child_not_the_caller(monkeypatch, content):
    monkeypatch.setattr(tables, "check_workbook_extent", lambda *args, **kwargs: None)
    refused = in_child(_read, content, "bombe.xlsx")["refused"]
    assert refused.startswith("Le fichier « bombe.xlsx » n'a pas pu être lu sans danger")
    assert "Rien n'a été lu ni enregistré." in refused


def test_the_child_gives_back_the_values_with_their_types():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    moment = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    sheet.write_row(0, 0, ["nom", "date", "moment", "note", "oui"])
    sheet.write(1, 0, "Mairie d'Épinal")
    sheet.write_datetime(1, 1, dt.date(2026, 3, 2), day)
    sheet.write_datetime(1, 2, dt.datetime(2026, 3, 2, 9, 30), moment)
    sheet.write_number(1, 3, 8.5)
    sheet.write_boolean(1, 4, True)
    book.close()
    table = read_table(buffer.getvalue(), "types.xlsx", **LIMITS)
    assert table.rows == [
        (
            2,
            {
                "nom": "Mairie d'Épinal",
                "date": dt.date(2026, 3, 2),
                "moment": dt.datetime(2026, 3, 2, 9, 30),
                "note": 8.5,
                "oui": True,
            },
        )
    ]


@pytest.mark.parametrize(
    "answer",
    [b'{"rows": [[{"$": "date"}]]}', b'{"rows": [[{"$": "timedelta", "v": "1h"}]]}'],
    ids=["date-without-value", "timedelta-as-text"],
)
def test_a_tagged_value_the_child_never_writes_is_refused_in_french(monkeypatch, answer):
    monkeypatch.setattr(sandbox, "run_child", lambda *args, **kwargs: answer)
    with pytest.raises(TableError, match="n'a pas pu être lu sans danger"):
        sandbox.read_workbook_rows(b"", "etrange.xlsx")


def _script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "child.py"
    script.write_text("import sys\nsys.stdin.buffer.read()\n" + body)
    return script


def test_a_child_past_its_memory_is_stopped(tmp_path):
    script = _script(tmp_path, "block = bytearray(512 * 1024 * 1024)\nprint('fini')\n")
    limits = sandbox.ChildLimits(memory_mb=256, cpu_seconds=10, timeout_seconds=30)
    with pytest.raises(sandbox.ChildFailed, match="exit 1: Traceback"):
        sandbox.run_child(script, b"", limits=limits)
    roomy = sandbox.ChildLimits(memory_mb=1024, cpu_seconds=10, timeout_seconds=30)
    assert sandbox.run_child(script, b"", limits=roomy) == b"fini\n"


def test_a_child_past_its_cpu_time_is_killed(tmp_path):
    script = _script(tmp_path, "while True:\n    pass\n")
    limits = sandbox.ChildLimits(memory_mb=256, cpu_seconds=1, timeout_seconds=30)
    with pytest.raises(sandbox.ChildFailed, match=r"signal (24|9)"):  # SIGXCPU, then SIGKILL
        sandbox.run_child(script, b"", limits=limits)


def test_a_child_that_does_not_answer_in_time_is_killed(tmp_path):
    script = _script(tmp_path, "import time\ntime.sleep(30)\n")
    limits = sandbox.ChildLimits(memory_mb=256, cpu_seconds=10, timeout_seconds=1)
    with pytest.raises(sandbox.ChildFailed, match="no answer within 1 s"):
        sandbox.run_child(script, b"", limits=limits)


def test_the_platform_passes_its_settings_to_the_child(settings):
    assert sandbox.current_limits() == sandbox.ChildLimits(
        memory_mb=settings.PARSER_MEMORY_MB,
        cpu_seconds=settings.PARSER_CPU_SECONDS,
        timeout_seconds=settings.PARSER_TIMEOUT_SECONDS,
    )


def test_only_the_child_imports_a_native_spreadsheet_reader():
    """One road: every spreadsheet upload is read by engine.tables.read_table, whose
    workbooks go to the child. A module importing a reader of its own skips the wall."""
    readers = re.compile(
        r"^\s*(from|import) (python_calamine|openpyxl|xlrd)\b|load_workbook|read_excel|"
        r"CalamineWorkbook",
        re.M,
    )
    importing = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if readers.search(path.read_text(encoding="utf-8"))
    )
    assert importing == ["engine/workbook_child.py"]
