"""Person names in French free text: a named-entity recogniser (Presidio over spaCy's small
French model, ``fr_core_news_sm``) beside the rules of ``privacy`` (e-mail addresses, phone
numbers, street addresses, a name after a civility), so that « … Rappelez-moi. Jeanne
Martin » or « Signé : Paul DUPONT » is masked too.

French only and offline: the model is an installed package, loaded once per process on the
first text (5 s or more and about 270 MB with its libraries, docs/operations.md), never
downloaded. Place and structure
names stay: « Mairie d'Orléans », « rue Jeanne d'Arc », « lycée Jean Moulin ».

Beside the model, INSEE's lists of French first names and surnames (``gazetteer``) find what
the small model misses: a first name alone (« accueil ok, Juliette sympa », « Merci.
Aurore »), a name in lower case (« rdv avec marc hamon »), initials (« N. Dos Santos »).

Measured on the corpus of tests/data/privacy (``make bench-privacy``)."""

from __future__ import annotations

import functools
import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

from barometre.engine.errors import EngineError
from barometre.engine.gazetteer import (
    first_names,
    fold,
    is_first_name,
    is_frequent_first_name,
    is_surname,
    surnames,
)
from barometre.engine.privacy import (
    _ADDRESS,
    _EMAIL,
    _PHONE,
    ADDRESS_MASK,
    EMAIL_MASK,
    NAME_MASK,
    PHONE_MASK,
)

MODEL = "fr_core_news_sm"
PERSON, EMAIL, PHONE, ADDRESS = "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS"
MASKS = {PERSON: NAME_MASK, EMAIL: EMAIL_MASK, PHONE: PHONE_MASK, ADDRESS: ADDRESS_MASK}
# A name found by a rule wins over what the model says of the same words (its score: 0.85).
RULE_SCORE = 1.0

