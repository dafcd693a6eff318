"""CSV text that cannot be trusted: rows in two encodings, a cell of two million
characters. Both are refused in French naming the row (and the column), nothing written."""

import io

import pytest
from django.core.management import CommandError, call_command

from barometre.structures.importing import plan_import
from barometre.structures.models import Structure

from .files import HEADER, ROWS

pytestmark = pytest.mark.django_db
SELESTAT = ["67462", "Mairie de Sélestat", "commune", "67", "", "Sélestat", "", "", ""]


def _lines(*rows: list[str]) -> list[str]:
    return [";".join(HEADER), *(";".join(row) for row in rows)]


def test_rows_mixing_utf8_and_cp1252_are_refused_naming_the_row(tmp_path):
    lines = _lines(ROWS[0], ROWS[1], SELESTAT)
    mixed = "\r\n".join(lines[:3]).encode("cp1252") + b"\r\n" + lines[3].encode() + b"\r\n"
    expected = (
        "Le fichier mélange deux encodages : la ligne 4 est en UTF-8, alors que les lignes "
        "accentuées précédentes (dès la ligne 2) sont en Windows-1252 (ANSI). Rien n'a été "
        "lu : enregistrez tout le fichier dans un seul encodage (« CSV UTF-8 » conseillé) et "
        "envoyez-le de nouveau."
    )
    assert [str(p) for p in plan_import(mixed, "s.csv", max_bytes=10**6).problems] == [expected]
    path = tmp_path / "mixte.csv"
    path.write_bytes(mixed)
    with pytest.raises(CommandError):
        call_command("import_structures", str(path), "--commit", stdout=io.StringIO())
    assert not Structure.objects.exists()


def test_each_encoding_alone_is_still_read():
    for encoding in ("utf-8", "cp1252"):
        content = ("\r\n".join(_lines(ROWS[0], SELESTAT)) + "\r\n").encode(encoding)
        plan = plan_import(content, "s.csv", max_bytes=10**6)
        assert not plan.problems
        assert plan.items[1].fields["name"] == "Mairie de Sélestat"


def test_a_cell_of_two_million_characters_names_its_row_column_and_the_limit():
    long_row = [*ROWS[1][:5], "x" * 2_000_000, *ROWS[1][6:]]
    content = ("\r\n".join(_lines(ROWS[0], long_row)) + "\r\n").encode()
    problems = [str(p) for p in plan_import(content, "s.csv", max_bytes=10**7).problems]
    assert problems == [
        "Ligne 3, colonne « commune » : la cellule contient 2 000 000 caractères, au-delà de "
        "la limite de 32 767 caractères par cellule"
    ]
