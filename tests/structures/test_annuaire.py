import pytest

from barometre.structures.annuaire import plan_annuaire
from barometre.structures.importing import ImportRefused, apply_import
from barometre.structures.models import ContactPoint, Structure

from .annuaire_files import (
    ANNEXE_ID,
    CAF_ID,
    CCAS_ID,
    FRANCE_SERVICES_ID,
    HIDDEN_ID,
    NOUMEA_ID,
    ORLEANS_ID,
    PERSON,
    PREFECTURE_ID,
    SAINT_MARTIN_ID,
    api_bytes,
    bulk_bytes,
    records,
)

MAX = 10 * 1024 * 1024
pytestmark = pytest.mark.django_db


def plan(content: bytes | None = None, **filters):
    return plan_annuaire(
        api_bytes() if content is None else content, "annuaire.json", max_bytes=MAX, **filters
    )


def imported(content: bytes | None = None, **filters):
    checked = plan(content, **filters)
    assert checked.problems == []
    return apply_import(checked)


@pytest.mark.parametrize("content", [api_bytes(), bulk_bytes()], ids=["api", "bulk"])
def test_dry_run_reports_and_writes_nothing(content):
    checked = plan(content)
    assert checked.ok
    assert (checked.count_create, checked.count_update) == (6, 0)
    skipped = {s.number: s.reason for s in checked.skipped}
    assert "pas de SIRET, et seule une mairie" in skipped[6]  # the CAF
    assert "même identifiant (21450234500017) que la fiche n° 1" in skipped[8]  # the annexe
    assert "non diffusable" in skipped[9]
    assert "fichier « annuaire.json », fiches à jour au 01/04/2025" in checked.attribution
    assert checked.attribution.startswith("Service-Public.gouv.fr / DILA")
    assert Structure.objects.count() == 0


def test_commit_builds_structures_with_contacts_and_hours():
    assert imported() == {"create": 6, "update": 0, "unchanged": 0}
    orleans = Structure.objects.get(annuaire_id=ORLEANS_ID)
    assert (orleans.identifier, orleans.kind, orleans.department) == (
        "21450234500017",
        "commune",
        "45",
    )
    assert orleans.weekly_hours[0] == [("08:30", "12:00"), ("13:30", "17:30")]
    assert orleans.annuaire_modified.year == 2025
    phone = orleans.contact_points.get(channel="phone")
    assert (phone.value, phone.label) == ("02 38 79 22 22", "Standard")
    assert {c.channel for c in orleans.contact_points.all()} == {
        "phone",
        "email",
        "website",
        "social",
        "visit",
        "mail",
    }
    saint_martin = Structure.objects.get(annuaire_id=SAINT_MARTIN_ID)
    assert (saint_martin.identifier, saint_martin.kind) == ("97801", "commune")
    assert saint_martin.department == "978"
    noumea = Structure.objects.get(annuaire_id=NOUMEA_ID)
    assert noumea.department == "988"
    assert Structure.objects.get(annuaire_id=CCAS_ID).kind == "social"
    assert Structure.objects.get(annuaire_id=FRANCE_SERVICES_ID).kind == "france_services"
    assert not Structure.objects.filter(annuaire_id__in=[CAF_ID, ANNEXE_ID, HIDDEN_ID]).exists()


def test_personal_data_never_reaches_the_registry():
    imported()
    stored = [str(v) for s in Structure.objects.values() for v in s.values()]
    stored += [c.value + c.label for c in ContactPoint.objects.all()]
    assert not [text for text in stored if PERSON in text]


def test_reimport_changes_nothing_and_never_duplicates():
    imported()
    again = plan()
    assert (again.count_create, again.count_update, again.count_unchanged) == (0, 0, 6)
    imported(bulk_bytes())
    assert Structure.objects.count() == 6


