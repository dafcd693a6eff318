"""A structure's name inside a composed sentence takes its article: « Votre avis sur
l'accueil de la Préfecture du Loiret », never « de Préfecture du Loiret ». The article is
derived from the name's first word (``engine.sentence_name``) and can be set per structure
(``Structure.name_in_sentence``, its form and the registry's ``nom_dans_une_phrase``)."""

import pytest

from barometre.demo.data import STRUCTURES, national_registry
from barometre.structures.models import Structure

# Every hand-written structure of the demo, after « de ».
DEMO_OF_NAMES = {
    "Préfecture du Loiret": "de la Préfecture du Loiret",
    "Sous-préfecture de Montargis": "de la Sous-préfecture de Montargis",
    "Sous-préfecture de Pithiviers": "de la Sous-préfecture de Pithiviers",
    "Département de Loir-et-Cher": "du Département de Loir-et-Cher",
    "Département de la Mayenne": "du Département de la Mayenne",
    "Département de la Haute-Garonne": "du Département de la Haute-Garonne",
    "Région Grand Est": "de la Région Grand Est",
    "Région Hauts-de-France": "de la Région Hauts-de-France",
    "Région Occitanie": "de la Région Occitanie",
    "Ville de Strasbourg": "de la Ville de Strasbourg",
    "Ville de Villeurbanne": "de la Ville de Villeurbanne",
    "Ville de Metz": "de la Ville de Metz",
    "Ville de Bourg-en-Bresse": "de la Ville de Bourg-en-Bresse",
    "Ville des Sables-d'Olonne": "de la Ville des Sables-d'Olonne",
    "Ville de Guérande": "de la Ville de Guérande",
    "Ville de Pagny-sur-Moselle": "de la Ville de Pagny-sur-Moselle",
    "Ville de Saint-Denis": "de la Ville de Saint-Denis",
    "Ville de Fort-de-France": "de la Ville de Fort-de-France",
    "SICOVAL, communauté d'agglomération du sud-est toulousain": (
        "de SICOVAL, communauté d'agglomération du sud-est toulousain"
    ),
    "CapAtlantique La Baule-Guérande Agglo": "de CapAtlantique La Baule-Guérande Agglo",
    "Grand Besançon Métropole": "de Grand Besançon Métropole",
    "France Services de Viverols": "de France Services de Viverols",
    "France Services de Pithiviers": "de France Services de Pithiviers",
    "CCAS de Saumur": "du CCAS de Saumur",
    "Maison départementale des solidarités des Graves": (
        "de la Maison départementale des solidarités des Graves"
    ),
    "Centre hospitalier de Blois": "du Centre hospitalier de Blois",
    "Office de tourisme et de thermalisme du Grand Dax": (
        "de l'Office de tourisme et de thermalisme du Grand Dax"
    ),
    "Maison de ma Région de Montauban": "de la Maison de ma Région de Montauban",
    "Médiathèque de Guérande": "de la Médiathèque de Guérande",
    "Direction départementale des territoires du Loiret": (
        "de la Direction départementale des territoires du Loiret"
    ),
    "CCI du Loiret": "de la CCI du Loiret",
}


def test_every_hand_written_demo_structure_is_listed():
    assert {name for name, *_ in STRUCTURES} == set(DEMO_OF_NAMES)


@pytest.mark.parametrize(("name", "expected"), sorted(DEMO_OF_NAMES.items()))
def test_the_demo_names_take_their_article_after_de(name, expected):
    assert Structure(name=name).of_name == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ville d'Orléans", "de la Ville d'Orléans"),
        ("Hôtel de région", "de l'Hôtel de région"),
        (
            "Centre communal d'action sociale de Blois",
            "du Centre communal d'action sociale de Blois",
        ),
    ],
)
def test_names_of_the_brief_take_their_article(name, expected):
    assert Structure(name=name).of_name == expected


def test_every_generated_demo_name_starts_with_a_word_whose_article_is_known():
    """The ~290 generated structures: each kind's names begin with a word of the table
    (or are proper names, kept without article)."""
    expected_start = {
        "commune": "de la Ville ",
        "department": "du Département ",
        "region": "de la Région ",
        "intercommunality": "de la Communauté d'agglomération ",
        "france_services": "de France Services ",
        "social": "du CCAS ",
        "hospital": "du Centre hospitalier ",
        "economic": "de l'Office de tourisme ",
        "state": "de la Préfecture ",
    }
    for name, _, kind, *_ in national_registry():
        assert Structure(name=name).of_name.startswith(expected_start[kind]), name


def test_a_structure_may_set_its_own_form():
    """A name whose first word is not in the table is given its form in a sentence by
    hand; « de » and « à » follow it."""
    name = "Grand Paris Sud"
    assert Structure(name=name).of_name == "de Grand Paris Sud"
    structure = Structure(name=name, name_in_sentence="le Grand Paris Sud")
    assert structure.of_name == "du Grand Paris Sud"
    assert structure.to_name == "au Grand Paris Sud"
