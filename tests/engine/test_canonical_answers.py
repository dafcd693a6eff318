"""The canonical stored form of an answer, as the engine's parser reads it: one spelling
per answer whatever road it took (form, API, audit file, demo)."""

import polars as pl
import pytest

from barometre.engine import canonical_answers, prerequisite_failed, shipped_grid

GRID = shipped_grid()


def _canonical(pairs):
    n = len(pairs)
    frame = pl.DataFrame(
        {
            "structure": ["s"] * n,
            "channel": [GRID.criteria_by_id[c].channel for c, _ in pairs],
            "audit": [f"a{i}" for i in range(n)],  # one audit per row: no duplicates
            "criterion": [c for c, _ in pairs],
            "value": [v for _, v in pairs],
        }
    )
    return canonical_answers(GRID, frame)


@pytest.mark.parametrize(
    ("criterion", "given", "stored"),
    [
        ("phone.answered", "NON", "non"),
        ("phone.answered", " Oui ", "oui"),
        ("phone.answered", "no", "non"),
        ("phone.answered", "1", "oui"),
        ("phone.ivr_clear", "N/A", "sans objet"),
        ("phone.ivr_clear", "SO", "sans objet"),
        ("phone.courtesy", "GOOD", "good"),
        ("phone.rings", "3.0", "3"),
        ("phone.rings", "2.5", "2,5"),
        ("phone.rings", "1 000", "1000"),
        ("phone.wait_seconds", "45,50", "45,5"),
        ("reviews.answer_rate", "0.53", "53 %"),
        ("reviews.answer_rate", "12,3 %", "12,3 %"),
        ("reviews.answer_rate", "80%", "80 %"),
        ("phone.observations", "  Accueil souriant.  ", "Accueil souriant."),
    ],
)
def test_each_answer_has_one_stored_form(criterion, given, stored):
    parsed = _canonical([(criterion, given)])
    assert parsed.problems == []
    assert parsed.values == {2: stored}
    # The stored form reads back as itself.
    assert _canonical([(criterion, stored)]).values == {2: stored}


@pytest.mark.parametrize(
    ("criterion", "given", "message"),
    [
        ("phone.answered", "peut-être", "oui, non ou sans objet attendu"),
        ("phone.answered", "so", "« sans objet » n'est pas permis pour ce critère"),
        ("phone.courtesy", "bof", "niveau inconnu ; niveaux possibles : very_good, good"),
        ("phone.rings", "-1", "une valeur négative n'a pas de sens ici"),
        ("phone.rings", "inf", "nombre attendu (virgule décimale acceptée)"),
        ("phone.rings", "nan", "nombre attendu (virgule décimale acceptée)"),
        ("reviews.answer_rate", "150 %", "une part s'écrit entre 0 et 1"),
    ],
)
def test_what_the_engine_cannot_read_is_refused_and_not_stored(criterion, given, message):
    parsed = _canonical([(criterion, given)])
    assert parsed.values == {}
    assert [p.row for p in parsed.problems] == [2]
    assert parsed.problems[0].message.startswith(message)


def test_blank_answers_are_left_out():
    assert _canonical([("phone.answered", "  "), ("phone.observations", "")]).values == {}


def test_a_prerequisite_fails_on_an_answer_worth_no_point():
    answered = GRID.criteria_by_id["phone.answered"]
    quality = GRID.criteria_by_id["email.answer_quality"]
    assert prerequisite_failed(answered, "non") and prerequisite_failed(answered, "NON")
    assert not prerequisite_failed(answered, "oui")
    assert not prerequisite_failed(answered, None)
    assert prerequisite_failed(quality, "wrong") and not prerequisite_failed(quality, "partial")