_UPPER = "A-ZÀ-ÖØ-Ý"
_NAME_WORD = rf"[{_UPPER}][\w'’-]*"
_PARTICLE = r"(?:de|du|des|le|la|van|von|ben|el|da|dos)[ \t]+"
_NAME = rf"{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE})?{_NAME_WORD}){{0,3}}"
# A signature: a name closing the text, after a sentence or a closing formula.
_CLOSING = (
    r"(?i:sign[ée]e?s?|cordialement|bien\s+cordialement|bien\s+à\s+vous|salutations"
    r"|merci(?:\s+d'avance)?|bonne\s+journée|contact)[ \t]*[,:]?"
    r"|(?<!\S)[—–-]"
)
# A single word closing a sentence is a name only after a formula (« Parfait. » is not).
_FULL_NAME = rf"{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE})?{_NAME_WORD}){{1,3}}"
_SIGNATURE = re.compile(
    rf"(?:{_CLOSING})\s*(?P<name>{_NAME})[ \t]*[.!]?\s*$"
    rf"|(?:^|[.!?…,])\s*(?P<full>{_FULL_NAME})[ \t]*[.!]?\s*$"
)
# A line that is only a name, as at the head or foot of a letter.
_NAME_LINE = re.compile(rf"^[ \t]*(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,3}})[ \t]*$", re.M)
# Two or three capitalised words inside a sentence: « car Hortense Lacombe du service ».
_NAME_PAIR = re.compile(
    rf"(?:(?<=[\w,;:)] )|(?<=[.!?] )|^|(?<=\n))(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,2}})"
)
# Words after which a capitalised word is a person: « merci à Kevin », « l'agent Didier ».
_PERSON_CONTEXT = re.compile(
    r"(?i:\b(?:merci(?:\s+à)?|bravo\s+à|remercie|l'agent|agent|agente|collègue|conseill[eè]re?"
    r"|directrice|directeur|assistante?\s+sociale?|par|à\s+l'attention\s+de|de\s+la\s+part\s+de"
    r"|signé|m'appelle|c'est|famille|mon\s+fils|ma\s+fille|voisine?|président|mr|mrs"
    r"|idée\s+de|suggestion\s+de|réclamation\s+de|plainte\s+de|transmise?\s+par|et"
    r"|sauf|en\s+particulier|notamment|surtout"
    r"|(?:parlé|demandé|écrit|expliqué|dit|téléphoné|adressée?)\s+à)"
    r"[ \t]*:?[ \t]+)"
    rf"(?P<name>{_NAME})"
)
# A capitalised word before « m'a », « nous a », « a été »: the subject of what a person did.
_PERSON_SUBJECT = re.compile(
    rf"(?<!['’])\b(?P<name>{_NAME_WORD})(?=[ \t]+(?:m'|nous[ \t]+a\b|vous[ \t]+a\b|a[ \t]+été\b))"
)
# Particles inside a name: « Van den Berghe », « Dos Santos », « ben Youssef », « de La Fontaine ».
_INNER_PARTICLE = (
    r"(?:(?:[Dd]e|[Dd]u|[Dd]es|[Ll]e|[Ll]a|[Vv]an|[Vv]on|[Dd]en|[Dd]er|[Tt]er|[Bb]en|[Bb]in|[Ee]l"
    r"|[Dd]a|[Dd]os|[Dd]i|[Dd]el|[Oo]uld)[ \t]+|[DdLl]['’])"
)
# A name does not run into a structure: « Mme Traoré de la Mairie d'Orléans ».
_STRUCTURE = (
    r"(?!(?i:mairie|préfecture|sous-préfecture|ccas|cpam|caf|conseil|tribunal|maison|france"
    r"|centre|ehpad|ddt|urssaf|pôle|service|agence|direction|métropole|communauté)\b)"
)
_PARTICLED_NAME = (
    rf"{_INNER_PARTICLE}*{_NAME_WORD}(?:[ \t]+{_INNER_PARTICLE}*{_STRUCTURE}{_NAME_WORD}){{0,2}}"
)
# A civility or a title, whatever its case, and the name after it: « mme guillou », « Le
# Docteur Le Goff », « Madame Van den Berghe ». « Madame la Directrice » is no name (below).
_TITLED = re.compile(
    r"(?<![\w.])(?i:m\.|(?:mme|mlle|mr|dr|pr)\.?|monsieur|madame|mademoiselle|docteure?"
    r"|professeure?|maître|me(?=[ \t]+[A-ZÀ-Ý]))[ \t]+"
    rf"(?P<name>{_PARTICLED_NAME}|[a-zà-ÿ][\w'’-]+(?:[ \t]+{_NAME_WORD})?)"
)
# Initials and a surname: « N. Dos Santos », « A.-S. de La Fontaine », « T. Nguyen ».
_INITIALS = re.compile(
    rf"(?<![\w.])(?P<name>(?!M\.[ \t])[{_UPPER}]\.(?:[ \t]?-?[{_UPPER}]\.)?[ \t]*{_PARTICLED_NAME})"
)
# A form's field or a role, then a name: « Nom : Lefort », « Agent concerné : Fabre »,
# « Mon interlocutrice, Lemoine, ».
_LABELLED = re.compile(
    r"(?i:\b(?:nom(?:[ \t]+de[ \t]+famille)?|prénom|interlocut(?:eur|rice)|agente?"
    r"|conseill[eè]re?|déclarant|déclarante|usager|usagère|demandeur|demandeuse|référente?"
    r"|signataire|contact)(?:[ \t]+(?:concernée?|de[ \t]+l'agent|d'accueil))?)"
    r"(?:[ \t]*:[ \t]*|,[ \t]+(?=[^,\n]+,))"
    rf"(?P<name>{_PARTICLED_NAME})"
)
# A word of a text, with its inner hyphens and apostrophes (« Jean-Pierre », « N'Diaye »).
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Lower-case particles a lower-case name may hold: « kevin le roux », « rachid ben youssef ».
_PARTICLES = frozenset(
    {
        "de",
        "du",
        "des",
        "le",
        "la",
        "van",
        "von",
        "den",
        "der",
        "ben",
        "bin",
        "el",
        "da",
        "dos",
        "di",
        "del",
        "ould",
    }
)
# Feasts that are also first names: « à Noël » is a date.
_FEASTS = frozenset({"noel", "toussaint", "pentecote", "ascension", "assomption"})
# A name after these words is that of a place or a structure, not of a person: « rue Jeanne
# d'Arc », « lycée Jean Moulin », « centre social Romain Rolland », « Saint-Denis ».
_PLACE_KINDS = (
    r"rue|avenue|av\.|boulevard|bd|place|quai|square|allée|impasse|chemin|route|cours"
    r"|pont|parc|jardin|stade|gymnase|piscine|salle|espace|centre|maison|foyer|crèche"
    r"|médiathèque|bibliothèque|école|collège|lycée|université|hôpital|clinique|ehpad|chu"
    r"|résidence|cité|quartier|faubourg|hôtel|théâtre|musée|halle|groupe\s+scolaire"
    r"|arr[êe]t|station|gare|(?:bus|tram|ligne|métro)(?:\s+\w+)?\s+direction|terminus"
    r"|aéroport|port|institut|complexe|pôle|bureau\s+de\s+poste|poste|antenne|mairie"
    r"|préfecture|sous-préfecture|commune|ville|village|ccas|cpam|caf"
    r"|cinéma|bâtiment|immeuble|usine|caserne|conservatoire|campus|iut|mjc|cimetière|église"
    r"|marché|parking|pavillon|amphithéâtre|auditorium|lotissement|hameau|zone"
)
# Words between the kind and the name: « centre hospitalier », « école primaire », « salle
# des fêtes », « arrêt de bus », « complexe sportif municipal ».
_PLACE_QUALIFIER = (
    r"(?:\s+(?:[a-zà-ÿ-]+(?:al|ale|aux|ier|ière|el|elle|if|ive|ique|aire|ipal|ipale)"
    r"|(?:de|des|du)\s+(?:fêtes|sports|loisirs|santé|quartier|jeunes|arts|bus|tram|métro|ville"
    r"|poste)"
    r"|annexe|primaire|maternelle|élémentaire|public|privé|publique|privée))"
)
_PLACE_BEFORE = re.compile(
    rf"(?i:\b(?:{_PLACE_KINDS}){_PLACE_QUALIFIER}{{0,2}}(?:\s+(?:de|du|des|la|le|les|l'|d'))*\s*)"
    # « rue Pierre et Marie Curie »: the name of the place goes on after « et ».
    rf"(?:{_NAME_WORD}(?:\s+{_NAME_WORD})*\s+et\s+)?$"
)
_PLACE_WORD = re.compile(
    rf"^(?:[LlDd]['’])?(?i:{_PLACE_KINDS})\b|^(?:Saint|Sainte|St|Ste)\b"
    r"|-(?:sur|sous|en|lès|les|le|la|Saint|Sainte)-"
    r"|^(?:(?:Le|La|Les|L')\s*)?(?:Mairie|Préfecture|Sous-préfecture|CCAS|CPAM|CAF|Conseil|Tribunal|Hôtel|Maison"
    r"|France|Centre|EHPAD|DDT|URSSAF|Pôle)\b|\b(?:Métropole|Agglomération|Communauté)\b"
)
# A capitalised word starting a sentence is not a name because of its capital.
_NOT_NAMES = frozenset(
    {
        "bonjour",
        "bonsoir",
        "merci",
        "madame",
        "monsieur",
        "mesdames",
        "messieurs",
        "cordialement",
        "rappelez",
        "rappeler",
        "signé",
        "bravo",
        "proposition",
        "suggestion",
        "plainte",
        "réclamation",
        "dossier",
        "service",
        "accueil",
        "agent",
        "ras",
        "rien",
        "très",
        "trop",
        "pas",
        "bien",
        "bonne",
        "un",
        "une",
        "je",
        "il",
        "elle",
        "nous",
        "vous",
        "mon",
        "ma",
        "mes",
        "votre",
        "vos",
        "m",
        "mme",
        "mlle",
        "dr",
        "me",
        "on",
        "docteur",
        "docteure",
        "professeur",
        "professeure",
        "maître",
        "pr",
    }
)
_TITLES = frozenset({"docteur", "docteure", "professeur", "professeure", "maître", "dr", "pr"})


