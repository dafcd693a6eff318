import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from barometre.engine import after, department_in_sentence, elides, sentence_name


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Abbeville", "d'Abbeville"),
        ("Orléans", "d'Orléans"),
        ("Yssingeaux", "d'Yssingeaux"),
        ("Évreux", "d'Évreux"),
        ("Haguenau", "de Haguenau"),
        ("Saumur", "de Saumur"),
        ("Le Mans", "du Mans"),
        ("Le Puy-en-Velay", "du Puy-en-Velay"),
        ("Les Sables-d'Olonne", "des Sables-d'Olonne"),
        ("La Rochelle", "de La Rochelle"),
        ("le Loiret", "du Loiret"),
        ("la Mayenne", "de la Mayenne"),
        ("l'Ain", "de l'Ain"),
        ("les Landes", "des Landes"),
        ("Loir-et-Cher", "de Loir-et-Cher"),
    ],
)
def test_de_elides_before_a_vowel_and_contracts_with_le_and_les(phrase, expected):
    assert after("de", phrase) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("la Préfecture du Loiret", "à la Préfecture du Loiret"),
        ("le CCAS de Saumur", "au CCAS de Saumur"),
        ("les Services de l'État", "aux Services de l'État"),
        ("l'Office de tourisme", "à l'Office de tourisme"),
        ("Orléans", "à Orléans"),
        ("Le Havre", "au Havre"),
    ],
)
def test_a_contracts_with_le_and_les(phrase, expected):
    assert after("à", phrase) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Préfecture du Loiret", "la Préfecture du Loiret"),
        ("Sous-préfecture de Montargis", "la Sous-préfecture de Montargis"),
        ("Département de la Mayenne", "le Département de la Mayenne"),
        ("CCAS d'Orléans", "le CCAS d'Orléans"),
        ("Office de tourisme de Dax", "l'Office de tourisme de Dax"),
        ("Hôpital local de Condom", "l'Hôpital local de Condom"),
        ("Ville d'Abbeville", "la Ville d'Abbeville"),
        ("Communauté d'agglomération d'Yssingeaux", "la Communauté d'agglomération d'Yssingeaux"),
        ("Grand Besançon Métropole", "Grand Besançon Métropole"),
        ("SICOVAL, communauté d'agglomération", "SICOVAL, communauté d'agglomération"),
        ("France Services de Viverols", "France Services de Viverols"),
        ("  Ville   de Metz ", "la Ville de Metz"),
    ],
)
def test_sentence_name_gives_the_article_of_the_first_word(name, expected):
    assert sentence_name(name) == expected


def test_a_name_in_a_sentence_composes_with_both_prepositions():
    assert after("à", sentence_name("Préfecture du Loiret")) == "à la Préfecture du Loiret"
    assert after("de", sentence_name("CCAS de Saumur")) == "du CCAS de Saumur"
    assert after("de", sentence_name("Grand Besançon Métropole")) == "de Grand Besançon Métropole"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Ain", True),
        ("hôtel", True),
        ("Hérault", True),
        ("Haute-Loire", False),
        ("Yonne", False),
        ("Ytrac", True),
        ("", False),
        ("Metz", False),
    ],
)
def test_elision(word, expected):
    assert elides(word) is expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("45", "le Loiret"),
        ("53", "la Mayenne"),
        ("01", "l'Ain"),
        ("40", "les Landes"),
        ("41", "Loir-et-Cher"),
        ("34", "l'Hérault"),
        ("89", "l'Yonne"),
        ("974", "La Réunion"),
        ("75", "Paris"),
        ("999", "999"),
    ],
)
def test_departement_names_in_a_sentence(code, expected):
    assert department_in_sentence(code) == expected


def test_an_unknown_preposition_is_refused():
    with pytest.raises(ValueError, match="préposition"):
        after("pour", "Metz")  # type: ignore[arg-type]


@given(st.text(alphabet=st.characters(categories=["L"], include_characters=" -'"), min_size=1))
def test_the_name_itself_is_never_altered(name):
    name = " ".join(name.split())
    assume(name)
    in_sentence = sentence_name(name)
    assert in_sentence.endswith(name)
    tail = name.split(" ", 1)[-1]  # "Le Mans" after "de" is "du Mans"
    assert after("de", in_sentence).endswith(tail)
    assert after("à", in_sentence).endswith(tail)


def test_overseas_collectivities_are_territories_of_their_insee_codes():
    from barometre.engine import department_in_sentence, department_of_commune, normalize_department

    assert normalize_department("988") == "988"
    assert department_of_commune("98818") == "988"
    assert department_of_commune("97502") == "975"
    assert department_of_commune("2A004") == "2A"
    assert department_of_commune("45234") == "45"
    assert department_of_commune("98099") is None  # Monaco's code is no territory here
    assert department_in_sentence("988") == "la Nouvelle-Calédonie"
    assert department_in_sentence("977") == "Saint-Barthélemy"
