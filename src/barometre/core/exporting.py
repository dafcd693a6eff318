"""Writing tables for spreadsheet users: XLSX by default, CSV as French software reads it.

Columns are declared as data (a header and a function of the row). Every text cell that
a spreadsheet would run as a formula is neutralised.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook

from barometre.engine.tables import neutralize


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]


def _csv_cell(value: object) -> str:
    value = neutralize(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_csv(columns: list[Column], rows: Iterable[object]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(c.value(row)) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(columns: list[Column], rows: Iterable[object], sheet_title: str) -> bytes:
    return write_xlsx_sheets([(sheet_title, columns, rows)])


def write_xlsx_sheets(sheets: list[tuple[str, list[Column], Iterable[object]]]) -> bytes:
    """One workbook, one sheet per (title, columns, rows)."""
    workbook = Workbook(write_only=True)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([c.header for c in columns])
        for row in rows:
            cells = []
            for column in columns:
                value = neutralize(column.value(row))
                if isinstance(value, dt.datetime) and value.tzinfo:
                    value = value.replace(tzinfo=None)
                cells.append(value)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