def test_reimport_updates_by_annuaire_id_even_when_the_siret_changes():
    imported()
    changed = records(
        {
            ORLEANS_ID: {
                "nom": "Mairie d'Orléans",
                "siret": "21450302000015",
                "telephone": [{"valeur": "02 38 00 00 00", "description": "Accueil"}],
            }
        }
    )
    checked = plan(api_bytes(changed))
    assert checked.count_update == 1
    item = next(i for i in checked.items if i.fields["annuaire_id"] == ORLEANS_ID)
    assert any("celui du registre est gardé" in note for note in item.notes)
    apply_import(checked)
    orleans = Structure.objects.get(annuaire_id=ORLEANS_ID)
    # The registry's name is the operators': the Annuaire's new name is said, not taken.
    assert (orleans.name, orleans.identifier) == ("Mairie - Orléans", "21450234500017")
    assert any("l'Annuaire la nomme « Mairie d'Orléans »" in note for note in item.notes)
    assert [c.value for c in orleans.contact_points_for("phone")] == ["02 38 00 00 00"]
    assert Structure.objects.count() == 6


def test_a_structure_of_the_registry_is_adopted_by_its_identifier(structure_a, structure_b):
    # structure_a is the Préfecture du Loiret, entered by hand with the record's SIRET.
    structure_a.parent = structure_b
    structure_a.save()
    ContactPoint.objects.create(structure=structure_a, channel="website", value="https://x.fr")
    checked = plan()
    item = next(i for i in checked.items if i.fields["annuaire_id"] == PREFECTURE_ID)
    assert item.action == "update"
    assert any("reconnue par son identifiant" in note for note in item.notes)
    apply_import(checked)
    structure_a.refresh_from_db()
    assert structure_a.annuaire_id == PREFECTURE_ID
    assert structure_a.parent == structure_b  # the Annuaire says nothing of attachments
    # A channel the record does not give is left as it was.
    assert [c.value for c in structure_a.contact_points_for("website")] == ["https://x.fr"]
    phone = structure_a.contact_points.get(channel="phone")
    assert phone.value == "02 38 81 40 00"


def test_a_mairie_adopts_the_commune_of_its_insee_code():
    commune = Structure.objects.create(
        name="Ville d'Orléans", identifier="45234", kind="commune", department="45"
    )
    imported()
    commune.refresh_from_db()
    assert commune.annuaire_id == ORLEANS_ID
    assert Structure.objects.filter(kind="commune", department="45").count() == 1


def test_an_identifier_tied_to_another_record_is_skipped_with_its_reason():
    imported()
    changes = {PREFECTURE_ID: {"id": "ffffffff-0000-0000-0000-000000000000"}}
    checked = plan(api_bytes(records(changes)))
    reasons = [s.reason for s in checked.skipped]
    assert any("tirée d'une autre fiche de l'Annuaire" in r for r in reasons)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"types": ["mairie"]}, {ORLEANS_ID, SAINT_MARTIN_ID, NOUMEA_ID}),
        ({"types": ["cg"]}, {SAINT_MARTIN_ID}),
        ({"department": "988"}, {NOUMEA_ID}),
        ({"types": ["ccas", "prefecture"], "department": "45"}, {CCAS_ID, PREFECTURE_ID}),
    ],
)
def test_filters_by_type_and_territory(filters, expected):
    checked = plan(**filters)
    assert {i.fields["annuaire_id"] for i in checked.items} == expected
    assert checked.filtered_out > 0


def test_the_type_asked_decides_the_kind_of_a_several_pivots_record():
    checked = plan(types=["cg"])
    assert checked.items[0].fields["kind"] == "department"


def test_one_bad_record_refuses_the_whole_file():
    items = records()
    items[2]["nom"] = ""
    checked = plan(api_bytes(items))
    assert [str(p) for p in checked.problems] == ["Ligne 3, colonne « nom » : fiche sans nom"]
    with pytest.raises(ImportRefused):
        apply_import(checked)
    assert Structure.objects.count() == 0


def test_a_same_name_in_the_registry_leaves_out_that_record_only():
    Structure.objects.create(
        name="Mairie - Orleans",
        identifier="45235",
        kind="commune",
        department="45",
        annuaire_id="11111111-1111-1111-1111-111111111111",
    )
    checked = plan()
    assert checked.problems == []
    skipped = {s.number: s.reason for s in checked.skipped}
    assert "existe déjà pour ce territoire sous le nom « Mairie - Orleans »" in skipped[1]
    assert checked.count_create == 5


def test_a_file_without_anything_to_import_says_so():
    checked = plan(department="2A")
    assert "aucune fiche à importer" in str(checked.problems[0])