class ModelMissing(EngineError):
    """The French model is not installed (it is a dependency: ``uv sync`` installs it)."""


@dataclass(frozen=True)
class Found:
    """Personal data found in a text: ``text[start:end]``, of a Presidio entity type."""

    start: int
    end: int
    kind: str


# (analyzer, anonymizer, the model's common French words): Presidio's engines are typed
# ``Any`` here, since their classes are imported only when the model is first used.
Engines = tuple[Any, Any, frozenset[str]]
_loaded: Engines | None = None
_lock = threading.Lock()


def load() -> None:
    """Load the model and the lists of names now rather than on the first text (a web
    process at its start)."""
    _engines()
    first_names()
    surnames()


def _engines() -> Engines:
    """The analyzer and the anonymizer, built once per process on first use."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _build()
    return _loaded


def _build() -> Engines:
    # Presidio logs at INFO its device on import and a line per text.
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    # Imported here, not with the module: a few seconds and some 270 MB, paid by the
    # processes that mask a text, not by every process that imports the engine.
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer
    from presidio_anonymizer import AnonymizerEngine

    # Presidio downloads a model it does not find: here nothing is fetched at run time.
    if not spacy.util.is_package(MODEL):
        raise ModelMissing(f"le modèle {MODEL} n'est pas installé (uv sync l'installe)")
    nlp_engine = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "fr", "model_name": MODEL}],
            "ner_model_configuration": {
                "model_to_presidio_entity_mapping": {
                    "PER": PERSON,
                    "LOC": "LOCATION",
                    "ORG": "ORGANIZATION",
                    "MISC": "MISC",
                },
                "low_confidence_score_multiplier": 1.0,
                "low_score_entity_names": [],
            },
        }
    ).create_engine()
    registry = RecognizerRegistry(supported_languages=["fr"])
    registry.add_recognizer(
        SpacyRecognizer(
            supported_language="fr",
            supported_entities=[PERSON, "LOCATION", "ORGANIZATION", "MISC"],
        )
    )
    registry.add_recognizer(_rules_recognizer())
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["fr"])
    # The model's own French lexicon (its lemmatizer's nouns, adjectives and verbs): a
    # capitalised common word opening a sentence (« Rappel promis par… ») is not a name.
    nlp: Any = nlp_engine  # a SpacyNlpEngine, whose ``nlp`` the base class does not declare
    index = nlp.nlp["fr"].get_pipe("lemmatizer").lookups.get_table("lemma_index")
    common = frozenset(word for pos in ("noun", "adj", "verb") for word in index.get(pos, []))
    anonymizer: Any = AnonymizerEngine  # untyped constructor
    return analyzer, anonymizer(), common


def _rules_recognizer() -> Any:
    from presidio_analyzer import LocalRecognizer, RecognizerResult

    class RulesRecognizer(LocalRecognizer):
        """The rules of ``privacy`` and of this module as a Presidio recogniser."""

        def load(self) -> None:
            pass

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            return [
                RecognizerResult(found.kind, found.start, found.end, RULE_SCORE)
                for found in _by_rules(text, nlp_artifacts.tokens if nlp_artifacts else None)
            ]

    return RulesRecognizer(
        supported_entities=[PERSON, EMAIL, PHONE, ADDRESS], supported_language="fr", name="rules"
    )


def _by_rules(text: str, doc: Any = None) -> list[Found]:
    """What the rules find; ``doc``, the model's reading of ``text``, tells a first name
    opening a sentence from the same common word (« Aurore nous a reçus », « Aurore »)."""
    found = [Found(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)]
    found += [Found(m.start(), m.end(), ADDRESS) for m in _ADDRESS.finditer(text)]
    found += [Found(m.start(), m.end(), PHONE) for m in _PHONE.finditer(text)]
    found += _titled(text)
    found += [Found(m.start("name"), m.end("name"), PERSON) for m in _INITIALS.finditer(text)]
    found += _labelled(text)
    found += _by_first_names(text, doc)
    for pattern in (_SIGNATURE, _NAME_LINE, _NAME_PAIR, _PERSON_CONTEXT, _PERSON_SUBJECT):
        for m in pattern.finditer(text):
            group = "name" if m.group("name") is not None else "full"
            start, end = _trim(text, m.start(group), m.end(group))
            if start < end and not _acronym(text[start:end]):
                found.append(Found(start, end, PERSON))
    return found


def _titled(text: str) -> list[Found]:
    """The name after a civility or a title, whatever their case (« mme guillou »), but
    not a function after an article (« Madame la Directrice », « Monsieur le Maire ») nor a
    common word (« madame vous », « monsieur est »)."""
    found = []
    for m in _TITLED.finditer(text):
        name = m.group("name")
        if name.split()[0] in ("la", "le", "les", "l'", "l’"):
            continue
        first = next((w for w in name.split() if fold(w) not in _PARTICLES), name)
        if first.islower() and (_stop_word(first) or not is_surname(first)):
            continue
        found.append(Found(m.start("name"), m.end("name"), PERSON))
    return found


def _labelled(text: str) -> list[Found]:
    """The name after a form's field or a role (« Nom : Lefort »), if it is no common word
    (« Contact : Accueil »)."""
    common = _common_words()
    found = []
    for m in _LABELLED.finditer(text):
        start, end = _trim(text, m.start("name"), m.end("name"))
        words = text[start:end].split()
        if not words or all(w.lower() in common and not is_surname(w) for w in words):
            continue
        if _acronym(text[start:end]):
            continue
        found.append(Found(start, end, PERSON))
    return found


def _stop_word(word: str) -> bool:
    """« est », « vous », « pour »: French function words (spaCy's list), never a name."""
    from spacy.lang.fr.stop_words import STOP_WORDS

    return word.lower() in STOP_WORDS


def _by_first_names(text: str, doc: Any = None) -> list[Found]:
    """A first name of INSEE's list and the surname after it, if any: « accueil ok,
    Juliette sympa », « et à Manon (instructrice) », « Merci. Aurore », « rdv avec marc
    hamon », « kevin le roux ».

    A capitalised first name is a name, but one opening a sentence and alone must not be a
    common word too (« Pierre » may be a stone, « Aurore » a dawn) unless the model reads a
    proper noun there, it closes the text or a role in brackets follows it: a signature. A
    lower-case first name is one when a surname of the list follows it, or alone after
    words that name a person or on the last line (``_lower_name_alone``)."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    common = _common_words()
    found: list[Found] = []
    for i, (start, end, word) in enumerate(words):
        if len(word) < 2 or not is_first_name(word) or _stop_word(word):
            continue
        # « st jean de braye », « Saint Jean » is a town.
        if i and fold(words[i - 1][2]) in ("st", "ste", "saint", "sainte"):
            continue
        capitalised = word[0].isupper()
        last = i
        # The surname: capitalised words (or particles before one); lower-case only after a
        # lower-case first name, and then found in the list of surnames.
        k = i + 1
        while k < len(words) and k - i <= 4 and _only_blanks(text[words[k - 1][1] : words[k][0]]):
            following = words[k][2]
            if fold(following) in _PARTICLES and k + 1 < len(words):
                k += 1
                continue
            if word.isupper():
                # A text in capitals: only a surname of the list (« MERCI A JULIE DU GUICHET »).
                is_name = following.isupper() and is_surname(following)
                is_name = is_name and not _stop_word(following)
            elif capitalised:
                is_name = following[0].isupper() and following.lower() not in _NOT_NAMES
            else:
                is_name = (
                    following.islower()
                    and is_surname(following)
                    and not _stop_word(following)
                    and not _model_reads_a_number(doc, words[k][0], words[k][1])
                )
            if not is_name:
                break
            last = k
            k += 1
        # « remercier luc et luce »: a lower-case first name after « et » and a name found.
        listed = bool(found) and bool(
            re.fullmatch(r"[ \t]*(?:,|et)[ \t]*", text[found[-1].end : start])
        )
        lone_lower = last == i and not capitalised
        if lone_lower and not (listed or _lower_name_alone(text, start, word, common)):
            continue
        before = text[:start].rstrip()
        opening = (
            not before
            or before[-1] in ".!?…\n"
            or (i > 0 and "\n" in text[words[i - 1][1] : start])
        )
        after = text[words[last][1] :].lstrip(" \t")
        # A signature: the end of the text, a role in brackets, an age (« Paulette, 84 ans »).
        role = bool(re.match(r"\(|,[ \t]*\d{1,3}[ \t]*ans\b", after))
        closing = not after.strip(" .!\n") or role
        # « après Noël », « à la Toussaint »: a feast, after a word that is no sentence's end.
        if last == i and fold(word) in _FEASTS and not (opening and closing):
            continue
        # Opening a sentence, a common word is a name if it closes the text (a signature:
        # « Merci. Victoire ») or if the model reads a proper noun (« Aurore nous a reçus »).
        common_opening = last == i and opening and word.lower() in common and not closing
        # « Olivier et Philippine de l'accueil »: two first names joined by « et ».
        paired = re.match(r"(?:et|,)[ \t]+([^\W\d_]+)", after)
        if paired and paired.group(1)[0].isupper() and is_first_name(paired.group(1)):
            common_opening = False
        if common_opening and not _model_reads_a_name(doc, start, end):
            continue
        # « à Florence », « de Saran »: a town, if the model reads a place there.
        if (
            last == i
            and not role
            and _model_reads_a_place(doc, start, end)
            and re.search(r"(?i:\b(?:à|a|au|de|d['’]|en|sur|vers|depuis))[ \t]*$", before)
        ):
            continue
        found.append(Found(start, words[last][1], PERSON))
    return found


def _model_reads_a_name(doc: Any, start: int, end: int) -> bool:
    span = doc.char_span(start, end) if doc is not None else None
    return span is not None and (span[0].pos_ == "PROPN" or span[0].ent_type_ == "PER")


def _model_reads_a_number(doc: Any, start: int, end: int) -> bool:
    """« nous sommes venus deux fois »: « deux » is no surname (the small model's parts of
    speech are unreliable on lower-case words, but not on numbers)."""
    span = doc.char_span(start, end) if doc is not None else None
    return span is not None and span[0].pos_ == "NUM"


def _model_reads_a_place(doc: Any, start: int, end: int) -> bool:
    span = doc.char_span(start, end) if doc is not None else None
    return span is not None and span[0].ent_type_ == "LOC"


# Words after which a lower-case first name alone is one: « merci à sophie », « avec julien ».
_LOWER_NAME_CONTEXT = re.compile(
    r"(?i:\b(?:merci(?:[ \t]+[àa])?|bravo(?:[ \t]+[àa])?|remercie[rz]?|remercions|félicite[rz]?"
    r"|avec|par|pour|c'est|signé"
    r"|de[ \t]+la[ \t]+part[ \t]+de|l'agent|agent|agente|conseill[eè]re?)[ \t]*:?[ \t]*)$"
)


def _lower_name_alone(text: str, start: int, word: str, common: frozenset[str]) -> bool:
    """Whether a lower-case first name without a surname is a name: after words that name a
    person (« merci à sophie ») and not a common word, or alone on the last line and not a
    common word in any of its forms (« venus », « parfaite »)."""
    lower = word.lower()
    forms = {lower, lower.removesuffix("s"), lower.removesuffix("e"), lower.removesuffix("es")}
    alone_on_last_line = not text[start + len(word) :].strip(" \t.!") and (
        start == 0 or text[:start].rstrip(" \t").endswith("\n")
    )
    if alone_on_last_line:
        return not forms & common
    context = _LOWER_NAME_CONTEXT.search(text[:start])
    if not context:
        return False
    if lower not in common:
        return True
    # « avec pierre », « merci à thérèse »: a frequent first name, even if the model's lexicon
    # holds the word, but not after « c'est » (« c'est claire ») nor before a common word
    # (« reçu par aimable personnel »).
    following = _WORD.match(text[start + len(word) :].lstrip(" \t"))
    before_common = bool(
        following
        and following.group().islower()
        and following.group() in common
        and not _stop_word(following.group())
    )
    return is_frequent_first_name(word) and "'" not in context.group() and not before_common


def _only_blanks(gap: str) -> bool:
    return gap != "" and not gap.strip(" \t")


def _common_words() -> frozenset[str]:
    return _engines()[2] if _loaded is not None else frozenset()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without leading words that are not names (« Merci Kevin » → « Kevin », « de
    Gérard Lebrun » → « Gérard Lebrun »): a name starts with a capital."""
    while start < end:
        word = re.match(r"[\w'’-]+", text[start:end])
        title = re.match(r"(?i:l[ea]s?)[ \t]+(\w+)", text[start:end])
        if title and title.group(1).lower() in _TITLES:  # « Le Docteur »
            word = title
        elif not word or (word.group().lower() not in _NOT_NAMES and not word.group().islower()):
            break
        start += word.end()
        while start < end and not text[start].isalnum():
            start += 1
    return start, end


def _is_place(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` names a place or a structure."""
    return bool(_PLACE_BEFORE.search(text[:start]) or _PLACE_WORD.search(text[start:end]))


def _has_proper_noun(doc: Any, start: int, end: int) -> bool:
    """Whether the model reads a proper noun among the words it calls a person: « Parking
    trop petit », « Accueil parfait » are not names."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is None or any(token.pos_ == "PROPN" for token in span)


def _acronym(word: str) -> bool:
    """« QR », « SVI », « CCAS »: capitals, but not a name on their own."""
    return word.isalpha() and word.isupper() and len(word) <= 4


def _common_word_opening(text: str, start: int, end: int, common: frozenset[str]) -> bool:
    """Whether ``text[start:end]`` is one common word opening a sentence, or an acronym."""
    word = text[start:end]
    opening = not text[:start].strip() or text[:start].rstrip()[-1] in ".!?…\n:"
    if _acronym(word):
        return True
    return opening and " " not in word and word.lower() in common


def _lone_common_word(text: str, start: int, end: int, common: frozenset[str]) -> bool:
    """Whether the model's « person » is one word that is no first name and either a common
    word after an article (« Madame la Directrice », « Monsieur le Maire ») or a common word
    that no surname list holds (« Satisfaite. »), or a function word (« On »)."""
    word = text[start:end]
    if not _WORD.fullmatch(word) or is_first_name(word):
        return False
    if _stop_word(word):
        return True
    after_article = re.search(r"(?i:\b(?:le|la|les|l['’]|un|une|du|au))\s*$", text[:start])
    # « Satisfaite », « Ravis »: the model's lexicon holds the masculine singular.
    lower = word.lower()
    forms = {lower, lower.removesuffix("s"), lower.removesuffix("e"), lower.removesuffix("es")}
    is_common = bool(forms & common)
    return is_common and (bool(after_article) or not is_surname(word))


def find_personal_data(text: str) -> list[Found]:
    """Names, e-mail addresses, phone numbers and street addresses in ``text``, in order and
    without overlaps."""
    if not text or not text.strip():
        return []
    analyzer, _, common = _engines()
    artifacts = analyzer.nlp_engine.process_text(text, "fr")
    results = analyzer.analyze(text=text, language="fr", nlp_artifacts=artifacts)
    candidates = []
    for r in results:
        if r.entity_type not in MASKS:
            continue
        start, end = (r.start, r.end) if r.score >= RULE_SCORE else _trim(text, r.start, r.end)
        if start >= end:
            continue
        if r.entity_type == PERSON and _is_place(text, start, end):
            continue
        if r.score < RULE_SCORE and (
            not _has_proper_noun(artifacts.tokens, start, end)
            or _common_word_opening(text, start, end, common)
            or _lone_common_word(text, start, end, common)
        ):
            continue
        candidates.append((r.score, end - start, Found(start, end, r.entity_type)))
    kept: list[Found] = []
    for _score, _length, found in sorted(candidates, key=lambda c: (-c[0], -c[1])):
        if all(found.end <= k.start or k.end <= found.start for k in kept):
            kept.append(found)
    return sorted(kept, key=lambda f: f.start)


def mask_names(text: str) -> str:
    """``text`` with person names, e-mail addresses, phone numbers and street addresses
    masked (``privacy`` masks, « [nom masqué] »…); what the model reads is French."""
    if not text or not text.strip():
        return text
    return _mask(text)


# Short comments come back often (« Accueil chaleureux. »): each is read by the model once.
@functools.lru_cache(maxsize=2048)
def _mask(text: str) -> str:
    found = find_personal_data(text)
    if not found:
        return text
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    _, anonymizer, _ = _engines()
    result = anonymizer.anonymize(
        text=text,
        analyzer_results=[RecognizerResult(f.kind, f.start, f.end, 1.0) for f in found],
        operators={
            kind: OperatorConfig("replace", {"new_value": mask}) for kind, mask in MASKS.items()
        },
    )
    # « [nom masqué] [nom masqué] » for a first name and a surname found apart is one name.
    return re.sub(
        rf"{re.escape(NAME_MASK)}(?:[ \t]+{re.escape(NAME_MASK)})+", NAME_MASK, result.text
    )
