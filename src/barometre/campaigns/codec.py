"""How an audit answer is stored, in one place: the text the engine and the audit files
read (``oui``, a level code, ``12,5`` or ``12,5 %`` with a decimal comma, ``sans objet``)
and the value the audit form shows. Free text is stored exactly as typed."""

from decimal import Decimal

from barometre.engine import Criterion, MeasureType

NOT_APPLICABLE = "sans objet"
FORM_NOT_APPLICABLE = "na"
NUMERIC = {MeasureType.COUNT, MeasureType.DURATION, MeasureType.DELAY, MeasureType.RATIO}


def encode(criterion: Criterion, value) -> str:
    """The stored text of a form value (``na`` for not applicable)."""
    if value == FORM_NOT_APPLICABLE:
        return NOT_APPLICABLE
    if criterion.measure.type not in NUMERIC:
        return str(value)
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    text = text.replace(".", ",")
    return f"{text} %" if criterion.measure.type == MeasureType.RATIO else text


def decode(criterion: Criterion, stored: str) -> str:
    """The form value of a stored text."""
    if stored == NOT_APPLICABLE:
        return FORM_NOT_APPLICABLE
    if criterion.measure.type not in NUMERIC:
        return stored
    return stored.replace("%", "").strip().replace(",", ".")
