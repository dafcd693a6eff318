import pytest

from barometre.engine.matching import fold_name, name_similarity, same_commune


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("Mairie - Orléans", "Ville d'Orléans"),
        ("Centre communal d'action sociale (CCAS) - Orléans", "CCAS d'Orléans"),
        ("France services - Montargis", "France Services de Montargis"),
        ("Maison France Services de Viverols", "France Services - Viverols"),
    ],
)
def test_names_of_the_same_office_are_alike(name, other):
    assert name_similarity(name, other) == 100


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("Caisse d'allocations familiales (Caf) du Loiret", "CCAS d'Orléans"),
        ("France services - Montargis", "France Services de Pithiviers"),
        ("Mission locale de Montargis", "France Services de Montargis"),
    ],
)
def test_names_of_other_offices_are_not(name, other):
    assert name_similarity(name, other) < 85


def test_a_folded_name_writes_each_kind_of_office_one_way():
    assert fold_name("Hôtel de Ville de Saint-Étienne") == "commune saint etienne"


def test_a_cedex_is_the_same_commune_and_an_empty_one_is_none():
    assert same_commune("Orléans Cedex 1", "ORLEANS")
    assert not same_commune("Orléans", "Olivet")
    assert not same_commune("", "")
