"""A structure's names hold on one line: they go into e-mail subjects (where a line break
is refused by the mail library, and the whole mailing fails), page titles and file names.
Forms and imports refuse a line break with a French message; text from the Annuaire, which
nobody here can correct, has its line breaks turned into spaces (engine/annuaire.py)."""

import re

from django.core.exceptions import ValidationError

# What str.splitlines() splits on: line feed, carriage return and their Unicode kin.
LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
LINE_BREAK_PROBLEM = "retour à la ligne interdit : le texte doit tenir sur une ligne"


def validate_one_line(value: str) -> None:
    if LINE_BREAK.search(value or ""):
        raise ValidationError(
            "Ce texte doit tenir sur une ligne : retirez le retour à la ligne.",
            code="line_break",
        )


def one_line(text: str) -> str:
    """The text with its line breaks (and the spaces around them) made one space: for a
    name stored before line breaks were refused."""
    return re.sub(r"\s*(?:" + LINE_BREAK.pattern + r")\s*", " ", text).strip()
