"""Workbooks are measured before they are read: a far cell or a long tail of rows is
refused in French instead of making the reader allocate (and abort the process).

Every reading runs in a forked child (tests/bombs.py): before the fix these files killed
the process with SIGABRT."""

import io
import zipfile
from pathlib import Path

import pytest

from barometre.engine import InputRejected
from barometre.engine.files import read_answers
from barometre.engine.tables import TableError, read_table
from tests.bombs import (
    case_twin_xlsx,
    far_cell_xlsx,
    in_child,
    many_rows_csv,
    many_rows_xlsx,
    ods,
    ods_cell,
    ods_row,
    second_workbook_xlsx,
    text_cell,
    xlsx,
)

WORKBOOKS = Path(__file__).parent / "workbooks"  # XLS made with xlwt 1.3.0
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_rows": 100_000, "max_cells": 2_000_000}


def _read(content: bytes, limits: dict | None = None) -> dict:
    """What reading gives, as plain data: the refusal, or the columns and row count."""
    try:
        table = read_table(content, "fichier", **(limits or LIMITS))
    except TableError as exc:
        return {"refused": str(exc)}
    return {"columns": table.columns, "rows": len(table.rows), "problems": len(table.problems)}


@pytest.mark.parametrize("dimension", [None, "A1:XFD1048576", "A1:A1"])
def test_a_far_cell_is_refused_whatever_the_dimension_says(dimension):
    content = far_cell_xlsx(dimension=dimension)
    assert len(content) < 3000
    refused = in_child(_read, content)["refused"]
    assert "jusqu'à la ligne 1 048 576 (cellule XFD1048576)" in refused
    assert "au-delà de la limite de 100 000 lignes par import" in refused
    assert "rien n'a été lu ni enregistré" in refused


def test_a_far_column_within_the_row_limit_is_refused_by_the_cell_limit():
    first = f'<row r="1">{text_cell("A1", "nom")}{text_cell("XFD1", "x")}</row>'
    content = xlsx(first + f'<row r="200">{text_cell("A200", "y")}</row>')
    refused = in_child(_read, content)["refused"]
    assert "jusqu'à la cellule XFD200, soit 3 276 800 cellules à lire" in refused
    assert "au-delà de la limite de 2 000 000 cellules par import" in refused


def test_three_hundred_thousand_rows_stop_at_the_row_limit():
    content = many_rows_xlsx(300_000)
    assert len(content) < 100_000
    refused = in_child(_read, content)["refused"]
    assert "jusqu'à la ligne 100 001 (cellule A100001)" in refused


def test_a_csv_stops_at_the_row_and_cell_limits():
    refused = in_child(_read, many_rows_csv(300_000))["refused"]
    assert refused.startswith("Le fichier dépasse la limite de 100 000 lignes par import")
    wide = ("a;b;c\r\n" + "1;2;3\r\n" * 50).encode()
    limits = LIMITS | {"max_cells": 100}
    assert in_child(_read, wide, limits)["refused"].startswith(
        "Le fichier dépasse la limite de 100 cellules par import (atteinte à la ligne 34)"
    )


def test_a_workbook_within_the_limits_is_read():
    rows = "".join(f'<row r="{n}">{text_cell(f"A{n}", f"v{n}")}</row>' for n in range(2, 101))
    content = xlsx(f'<row r="1">{text_cell("A1", "nom")}</row>{rows}', "A1:A100")
    assert in_child(_read, content) == {"columns": ["nom"], "rows": 99, "problems": 0}
    limits = LIMITS | {"max_rows": 99}
    assert "limite de 99 lignes" in in_child(_read, content, limits)["refused"]


