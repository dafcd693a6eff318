"""How much two names of public offices look alike, and whether two addresses are in the
same commune: what the Annuaire import uses to find a structure entered by hand
(« Ville d'Orléans ») behind a record of the Annuaire (« Mairie - Orléans »).

Names are compared once folded (no accents, no case, no punctuation), without the small
words (« de », « la »…), and with the words that name the same kind of office written
one way (« mairie », « ville », « hôtel de ville » → « commune »; « centre communal
d'action sociale » → « ccas »). The score is RapidFuzz's ``token_set_ratio`` (0 to 100):
words in any order, and a name whose words are all in the other (« CCAS d'Orléans » in
« Centre communal d'action sociale (CCAS) - Orléans ») scores 100. It only proposes:
the operator confirms or rejects each match.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

__all__ = ["fold_name", "name_similarity", "same_commune"]

_SMALL_WORDS = frozenset(
    ["a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "sur"]
)
# Longest first: each is replaced in the folded name before the words are split.
_SAME_OFFICE = (
    ("centre communal d action sociale", "ccas"),
    ("centre intercommunal d action sociale", "cias"),
    ("maison france services", "france services"),
    ("espace france services", "france services"),
    ("hotel de ville", "commune"),
    ("mairie", "commune"),
    ("ville", "commune"),
    ("conseil departemental", "departement"),
    ("conseil regional", "region"),
)
_CEDEX = re.compile(r"\b(cedex|cs|bp)\b.*$")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def fold_name(name: str) -> str:
    """A name as it is compared: folded, one spelling per kind of office, no small words."""
    text = f" {_fold(name)} "
    for words, same in _SAME_OFFICE:
        text = text.replace(f" {words} ", f" {same} ")
    return " ".join(word for word in text.split() if word not in _SMALL_WORDS)


def name_similarity(name: str, other: str) -> int:
    """From 0 (nothing alike) to 100 (the same words, or one name's words all in the
    other's)."""
    return round(fuzz.token_set_ratio(fold_name(name), fold_name(other)))


def same_commune(city: str, other: str) -> bool:
    """Whether two commune names of addresses are the same commune (« Orléans Cedex 1 »
    is Orléans; an empty name is no commune)."""
    first = _CEDEX.sub("", _fold(city)).strip()
    second = _CEDEX.sub("", _fold(other)).strip()
    return bool(first) and first == second
