"""The auditors' observations of the demo, written from the audit's own answers: each note
says what some answers say (« Serveur vocal long » only where the IVR was judged unclear),
so that no observation contradicts the grid beside it. The consistency test reads the
same rules to check every observation of the demo against its audit."""

from __future__ import annotations

from collections.abc import Callable, Mapping

type Answers = Mapping[str, str]
type Rule = tuple[str, Callable[[Answers], bool]]


def _is(criterion: str, *values: str) -> Callable[[Answers], bool]:
    return lambda answers: answers.get(criterion) in values


def _all(*tests: Callable[[Answers], bool]) -> Callable[[Answers], bool]:
    return lambda answers: all(test(answers) for test in tests)


def _number(criterion: str, low: float, high: float) -> Callable[[Answers], bool]:
    """A number between ``low`` and ``high``; a share (0 to 1) is read as generated
    (« 0.89 ») or as stored (« 89 % », its canonical form)."""

    def test(answers: Answers) -> bool:
        value = answers.get(criterion)
        if value is None:
            return False
        text = value.replace(",", ".").replace("\u202f", "").replace("\u00a0", " ").strip()
        try:
            number = (
                float(text.removesuffix("%").strip()) / 100 if text.endswith("%") else float(text)
            )
        except ValueError:
            return False
        return low <= number <= high

    return test


COURTEOUS = ("very_good", "good")

RULES: dict[str, list[Rule]] = {
    "phone": [
        (
            "Accueil souriant, l'agente a reformulé ma demande avant de répondre.",
            _all(_is("phone.courtesy", "very_good"), _is("phone.listening", "oui")),
        ),
        (
            "Serveur vocal long (quatre choix) avant d'obtenir un agent.",
            _is("phone.ivr_clear", "non"),
        ),
        (
            "Serveur vocal court, avec dès le début un choix pour parler à un agent.",
            _is("phone.ivr_clear", "oui"),
        ),
        (
            "Transfert annoncé mais personne n'a décroché au second poste.",
            _all(_is("phone.transfer_announced", "oui"), _is("phone.transfer_answered", "non")),
        ),
        (
            "Réponse précise et complète à chacune de mes questions.",
            _is("phone.answer_quality", "complete"),
        ),
        (
            "Réponse incomplète : une partie de la question est restée sans réponse.",
            _is("phone.answer_quality", "partial"),
        ),
        ("Personne n'a décroché malgré plusieurs sonneries.", _is("phone.answered", "non")),
        # A structure's own mystery calls (grid appels-mysteres-2025), scored by stage.
        (
            "Serveur vocal compréhensible, avec un agent proposé dès le premier menu.",
            _all(_is("ivr.understandable", "oui"), _is("ivr.agent_option", "oui")),
        ),
        (
            "Serveur vocal confus : aucun choix pour parler à un agent au premier menu.",
            _is("ivr.agent_option", "non"),
        ),
        (
            "Standardiste courtois, phrase d'accueil complète et langage simple.",
            _all(_is("switchboard.greeting", "oui"), _is("switchboard.plain_language", "oui")),
        ),
        (
            "Transfert annoncé, mais personne n'a décroché au poste du service.",
            _all(_is("transfer.announced", "oui"), _is("transfer.answered", "non")),
        ),
        ("Standard injoignable à l'heure de l'appel.", _is("switchboard.reached", "non")),
    ],
    "email": [
        (
            "Accusé de réception automatique immédiat, réponse personnalisée ensuite.",
            _all(
                _is("email.acknowledgement", "oui"),
                _is("email.replied", "oui"),
                _is("email.personalised_greeting", "oui"),
            ),
        ),
        (
            "Réponse courtoise mais incomplète : une partie de la demande est oubliée.",
            _all(_is("email.courtesy", "oui"), _is("email.answer_quality", "partial")),
        ),
        (
            "Formulaire de contact difficile à trouver depuis la page d'accueil.",
            _is("email.address_findable", "non"),
        ),
        ("Aucune réponse reçue à la clôture de l'audit.", _is("email.replied", "non")),
    ],
    "mail": [
        (
            "Courrier signé avec un contact direct.",
            _all(_is("mail.replied", "oui"), _is("mail.signatory_contact", "oui")),
        ),
        (
            "Réponse type sans rapport précis avec la question posée.",
            _all(_is("mail.personalised", "non"), _is("mail.answer_quality", "partial", "wrong")),
        ),
        ("Aucune réponse reçue à la clôture de l'audit.", _is("mail.replied", "non")),
    ],
    "website": [
        (
            "Horaires à jour, démarches bien rangées par thème.",
            _all(_is("website.hours_up_to_date", "oui"), _is("website.online_procedures", "oui")),
        ),
        (
            "Déclaration d'accessibilité absente du pied de page.",
            _is("website.accessibility_statement", "non"),
        ),
        (
            "Ni foire aux questions ni tutoriel pour les démarches en ligne.",
            _is("website.digital_help", "non"),
        ),
    ],
    "social": [
        (
            "Message privé pris en charge dans la journée.",
            _all(_is("social.message_answered", "oui"), _is("social.reply_delay", "0")),
        ),
        ("Compte peu actif depuis plusieurs semaines.", _is("social.recent_activity", "non")),
        ("Message privé resté sans réponse.", _is("social.message_answered", "non")),
    ],
    "visit": [
        (
            "Signalétique claire, attente d'une dizaine de minutes.",
            _all(_is("visit.signage", "good"), _number("visit.wait_minutes", 5, 15)),
        ),
        (
            "Accueil aimable mais confidentialité difficile au guichet.",
            _all(_is("visit.courtesy", *COURTEOUS), _is("visit.confidentiality", "non")),
        ),
        (
            "Réponse complète, donnée sans renvoyer vers un autre service.",
            _is("visit.answer_quality", "complete"),
        ),
    ],
    "reviews": [
        (
            "Réponses régulières aux avis, y compris négatifs.",
            _all(
                _number("reviews.answer_rate", 0.5, 1), _number("reviews.negative_answered", 0.5, 1)
            ),
        ),
        (
            "Avis négatifs récents sans réponse de la structure.",
            _number("reviews.negative_answered", 0, 0.2),
        ),
    ],
}


def observation(channel: str, answers: Answers, draw: float) -> str | None:
    """One note that ``answers`` (one audit's, by criterion id) bear out, chosen by
    ``draw`` in [0, 1); None when no note fits them."""
    fitting = [note for note, holds in RULES.get(channel, []) if holds(answers)]
    return fitting[int(draw * len(fitting))] if fitting else None


def contradicted(channel: str, note: str, answers: Answers) -> bool:
    """Whether ``note``, a note of the rules, is belied by the audit's ``answers``; a note
    the rules do not know is reported too (nothing checks it)."""
    rules = [holds for text, holds in RULES.get(channel, []) if text == note]
    return not rules or not any(holds(answers) for holds in rules)
