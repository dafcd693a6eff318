"""Logging without personal data: e-mail addresses, phone numbers and names after a
civility are masked in every record before it is written (a request path, an error
message or a form value can carry them).

Identifiers are not personal data and a log is read for them: a task's UUID, a SIRET, the
path of a URL (``/structures/13000548700017/``). Their digits look like a phone number to
the free-text rules, so they are set aside before masking and put back after; a query
string (``?q=06 12 34 56 78``) is still masked, it is what someone typed."""

import logging
import re

from barometre.engine import mask_personal_data

_IDENTIFIER = re.compile(
    r"(?<![0-9A-Fa-f-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{12}(?![0-9A-Fa-f-])"  # a UUID (task, batch)
    r"|(?<![0-9A-Fa-f])[0-9A-Fa-f]{32}(?![0-9A-Fa-f])"  # a UUID without dashes, a digest
    r"|(?<![\w/])/[A-Za-z][\w\-./~%:@]*"  # the path of a URL, up to its query string
    r"|(?<![\d+])\d{14}(?!\d)"  # a SIRET, written as one
)
_SET_ASIDE = re.compile("\ue000(\\d+)\ue001")


def mask_log_message(message: str) -> str:
    """The message with personal data masked and its identifiers kept."""
    kept: list[str] = []

    def set_aside(found: re.Match) -> str:
        kept.append(found.group())
        return f"\ue000{len(kept) - 1}\ue001"

    masked = mask_personal_data(_IDENTIFIER.sub(set_aside, message))
    return _SET_ASIDE.sub(lambda found: kept[int(found.group(1))], masked)


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_log_message(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
