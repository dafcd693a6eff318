import io

import pytest
from django.core.management import CommandError, call_command

from barometre.structures.models import Structure
from barometre.structures.populations import apply_populations, plan_populations

pytestmark = pytest.mark.django_db
MAX = 1024 * 1024

POPULATIONS = """REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT
24;Centre-Val de Loire;45;2;45;234;45234;Orléans;117 026;2 345;119 371
44;Grand Est;57;2;57;463;57463;Metz;120 874;1 200;122 074
94;Corse;2A;1;2A;004;2A004;Ajaccio;73 615;900;74 515
01;Guadeloupe;971;1;97;01;97101;Les Abymes;50 000;100;50 100
53;Bretagne;22;1;22;001;22001;Commune sans structure;1 000;10;1 010
"""
COG = """TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT
COM,45234,24,45,45D,452,0,ORLEANS,Orléans,Orléans,4599,
COM,57463,44,57,57D,572,0,METZ,Metz,Metz,5799,
COMD,49018,52,49,49D,491,0,BAUGE,Baugé,Baugé,4902,49018
COM,2A004,94,2A,2AD,2A1,0,AJACCIO,Ajaccio,Ajaccio,2A99,
"""


@pytest.fixture
def communes(structure_b):
    """Metz (by INSEE code), Orléans (by its SIRET), Ajaccio, and Baugé, merged."""
    orleans = Structure.objects.create(
        name="Mairie d'Orléans",
        identifier="21450234500017",
        kind="commune",
        department="45",
        population=116_000,
    )
    ajaccio = Structure.objects.create(
        name="Ajaccio", identifier="2A004", kind="commune", department="2A"
    )
    bauge = Structure.objects.create(
        name="Baugé", identifier="49018", kind="commune", department="49", population=3_600
    )
    return {"metz": structure_b, "orleans": orleans, "ajaccio": ajaccio, "bauge": bauge}


def test_populations_are_set_from_pmun(communes):
    plan = plan_populations(POPULATIONS.encode(), "donnees_communes.csv", max_bytes=MAX)
    assert plan.problems == []
    changes = {s.name: (old, new) for s, old, new in plan.changes}
    assert changes == {
        "Mairie d'Orléans": (116_000, 117_026),  # found by the code in its SIREN
        "Ville de Metz": (121_000, 120_874),
        "Ajaccio": (None, 73_615),
    }
    assert plan.unmatched == ["22001", "97101"]
    assert [(s.name, why) for s, why in plan.gone] == [
        ("Baugé", "49018 n'est pas une commune en vigueur dans ce fichier (fusionnée ?)")
    ]
    assert apply_populations(plan) == 3
    communes["orleans"].refresh_from_db()
    assert communes["orleans"].population == 117_026
    again = plan_populations(POPULATIONS.encode(), "donnees_communes.csv", max_bytes=MAX)
    assert (again.changes, again.unchanged) == ([], 3)


def test_the_cog_tells_merged_communes(communes):
    plan = plan_populations(COG.encode(), "v_commune_2025.csv", max_bytes=MAX)
    assert plan.kind == "cog" and not plan.ok  # nothing to write from the COG
    assert [why for _, why in plan.gone] == [
        "49018 est désormais une commune déléguée ou associée de 49018"
    ]
    assert plan.unmatched == []


def test_a_bad_population_refuses_the_file(communes):
    text = POPULATIONS.replace("120 874", "beaucoup")
    plan = plan_populations(text.encode(), "donnees_communes.csv", max_bytes=MAX)
    assert [p.row for p in plan.problems] == [3]
    with pytest.raises(ValueError, match="rien à enregistrer"):
        apply_populations(plan)


def test_the_command_reports_then_commits(tmp_path, communes):
    path = tmp_path / "donnees_communes.csv"
    path.write_text(POPULATIONS, encoding="utf-8")
    out = io.StringIO()
    call_command("import_populations", str(path), stdout=out)
    assert "5 communes lues : 3 populations à mettre à jour" in out.getvalue()
    assert "2 codes sans structure" in out.getvalue()
    assert "Baugé" in out.getvalue()
    assert Structure.objects.get(identifier="2A004").population is None
    call_command("import_populations", str(path), "--commit", stdout=out)
    assert Structure.objects.get(identifier="2A004").population == 73_615
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("import_populations", str(path), stdout=out)


@pytest.mark.parametrize(
    ("identifier", "kind", "code"),
    [
        ("45234", "state", "45234"),
        ("21450234600017", "commune", "45234"),  # Orléans
        ("21971001400012", "commune", "97101"),  # Les Abymes
        ("21200004600011", "commune", None),  # Corsica: 2A or 2B?
        ("21450234600017", "social", None),  # a CCAS's SIREN is not its commune's
        ("13000548700017", "commune", None),
    ],
)
def test_the_commune_code_of_a_structure(identifier, kind, code):
    from barometre.structures.populations import commune_code

    assert commune_code(Structure(identifier=identifier, kind=kind)) == code
