"""Logging without personal data: e-mail addresses, phone numbers and names after a
civility are masked in every record before it is written (a request path, an error
message or a form value can carry them)."""

import logging

from barometre.engine import mask_personal_data


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
