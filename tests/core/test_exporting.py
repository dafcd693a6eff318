"""Spreadsheet writing: each value keeps its type, formulas and links stay text."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from barometre.core.exporting import Column, write_xlsx, write_xlsx_sheets

COLUMNS = [
    Column(name, lambda row, name=name: row[name])
    for name in ("text", "number", "decimal", "flag", "moment", "day", "empty")
]
ROW = {
    "text": "=SOMME(A1)",
    "number": 3,
    "decimal": Decimal("2.5"),
    "flag": True,
    "moment": dt.datetime(2025, 5, 6, 10, 30, tzinfo=dt.UTC),
    "day": dt.date(2025, 5, 6),
    "empty": None,
}


def test_each_cell_keeps_its_type_and_a_formula_stays_text():
    sheet = load_workbook(io.BytesIO(write_xlsx(COLUMNS, [ROW], "Audits")))["Audits"]
    header, row = sheet.iter_rows(values_only=True)
    assert header == tuple(c.header for c in COLUMNS)
    assert row[0].startswith("'") and row[0].endswith("=SOMME(A1)")
    assert row[1:4] == (3, 2.5, True)
    assert row[4] == dt.datetime(2025, 5, 6, 10, 30)
    assert row[5] == dt.datetime(2025, 5, 6)
    assert row[6] is None


def test_a_web_address_is_text_not_a_link_and_sheets_keep_their_titles():
    link = [Column("site", lambda row: row)]
    content = write_xlsx_sheets(
        [
            ("Structures", link, ["https://exemple.fr"]),
            ("Une feuille au titre bien trop long", link, []),
        ]
    )
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Structures", "Une feuille au titre bien trop "]
    cell = book["Structures"]["A2"]
    assert cell.value == "https://exemple.fr" and cell.hyperlink is None


def test_a_csv_comes_in_chunks_of_rows_and_reads_as_one_file(monkeypatch):
    from barometre.core import exporting

    monkeypatch.setattr(exporting, "CSV_BATCH", 2)
    column = [Column("n", lambda row: row)]
    chunks = list(exporting.csv_chunks(column, range(5)))
    assert len(chunks) == 3  # header and rows 0-1, rows 2-3, row 4
    assert b"".join(chunks).decode("utf-8-sig") == "n\r\n0\r\n1\r\n2\r\n3\r\n4\r\n"
    assert b"".join(chunks) == exporting.write_csv(column, range(5))
