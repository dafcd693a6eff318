"""Official identifiers of public structures: SIRET (14 digits) or INSEE commune code."""

import re

_INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
# La Poste's SIRETs do not follow the Luhn rule: their digits add up to a multiple of 5.
_LA_POSTE_SIREN = "356000000"


def normalize_identifier(raw: str) -> str:
    return re.sub(r"[\s.\-]", "", str(raw)).upper().removesuffix(".0")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def identifier_problem(value: str) -> str | None:
    """Why ``value`` (already normalized) is not a valid SIRET or INSEE code, or None."""
    if not value:
        return "l'identifiant est obligatoire (SIRET à 14 chiffres ou code INSEE à 5 caractères)"
    if value.isdigit() and len(value) == 14:
        if value.startswith(_LA_POSTE_SIREN):
            return None if sum(int(c) for c in value) % 5 == 0 else "SIRET invalide (clé)"
        return None if _luhn_ok(value) else "SIRET invalide : la clé de contrôle ne correspond pas"
    if _INSEE.match(value):
        return None
    if value.isdigit():
        return f"{len(value)} chiffres : un SIRET en compte 14, un code INSEE 5"
    return "ni un SIRET (14 chiffres) ni un code INSEE (5 caractères, 2A/2B pour la Corse)"


def identifier_kind(value: str) -> str:
    return "siret" if len(value) == 14 else "insee"
