import io

import pytest
from django.core.management import CommandError, call_command

from barometre.cli import main
from barometre.structures.models import Structure, StructureImport

from .files import csv_bytes

pytestmark = pytest.mark.django_db


def test_import_is_a_dry_run_without_commit(tmp_path):
    path = tmp_path / "structures.csv"
    path.write_bytes(csv_bytes(encoding="cp1252"))
    out = io.StringIO()
    call_command("import_structures", str(path), stdout=out)
    assert "3 lignes valides : 3 créations" in out.getvalue()
    assert "relancez avec --commit" in out.getvalue()
    assert Structure.objects.count() == 0
    call_command("import_structures", str(path), "--commit", stdout=out)
    assert Structure.objects.count() == 3
    call_command("import_structures", str(path), "--commit", stdout=out)
    assert Structure.objects.count() == 3


def test_import_reports_rows_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([["45234", "", "commune", "45", "", "", "", "", ""]]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="contient des erreurs"):
        call_command("import_structures", str(path), "--commit", stdout=out)
    assert "le nom est obligatoire" in out.getvalue()
    assert Structure.objects.count() == 0


def test_export_writes_by_extension(tmp_path, structure_a):
    out = io.StringIO()
    call_command("export_structures", str(tmp_path / "r.csv"), stdout=out)
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    call_command("export_structures", str(tmp_path / "r.xlsx"), stdout=out)
    assert (tmp_path / "r.xlsx").read_bytes().startswith(b"PK")


def test_console_script_prints_a_french_help(capsys):
    main(["barometre"])
    out = capsys.readouterr().out
    assert "import-structures" in out and "Commandes principales" in out


def test_console_script_maps_hyphenated_commands(tmp_path, structure_a):
    main(["barometre", "export-structures", str(tmp_path / "r.csv")])
    assert "Préfecture du Loiret" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")


def test_import_annuaire_is_a_dry_run_then_commits_once(tmp_path):
    from .annuaire_files import api_bytes

    path = tmp_path / "annuaire-45.json"
    path.write_bytes(api_bytes())
    out = io.StringIO()
    call_command("import_annuaire", str(path), "--departement", "45", stdout=out)
    report = out.getvalue()
    assert "4 fiches à importer : 4 créations" in report
    assert "pas de SIRET" in report  # the CAF, left out
    assert "http conservé" in report  # a rule applied
    assert "Service-Public.gouv.fr / DILA" in report
    assert Structure.objects.count() == 0
    for _ in range(2):
        call_command("import_annuaire", str(path), "--type", "mairie,ccas", "--commit", stdout=out)
    assert Structure.objects.count() == 4  # Orléans, its CCAS, Saint-Martin and Nouméa
    batch = StructureImport.objects.get(source="annuaire", result__create=4)
    assert batch.attribution.startswith("Service-Public.gouv.fr / DILA")
    assert batch.options == {"types": ["mairie", "ccas"], "department": None}


def test_import_annuaire_refuses_an_unknown_department(tmp_path):
    path = tmp_path / "annuaire.json"
    path.write_bytes(b"[]")
    with pytest.raises(CommandError, match="Département inconnu : 99"):
        call_command("import_annuaire", str(path), "--departement", "99")


def test_the_console_script_knows_import_annuaire(capsys):
    main(["barometre"])
    assert "import-annuaire" in capsys.readouterr().out


def test_import_annuaire_asks_a_decision_for_each_probable_match(tmp_path):
    from .annuaire_files import ORLEANS_ID, api_bytes

    ville = Structure.objects.create(
        name="Ville d'Orléans",
        identifier="10786041169733",
        kind="commune",
        department="45",
        city="Orléans",
    )
    path = tmp_path / "annuaire-45.json"
    path.write_bytes(api_bytes())
    out = io.StringIO()
    with pytest.raises(CommandError, match="fiche 1 : relancez avec --confirmer"):
        call_command("import_annuaire", str(path), "--type", "mairie", "--commit", stdout=out)
    assert "Rapprochements probables" in out.getvalue()
    assert "une seule mairie par commune" in out.getvalue()
    assert not Structure.objects.filter(annuaire_id=ORLEANS_ID).exists()
    call_command(
        "import_annuaire", str(path), "--type", "mairie", "--confirmer", "1", "--commit", stdout=out
    )
    ville.refresh_from_db()
    assert ville.annuaire_id == ORLEANS_ID
    batch = StructureImport.objects.get(source="annuaire")
    assert batch.options["decisions"] == {ORLEANS_ID: "confirm"}
