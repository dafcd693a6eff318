"""Comment themes: deterministic groups of words over French comments."""

from barometre.engine import comment_themes
from barometre.engine.themes import french_stop_words

WAITING = [
    "L'attente au guichet est beaucoup trop longue",
    "Attente très longue au guichet",
    "Deux heures d'attente au guichet des titres",
    "Attente interminable, guichet fermé",
    "Trop d'attente au guichet ce matin",
]
SIGNAGE = [
    "Signalétique confuse, je me suis perdu dans les couloirs",
    "Impossible de trouver le bureau, signalétique absente",
    "Couloirs mal indiqués, signalétique à revoir",
    "Perdu dans les couloirs faute de signalétique",
]
KIND = [
    "Agents très aimables et souriants",
    "Accueil aimable, agents souriants",
    "Des agents aimables et patients, merci",
]


def test_comments_fall_into_their_themes_deterministically():
    texts = WAITING + SIGNAGE + KIND
    themes = comment_themes(texts, themes=3)
    assert themes == comment_themes(texts, themes=3)  # same input, same themes
    by_word = {t.words[0]: set(t.comments) for t in themes}
    assert len(themes) == 3
    groups = sorted(map(sorted, by_word.values()))
    assert groups == [list(range(0, 5)), list(range(5, 9)), list(range(9, 12))]
    assert any("attente" in t.words or "guichet" in t.words for t in themes)
    assert all(not set(t.words) & french_stop_words() for t in themes)


def test_too_few_comments_give_no_theme_and_masks_are_ignored():
    assert comment_themes(["Très bien"] * 3) == []
    masked = [f"Rappelez-moi au [téléphone masqué] pour le dossier {i}" for i in range(10)]
    themes = comment_themes(masked, themes=2)
    assert all("masqué" not in t.words and "téléphone" not in t.words for t in themes)


def test_a_themes_most_typical_comments_come_first():
    texts = WAITING + SIGNAGE + KIND
    for theme in comment_themes(texts, themes=3):
        first = texts[theme.comments[0]].lower()
        assert any(word in first for word in theme.words[:2]), (theme.words, first)
