"""The Annuaire import recognises structures entered by hand (issue 30, item 5): the
Loiret as the demo registry has it, with made-up SIRETs and no Annuaire id."""

import pytest

from barometre.structures.annuaire import decide_matches, plan_annuaire, plan_batch
from barometre.structures.importing import ImportRefused, apply_import
from barometre.structures.models import Structure, StructureImport

from .annuaire_files import (
    CCAS_ID,
    FRANCE_SERVICES_ID,
    ORLEANS_ID,
    PREFECTURE_ID,
    api_bytes,
    records,
)

MAX = 10 * 1024 * 1024
LIMITS = {"max_bytes": MAX}
pytestmark = pytest.mark.django_db


@pytest.fixture
def loiret():
    """The hand-entered structures of the demo for Orléans and Montargis."""
    rows = [
        ("Ville d'Orléans", "10786041169733", "commune", "Orléans"),
        ("CCAS d'Orléans", "83858456182063", "social", "Orléans"),
        ("Préfecture du Loiret", "82236297226020", "state", "Orléans"),
        ("France Services de Montargis", "13012163832520", "france_services", "Montargis"),
        ("Sous-préfecture de Montargis", "80490025113073", "state", "Montargis"),
        ("Caisse d'allocations familiales du Loiret", "53456789000014", "social", "Orléans"),
    ]
    return {
        name: Structure.objects.create(
            name=name, identifier=identifier, kind=kind, department="45", city=city
        )
        for name, identifier, kind, city in rows
    }


def plan(decisions=None, **filters):
    return plan_annuaire(
        api_bytes(), "annuaire.json", max_bytes=MAX, decisions=decisions, **filters
    )


def test_the_dry_run_shows_each_probable_match_and_waits_for_a_decision(loiret):
    checked = plan()
    matches = {m.record_id: m for m in checked.matches}
    assert set(matches) == {ORLEANS_ID, CCAS_ID, PREFECTURE_ID, FRANCE_SERVICES_ID}
    mairie = matches[ORLEANS_ID]
    assert (mairie.structure.name, mairie.reason) == (
        "Ville d'Orléans",
        "une seule mairie par commune",
    )
    ccas = matches[CCAS_ID]
    assert ccas.structure.name == "CCAS d'Orléans"
    assert (ccas.similarity, ccas.reason) == (100, "même type et même commune, noms semblables")
    assert matches[FRANCE_SERVICES_ID].structure.name == "France Services de Montargis"
    # The préfecture, same name and type: no longer a refusal of the whole file.
    assert checked.problems == []
    assert (checked.count_pending, checked.count_create) == (4, 2)
    assert not checked.ok
    with pytest.raises(ImportRefused):
        apply_import(checked)
    assert Structure.objects.count() == len(loiret)


def test_confirmed_matches_update_the_structures_entered_by_hand(loiret):
    decisions = dict.fromkeys([ORLEANS_ID, CCAS_ID, PREFECTURE_ID, FRANCE_SERVICES_ID], "confirm")
    checked = plan(decisions)
    assert checked.ok and checked.count_pending == 0
    assert apply_import(checked) == {"create": 2, "update": 4, "unchanged": 0}
    ville = Structure.objects.get(annuaire_id=ORLEANS_ID)
    assert ville == loiret["Ville d'Orléans"]
    assert (ville.name, ville.identifier, ville.kind) == (
        "Ville d'Orléans",
        "10786041169733",
        "commune",
    )
    assert [c.value for c in ville.contact_points_for("phone")] == ["02 38 79 22 22"]
    assert ville.weekly_hours[0] == [("08:30", "12:00"), ("13:30", "17:30")]
    assert Structure.objects.get(annuaire_id=CCAS_ID) == loiret["CCAS d'Orléans"]
    assert Structure.objects.filter(department="45", kind="social").count() == 2
    assert not Structure.objects.filter(name__startswith="Mairie - Orl").exists()
    # Imported again, the records are these structures by their Annuaire id.
    again = plan()
    assert again.matches == [] and again.count_unchanged == 6


