"""Minimising personal data in free text (auditors' observations, survey comments,
feedback entries): e-mail addresses, phone numbers, and the name after a civility are
masked before anyone reads the text."""

from __future__ import annotations

import re

EMAIL_MASK = "[courriel masqué]"
PHONE_MASK = "[téléphone masqué]"
NAME_MASK = "[nom masqué]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# French numbers (01 23 45 67 89, 01.23.45.67.89, +33 1 23 45 67 89, 0033…) and any other
# run of 9 to 15 digits with usual separators.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{2,3}[\s.-]?(?:\(0\))?[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)"
    r"|(?<![\w+])\+?\d(?:[\s.-]?\d){8,14}(?!\d)"
)
# "M. Dupont", "Mme Le Goff", "Monsieur Jean Martin", "Madame de La Tour"
_CIVILITY = re.compile(
    r"\b(M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|Me|Dr)\s+"
    r"((?:(?:de|du|des|le|la|d'|l')\s*)?[A-ZÀ-Ý][\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+)?)"
)


def mask_personal_data(text: str) -> str:
    """The text with e-mail addresses, phone numbers and civility + name masked."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _PHONE.sub(PHONE_MASK, text)
    return _CIVILITY.sub(lambda m: f"{m.group(1)} {NAME_MASK}", text)
