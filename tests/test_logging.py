"""No personal data in the logs."""

import logging

from barometre.core.logging import MaskPersonalData


def test_log_records_are_masked():
    args = ("jean.dupont@example.fr", "06 12 34 56 78")
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: /recherche?q=%s tel %s",
        args,
        None,
    )
    assert MaskPersonalData().filter(record)
    assert record.getMessage() == "Not Found: /recherche?q=[courriel masqué] tel [téléphone masqué]"
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, "Calcul de %d audits", (12,), None)
    MaskPersonalData().filter(plain)
    assert plain.getMessage() == "Calcul de 12 audits" and plain.args == (12,)


def test_the_console_handler_uses_the_filter(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["personal_data"]
