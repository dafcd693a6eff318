"""Minimising personal data in free text (auditors' observations, survey comments,
feedback entries): e-mail addresses, phone numbers, street addresses and the name after a
civility are masked before anyone reads the text."""

from __future__ import annotations

import re

EMAIL_MASK = "[courriel masqué]"
PHONE_MASK = "[téléphone masqué]"
NAME_MASK = "[nom masqué]"
ADDRESS_MASK = "[adresse masquée]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# French numbers (01 23 45 67 89, 01.23.45.67.89, +33 1 23 45 67 89, 0033…) and any other
# run of 9 to 15 digits with usual separators.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{2,3}[\s.-]?(?:\(0\))?[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)"
    r"|(?<![\w+])\+?\d(?:[\s.-]?\d){8,14}(?!\d)"
)
# "12 rue des Lilas", "3 bis, avenue de la Gare", "8 place Jean Moulin": a number, a kind
# of way, and its name. A postcode and a town alone are not personal and stay.
_ADDRESS = re.compile(
    r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+"
    r"(?i:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|route|quai|cours|square"
    r"|résidence|lotissement|hameau|lieu-dit)\s+"
    r"(?:(?:de|du|des|la|le|les|l'|d')\s*)*[\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+)*"
)
# "M. Dupont", "Mme Le Goff", "Monsieur Jean Martin", "Madame de La Tour"
_CIVILITY = re.compile(
    r"\b(M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|Me|Dr)\s+"
    r"((?:(?:de|du|des|le|la|d'|l')\s*)?[A-ZÀ-Ý][\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+)?)"
)


def mask_personal_data(text: str) -> str:
    """The text with e-mail addresses, phone numbers, street addresses and civility + name
    masked."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _ADDRESS.sub(ADDRESS_MASK, text)
    text = _PHONE.sub(PHONE_MASK, text)
    return _CIVILITY.sub(lambda m: f"{m.group(1)} {NAME_MASK}", text)
