"""French articles and elision for names used inside a sentence.

"Ville de Abbeville" should read "Ville d'Abbeville", "transmis à Préfecture du Loiret"
should read "transmis à la Préfecture du Loiret". Two steps:

- ``sentence_name(name)`` gives a structure's name as it stands in a sentence, with its
  article when its first word calls for one ("la Préfecture du Loiret", "le CCAS de
  Saumur", "l'Office de tourisme de Dax"; proper names such as "Grand Besançon Métropole"
  keep none). It is a default: a structure may store its own form.
- ``after(preposition, phrase)`` puts "de" or "à" before such a phrase, with elision and
  contraction: "de" + "Abbeville" → "d'Abbeville", "de" + "le Mans" → "du Mans",
  "à" + "les Sables-d'Olonne" → "aux Sables-d'Olonne", "à" + "la Préfecture" → "à la
  Préfecture".

A mute "h" elides ("l'Hôpital", "d'Hérault") but an aspirated one does not ("de
Haguenau", "la Haute-Garonne"): French spelling cannot tell them apart, so the words with
a mute h that names use are listed here; any other h is treated as aspirated.
"""

from __future__ import annotations

import unicodedata
from typing import Final, Literal

Preposition = Literal["de", "à"]

VOWELS: Final = frozenset("aeiouy")

# Words beginning with a mute h that occur in names of public bodies and places.
MUTE_H: Final = (
    "habitat",
    "handicap",
    "hébergement",
    "hérault",
    "héritage",
    "histoire",
    "hôpita",  # hôpital, hôpitaux
    "hospitali",  # hospitalier, hospitalière
    "hôtel",
    "huissier",
    "humanit",
)

_MUTE_H_PLAIN: Final = tuple(
    "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    for w in MUTE_H
)

# The article of a name, from its first word (lower case, without accents). Words not
# listed (proper names, acronyms such as "SICOVAL", "France Services") take none.
ARTICLES: Final[dict[str, str]] = {
    "academie": "l'",
    "agence": "l'",
    "caf": "la",
    "caisse": "la",
    "ccas": "le",
    "cci": "la",
    "centre": "le",
    "chambre": "la",
    "cias": "le",
    "commune": "la",
    "communaute": "la",
    "conseil": "le",
    "departement": "le",
    "direction": "la",
    "ecole": "l'",
    "ehpad": "l'",
    "etablissement": "l'",
    "hopital": "l'",
    "hotel": "l'",
    "maison": "la",
    "mairie": "la",
    "mediatheque": "la",
    "bibliotheque": "la",
    "metropole": "la",
    "musee": "le",
    "office": "l'",
    "pole": "le",
    "prefecture": "la",
    "region": "la",
    "service": "le",
    "services": "les",
    "sous-prefecture": "la",
    "syndicat": "le",
    "tribunal": "le",
    "ville": "la",
}


def plural(n: float | None, suffix: str = "s") -> str:
    """The French plural mark: none for 0 and 1 (« 0 ligne », « 1,5 point »), ``suffix``
    from 2 (« 2 lignes »)."""
    return suffix if n is not None and abs(n) >= 2 else ""


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def elides(word: str) -> bool:
    """Whether "de", "le", "la" lose their vowel before ``word``: a vowel, a mute h, or a
    "y" before a consonant ("d'Yssingeaux" but "de Yaoundé")."""
    plain = _plain(word)
    if not plain:
        return False
    if plain[0] == "y":
        return len(plain) > 1 and plain[1] not in VOWELS
    return plain[0] in VOWELS or plain.startswith(_MUTE_H_PLAIN)


def with_article(article: str, name: str) -> str:
    """``name`` after ``article`` ("le", "la", "les" or ""), "le"/"la" elided where due."""
    if article in {"le", "la"} and elides(name):
        return "l'" + name
    return f"{article} {name}" if article else name


def sentence_name(name: str) -> str:
    """The default form of a structure's name inside a sentence, article included."""
    name = " ".join(name.split())
    if not name:
        return name
    first = _plain(name.split(" ")[0].split("'")[0])
    article = ARTICLES.get(first, "")
    if article == "l'":
        return "l'" + name
    return with_article(article, name)


def after(preposition: Preposition, phrase: str) -> str:
    """``phrase`` after "de" or "à", with elision ("d'Abbeville") and contraction ("du
    Mans", "au CCAS", "aux Sables-d'Olonne"). A leading article may be capitalised, as
    in place names ("Le Mans", "La Rochelle"): "le" and "les" merge with the preposition,
    "La" and "L'" keep their capital ("de La Rochelle")."""
    phrase = " ".join(phrase.split())
    if preposition not in ("de", "à"):
        raise ValueError(f"préposition inconnue : {preposition!r}")
    head, _, rest = phrase.partition(" ")
    if head.lower() in {"le", "les"} and rest:
        merged = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
        return f"{merged[preposition, head.lower()]} {rest}"
    if preposition == "de" and elides(phrase):
        return "d'" + phrase
    return f"{preposition} {phrase}"
