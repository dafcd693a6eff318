"""Read the first sheet of a workbook, in a child process under resource limits.

Run by engine/sandbox.py, which limits the process before it runs this file; never
imported by the platform: it imports only the standard library and python-calamine, so
that it starts fast and holds nothing of the parent. The workbook comes on standard
input; the rows go to standard output as JSON, dates and times tagged
(``{"$": "date", "v": "2026-03-02"}``), or ``{"error": "..."}`` when calamine refuses
the file. An abort, a memory or CPU limit reached, kills this process alone: the parent
reports it in French.
"""

import datetime as dt
import io
import json
import sys


def encode(value: object) -> object:
    # A datetime is a date too: test it first.
    if isinstance(value, dt.datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    return str(value)


def read(content: bytes) -> dict[str, object]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not workbook.sheet_names:
            return {"rows": None}
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine's own refusal of a damaged file
        return {"error": f"{type(exc).__name__}: {exc}"[:500]}
    return {"rows": [list(row) for row in rows]}


def main() -> None:
    content = sys.stdin.buffer.read()
    text = json.dumps(read(content), default=encode, ensure_ascii=False)
    sys.stdout.buffer.write(text.encode("utf-8"))


if __name__ == "__main__":
    main()