def test_a_rejected_match_creates_a_new_structure(loiret):
    decisions = dict.fromkeys([ORLEANS_ID, PREFECTURE_ID, FRANCE_SERVICES_ID], "confirm")
    checked = plan(decisions | {CCAS_ID: "reject"})
    item = next(i for i in checked.items if i.fields["annuaire_id"] == CCAS_ID)
    assert (item.action, item.identifier) == ("create", "26450234500012")
    assert any("refusé : nouvelle structure" in note for note in item.notes)
    apply_import(checked)
    assert Structure.objects.filter(department="45", kind="social").count() == 3


def test_a_rejected_match_of_the_same_name_leaves_out_that_record_only(loiret):
    decisions = dict.fromkeys([ORLEANS_ID, CCAS_ID, FRANCE_SERVICES_ID], "confirm")
    checked = plan(decisions | {PREFECTURE_ID: "reject"})
    assert checked.ok
    skipped = {s.number: s.reason for s in checked.skipped}
    assert "existe déjà pour ce territoire sous le nom « Préfecture du Loiret »" in skipped[5]
    apply_import(checked)
    assert Structure.objects.filter(name="Préfecture du Loiret").count() == 1


def test_adding_a_type_does_not_refuse_the_file(loiret):
    # Before: the préfecture of the same name under another SIRET refused everything.
    assert plan(types=["mairie"]).problems == []
    both = plan(types=["mairie", "prefecture", "ccas", "france_services"], department="45")
    assert both.problems == []
    assert len(both.matches) == 4


def test_a_record_in_another_commune_or_of_another_type_is_no_match(loiret):
    changes = {
        CCAS_ID: {"nom": "Centre communal d'action sociale (CCAS) - Olivet"},
        FRANCE_SERVICES_ID: {"pivot": [{"type_service_local": "cpam"}]},
    }
    changed = records(changes)
    changed[2]["adresse"][0]["nom_commune"] = "Olivet"
    checked = plan_annuaire(api_bytes(changed), "a.json", max_bytes=MAX)
    assert {m.record_id for m in checked.matches} == {ORLEANS_ID, PREFECTURE_ID}


def test_a_council_matches_the_one_of_its_departement():
    council = Structure.objects.create(
        name="Département du Loiret",
        identifier="20171845927388",
        kind="department",
        department="45",
    )
    changed = records({PREFECTURE_ID: {"nom": "Conseil départemental du Loiret"}})
    changed[4]["pivot"] = [{"type_service_local": "cg", "code_insee_commune": ["45234"]}]
    checked = plan_annuaire(api_bytes(changed), "a.json", max_bytes=MAX)
    match = next(m for m in checked.matches if m.record_id == PREFECTURE_ID)
    assert (match.structure, match.reason) == (council, "un seul de ce type par département")


def test_decisions_are_kept_with_the_stored_import_and_applied_at_commit(loiret, operator):
    batch = StructureImport.objects.create(
        file_name="annuaire.json",
        content=api_bytes(),
        source=StructureImport.Source.ANNUAIRE,
        options={"types": [], "department": None},
        uploaded_by=operator,
    )
    undecided = decide_matches(batch, {ORLEANS_ID: "confirm", CCAS_ID: "maybe"}, LIMITS)
    assert {m.record_id for m in undecided} == {CCAS_ID, PREFECTURE_ID, FRANCE_SERVICES_ID}
    answers = {CCAS_ID: "reject", PREFECTURE_ID: "confirm", FRANCE_SERVICES_ID: "confirm"}
    assert decide_matches(batch, answers, LIMITS) == []
    batch.refresh_from_db()
    assert batch.options["decisions"] == {ORLEANS_ID: "confirm", **answers}
    assert plan_batch(batch, LIMITS).ok
