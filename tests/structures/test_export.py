import csv
import io

import pytest
from python_calamine import CalamineWorkbook

from barometre.structures.exporting import export_structures
from barometre.structures.importing import apply_import, plan_import
from barometre.structures.models import ContactPoint, Structure

from .files import csv_bytes

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example";"clic")', "+33 1 23 45 67 89", "-2+3", "@SUM(A1)"]


@pytest.fixture
def hostile_structure():
    s = Structure.objects.create(
        name=HOSTILE[0], identifier="67482", kind="commune", department="67", city=HOSTILE[3]
    )
    ContactPoint.objects.create(structure=s, channel="phone", value=HOSTILE[1])
    ContactPoint.objects.create(structure=s, channel="visit", value=HOSTILE[2])
    return s


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_neutralises_formulas(hostile_structure):
    row = _csv_rows(export_structures(Structure.objects.all(), "csv"))[0]
    cells = [row["nom"], row["telephone"], row["accueil_physique"], row["commune"]]
    assert cells == ["'" + value for value in HOSTILE]


def test_xlsx_export_neutralises_formulas(hostile_structure):
    content = export_structures(Structure.objects.all(), "xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header, values = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert "identifiant" in header
    for column in ("nom", "telephone", "accueil_physique", "commune"):
        assert str(values[column])[0] == "'"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_reimports_unchanged(fmt, hostile_structure):
    apply_import(plan_import(csv_bytes(), "s.csv", max_bytes=10**6))
    before = Structure.objects.count()
    exported = export_structures(Structure.objects.all(), fmt)
    plan = plan_import(exported, f"export.{fmt}", max_bytes=10**6)
    assert plan.problems == []
    assert {item.action for item in plan.items} == {"unchanged"}
    assert Structure.objects.count() == before
    hostile_structure.refresh_from_db()
    assert hostile_structure.name == HOSTILE[0]


def test_the_name_in_a_sentence_goes_out_and_back_unchanged(structure_a):
    structure_a.name_in_sentence = "les services de la Préfecture du Loiret"
    structure_a.save()
    exported = export_structures(Structure.objects.all(), "csv")
    assert _csv_rows(exported)[0]["nom_dans_une_phrase"] == structure_a.name_in_sentence
    plan = plan_import(exported, "export.csv", max_bytes=10**6)
    assert plan.problems == [] and [item.action for item in plan.items] == ["unchanged"]


def test_the_sp_code_goes_out_and_back_unchanged(structure_a):
    structure_a.sp_code = "PREF-45"
    structure_a.save()
    exported = export_structures(Structure.objects.all(), "csv")
    assert _csv_rows(exported)[0]["code_sp"] == "PREF-45"
    plan = plan_import(exported, "export.csv", max_bytes=10**6)
    assert plan.problems == [] and [item.action for item in plan.items] == ["unchanged"]
