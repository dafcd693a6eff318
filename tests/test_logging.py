"""No personal data in the logs."""

import logging

import pytest

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


def _logged(message: str) -> str:
    record = logging.LogRecord("django.tasks", logging.INFO, __file__, 1, "%s", (message,), None)
    MaskPersonalData().filter(record)
    return record.getMessage()


@pytest.mark.parametrize(
    "message",
    [
        "Task 3f2a1b4c-1234-4a5b-9c8d-012345678901 finished",
        "Tâche 1234567890abcdef1234567890abcdef relancée",
        "Not Found: /structures/13000548700017/",
        "GET /u/transparence/13000548700017/ 200",
        "import de la structure 13000548700017 : 3 lignes",
        "Rapport /resultats/2026/editions/120045678/rapport.pdf",
    ],
)
def test_identifiers_are_not_taken_for_phone_numbers(message):
    assert _logged(message) == message


def test_phone_numbers_around_identifiers_are_still_masked():
    message = (
        "Task 3f2a1b4c-1234-4a5b-9c8d-012345678901: /recherche?q=06 12 34 56 78 "
        "rappeler le +33 6 12 34 56 78 pour 13000548700017"
    )
    assert _logged(message) == (
        "Task 3f2a1b4c-1234-4a5b-9c8d-012345678901: /recherche?q=[téléphone masqué] "
        "rappeler le [téléphone masqué] pour 13000548700017"
    )


def test_the_console_handler_uses_the_filter(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["personal_data"]
