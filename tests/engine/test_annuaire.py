import datetime as dt
import json

import pytest

from barometre.engine.annuaire import choose_type, read_annuaire
from barometre.engine.tables import TableError
from tests.structures.annuaire_files import (
    CCAS_ID,
    FRANCE_SERVICES_ID,
    ORLEANS_ID,
    PERSON,
    SAINT_MARTIN_ID,
    api_bytes,
    bulk_bytes,
    export_bytes,
    records,
)

LIMIT = 10 * 1024 * 1024


def by_id(content: bytes) -> dict:
    return {r.id: r for r in read_annuaire(content, max_bytes=LIMIT).records}


def test_the_three_shapes_read_the_same_records():
    api, export, bulk = by_id(api_bytes()), by_id(export_bytes()), by_id(bulk_bytes())
    assert api == export == bulk
    assert len(api) == 9
    assert read_annuaire(api_bytes(), max_bytes=LIMIT).shape == "api"
    assert read_annuaire(bulk_bytes(), max_bytes=LIMIT).shape == "bulk"


def test_a_record_gives_contacts_per_channel_hours_and_date():
    orleans = by_id(api_bytes())[ORLEANS_ID]
    assert (orleans.department, orleans.city, orleans.postal_code) == ("45", "Orléans", "45000")
    channels = {(c.channel, c.value, c.label) for c in orleans.contacts}
    assert ("phone", "02 38 79 22 22", "Standard") in channels
    assert ("mail", "CS 95440, 45040 Orléans Cedex 1", "") in channels
    assert ("visit", "1 place de l'Étape, 45000 Orléans", "") in channels
    assert ("social", "https://facebook.com/orleans", "Facebook") in channels
    assert orleans.hours[0] == [("08:30", "12:00"), ("13:30", "17:30")]
    assert orleans.hours[5] == [("09:00", "12:00")]
    assert 6 not in orleans.hours
    assert orleans.modified == dt.datetime(2025, 3, 12, 10, 15)


def test_personal_data_is_never_read():
    record = by_id(api_bytes())[ORLEANS_ID]
    assert PERSON not in repr(record)


def test_several_pivots_take_the_most_specific_type():
    record = by_id(bulk_bytes())[SAINT_MARTIN_ID]
    assert record.service_type == "mairie"
    assert record.department == "978"
    assert "plusieurs types (cg, mairie) : « mairie » retenu" in record.notes
    assert choose_type(["cg", "mairie"], {"cg"}) == "cg"
    assert choose_type(["inconnu", "autre"]) == "inconnu"


def test_website_rules_are_said():
    records_ = by_id(api_bytes())
    saint_martin = [c.value for c in records_[SAINT_MARTIN_ID].contacts if c.channel == "website"]
    assert saint_martin == ["https://www.com-saint-martin.fr"]
    assert any("https:// ajouté" in note for note in records_[SAINT_MARTIN_ID].notes)
    assert any("http conservé" in note for note in records_[CCAS_ID].notes)
    assert any("pas de site internet" in note for note in records_[FRANCE_SERVICES_ID].notes)


def test_pivot_codes_other_than_the_record_are_said():
    record = by_id(api_bytes())[FRANCE_SERVICES_ID]
    assert record.insee == "45208"
    assert any("2 autres communes (45011, 45302)" in note for note in record.notes)


def test_a_record_without_insee_code_takes_its_pivot_one():
    changes = {CCAS_ID: {"code_insee_commune": None}}
    record = by_id(bulk_bytes(records(changes)))[CCAS_ID]
    assert record.insee == "45234"
    assert any("celui du pivot" in note for note in record.notes)


@pytest.mark.parametrize("code", [45234, 45234.0, "45234", ["45234"], [45234]])
def test_a_pivot_code_may_be_a_number_or_a_text(code):
    items = json.loads(bulk_bytes(records({CCAS_ID: {"code_insee_commune": None}})))
    for item in items["service"]:
        if item["id"] == CCAS_ID:
            item["pivot"][0]["code_insee_commune"] = code
    annuaire = read_annuaire(json.dumps(items).encode(), max_bytes=LIMIT)
    assert annuaire.problems == []
    assert {r.id: r for r in annuaire.records}[CCAS_ID].insee == "45234"


def test_a_number_code_gets_back_its_zero_and_anything_else_is_named():
    items = json.loads(bulk_bytes(records({CCAS_ID: {"code_insee_commune": 1053}})))
    number = next(n for n, item in enumerate(items["service"], 1) if item["id"] == CCAS_ID)
    items["service"][number - 1]["pivot"][0]["code_insee_commune"] = {"code": "45234"}
    annuaire = read_annuaire(json.dumps(items).encode(), max_bytes=LIMIT)
    assert {r.id: r for r in annuaire.records}[CCAS_ID].insee == "01053"
    assert [(p.row, p.column, p.value, p.message) for p in annuaire.problems] == [
        (
            number,
            "pivot.code_insee_commune",
            "{'code': '45234'}",
            "code INSEE attendu (texte ou nombre)",
        )
    ]


def test_a_name_on_two_lines_is_put_on_one():
    items = json.loads(bulk_bytes(records({CCAS_ID: {"nom": "CCAS\r\n  d'Orléans"}})))
    record = by_id(json.dumps(items).encode())[CCAS_ID]
    assert record.name == "CCAS d'Orléans"
    assert "retour à la ligne dans le nom remplacé par une espace" in record.notes


def test_unreadable_nested_json_names_the_record_and_field():
    items = json.loads(api_bytes())
    items["results"][2]["telephone"] = "[{pas du json"
    annuaire = read_annuaire(json.dumps(items).encode(), max_bytes=LIMIT)
    assert [(p.row, p.column) for p in annuaire.problems] == [(3, "telephone")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vide"),
        (b"not json", "pas un fichier JSON"),
        (b'{"autre": 1}', "ni liste de fiches"),
        (b"[" * 100_000 + b"]" * 100_000, "pas un fichier JSON"),
    ],
)
def test_files_that_are_no_annuaire_are_refused(content, message):
    with pytest.raises(TableError, match=message):
        read_annuaire(content, max_bytes=LIMIT)


def test_limits_of_size_and_records():
    with pytest.raises(TableError, match="au plus"):
        read_annuaire(api_bytes(), max_bytes=100)
    with pytest.raises(TableError, match="9 fiches, 5 au plus"):
        read_annuaire(api_bytes(), max_bytes=LIMIT, max_records=5)


def test_an_iso_modification_date_is_read_in_paris_time():
    record = by_id(api_bytes())[SAINT_MARTIN_ID]  # 2025-04-01T09:00:00+00:00
    assert record.modified == dt.datetime(2025, 4, 1, 11, 0)