def test_empty_styled_cells_far_away_do_not_count():
    rows = f'<row r="1">{text_cell("A1", "nom")}</row><row r="2">{text_cell("A2", "Paul")}</row>'
    content = xlsx(rows + '<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    assert in_child(_read, content) == {"columns": ["nom"], "rows": 1, "problems": 0}


def test_an_ods_is_measured_with_its_repeated_rows_and_cells():
    # What LibreOffice writes: empty rows and cells repeated to the end of the sheet.
    tail = ods_row('<table:table-cell table:number-columns-repeated="1024"/>', 1_048_574)
    normal = ods(ods_row(ods_cell("nom") + ods_cell("age")) + ods_row(ods_cell("Paul")) + tail)
    assert in_child(_read, normal) == {"columns": ["nom", "age"], "rows": 1, "problems": 0}
    tall = ods(ods_row(ods_cell("nom")) + ods_row(ods_cell("x"), 1_048_570))
    assert "jusqu'à la ligne 1 048 571" in in_child(_read, tall)["refused"]
    wide = ods(ods_row(ods_cell("nom")) + ods_row(ods_cell("x", 16_000), 200))
    assert "jusqu'à la cellule WQJ201" in in_child(_read, wide)["refused"]


def test_an_xls_is_measured_from_its_cell_records():
    small = (WORKBOOKS / "small.xls").read_bytes()
    assert in_child(_read, small) == {"columns": ["nom", "age"], "rows": 2, "problems": 0}
    far = (WORKBOOKS / "far-cell.xls").read_bytes()
    refused = in_child(_read, far)["refused"]
    assert "jusqu'à la cellule IV65536, soit 16 777 216 cellules à lire" in refused
    # Sheets may be stored in another order than the workbook's: every one is measured.
    second = (WORKBOOKS / "far-second-sheet.xls").read_bytes()
    assert "jusqu'à la cellule IV65536" in in_child(_read, second)["refused"]


def test_a_decompression_bomb_and_an_entity_declaration_are_refused():
    padded = xlsx(f'<row r="1">{text_cell("A1", "nom")}</row>' + " " * 5_000)
    limits = LIMITS | {"max_cells": 10}  # 100 bytes per cell: 1 000 bytes of XML
    assert "décompressé est démesuré" in in_child(_read, padded, limits)["refused"]
    source = zipfile.ZipFile(io.BytesIO(far_cell_xlsx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aa">]><worksheet')
            target.writestr(name, data)
    refused = in_child(_read, buffer.getvalue())["refused"]
    assert refused == "Le classeur contient une déclaration XML interdite (DOCTYPE)."


def test_binary_excel_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x00" * 10)
    assert "XLSB" in in_child(_read, buffer.getvalue())["refused"]


def test_the_answers_reader_of_barometre_score_refuses_a_far_cell_too():
    def read():
        try:
            read_answers(far_cell_xlsx("structure"), "reponses.xlsx")
        except InputRejected as exc:
            return [str(p) for p in exc.problems]
        return []

    (problem,) = in_child(read)
    assert problem.startswith("La feuille lue s'étend jusqu'à la cellule XFD1048576")
    assert "au-delà de la limite de 30 000 000 cellules par import" in problem


@pytest.mark.parametrize(
    "cell",
    [
        "<c r='XFD1048576'><v>1</v></c>",  # quoted otherwise
        '<c t="n" r="XFD1048576"><v>1</v></c>',  # reference after another attribute
        '<x:c xmlns:x="' + MAIN + '" r="XFD1048576"><x:v>1</x:v></x:c>',  # prefixed
    ],
    ids=["single-quotes", "reference-later", "prefixed"],
)
def test_a_far_cell_written_unusually_is_measured_by_the_parser(cell):
    content = xlsx(f'<row r="1">{text_cell("A1", "nom")}</row><row r="1048576">{cell}</row>')
    assert "(cellule XFD1048576)" in in_child(_read, content)["refused"]


@pytest.mark.filterwarnings("ignore:Duplicate name")  # the point of the test
def test_a_zip_with_two_parts_of_one_name_is_refused():
    source = zipfile.ZipFile(io.BytesIO(far_cell_xlsx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        small = xlsx(f'<row r="1">{text_cell("A1", "nom")}</row>')
        target.writestr(
            "xl/worksheets/sheet1.xml",
            zipfile.ZipFile(io.BytesIO(small)).read("xl/worksheets/sheet1.xml"),
        )
    refused = in_child(_read, buffer.getvalue())["refused"]
    assert refused.startswith(
        "Le classeur contient deux parties du même nom, « xl/worksheets/sheet1.xml » : "
    )


def test_a_second_workbook_that_the_package_points_to_is_refused():
    # The reader follows _rels/.rels to bomb/workbook.xml; the measure used to read xl/.
    content = second_workbook_xlsx()
    assert len(content) < 3000
    refused = in_child(_read, content)["refused"]
    assert refused.startswith(
        "Le classeur est organisé de façon inhabituelle (son classeur est "
        "« bomb/workbook.xml » au lieu de « xl/workbook.xml ») : il n'a pas été lu."
    )


def test_two_parts_of_one_name_up_to_case_are_refused():
    # The reader looks parts up without case: it may read XL/Worksheets/Sheet1.xml.
    content = case_twin_xlsx()
    assert len(content) < 3000
    refused = in_child(_read, content)["refused"]
    assert refused.startswith(
        "Le classeur contient deux parties du même nom, « xl/worksheets/sheet1.xml » et "
        "« XL/Worksheets/Sheet1.xml » (à la casse près) : il n'a pas été lu."
    )


def _rezip(content: bytes, rename=lambda name: name, replace=None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if replace and name in replace:
                data = replace[name](data)
            target.writestr(rename(name), data)
    return buffer.getvalue()


def test_parts_are_found_without_case_and_with_backslashes_as_the_reader_finds_them():
    far = far_cell_xlsx()
    upper = _rezip(far, rename=lambda name: name.replace("worksheets/sheet1", "WORKSHEETS/SHEET1"))
    assert "(cellule XFD1048576)" in in_child(_read, upper)["refused"]
    backslashed = _rezip(
        far, rename=lambda name: name.replace("xl/worksheets/", "xl\\worksheets\\")
    )
    assert "(cellule XFD1048576)" in in_child(_read, backslashed)["refused"]


def test_a_sheet_target_read_two_ways_is_measured_both_ways():
    # calamine keeps a target starting with xl/ as it is (the far cell); the standard puts
    # it under xl/ (an innocent sheet, which the measure used to read alone).
    small = xlsx(f'<row r="1">{text_cell("A1", "nom")}</row>')
    innocent = zipfile.ZipFile(io.BytesIO(small)).read("xl/worksheets/sheet1.xml")
    content = _rezip(
        far_cell_xlsx(),
        replace={
            "xl/_rels/workbook.xml.rels": lambda data: data.replace(
                b'Target="worksheets/sheet1.xml"', b'Target="xl/worksheets/sheet1.xml"'
            )
        },
    )
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/xl/worksheets/sheet1.xml", innocent)
    assert "(cellule XFD1048576)" in in_child(_read, buffer.getvalue())["refused"]


def test_a_package_without_its_relationships_or_with_a_dotted_target_is_refused():
    small = xlsx(f'<row r="1">{text_cell("A1", "nom")}</row>')
    without = _rezip(small, rename=lambda name: "autre.xml" if name == "_rels/.rels" else name)
    assert "la partie « _rels/.rels » manque" in in_child(_read, without)["refused"]
    dotted = _rezip(
        small,
        replace={
            "xl/_rels/workbook.xml.rels": lambda data: data.replace(
                b'Target="worksheets/', b'Target="./worksheets/'
            )
        },
    )
    assert "« ./worksheets/sheet1.xml »" in in_child(_read, dotted)["refused"]


def test_an_xlsx_that_is_also_an_ods_is_measured_as_both():
    tall = zipfile.ZipFile(
        io.BytesIO(ods(ods_row(ods_cell("nom")) + ods_row(ods_cell("x"), 10**6)))
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        small = zipfile.ZipFile(io.BytesIO(xlsx(f'<row r="1">{text_cell("A1", "nom")}</row>')))
        for name in small.namelist():
            target.writestr(name, small.read(name))
        target.writestr("content.xml", tall.read("content.xml"))
    assert "jusqu'à la ligne 1 000 001" in in_child(_read, buffer.getvalue())["refused"]
