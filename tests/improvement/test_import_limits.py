"""The survey import refuses a workbook bomb in French and writes nothing; the request
runs in a forked child (tests/bombs.py)."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from barometre.core import uploads
from barometre.engine import tables
from barometre.improvement import surveys
from barometre.improvement.models import SurveyResponse
from tests.bombs import (
    case_twin_xlsx,
    far_cell_xlsx,
    in_child,
    many_rows_xlsx,
    second_workbook_xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (far_cell_xlsx("date"), "jusqu'à la ligne 1 048 576 (cellule XFD1048576)"),
        (many_rows_xlsx(300_000, "date"), "jusqu'à la ligne 100 001 (cellule A100001)"),
    ],
    ids=["far-cell", "300000-rows"],
)
def test_a_survey_bomb_is_refused_and_nothing_is_written(
    client_for, manager_a, questionnaire, content, expected
):
    client = client_for(manager_a)
    url = reverse("improvement:survey_import", args=[questionnaire.pk])

    def upload():
        page = client.post(url, {"file": SimpleUploadedFile("avis.xlsx", content)})
        return html.unescape(page.text), SurveyResponse.objects.count()

    text, written = in_child(upload)
    assert "Rien n'a été importé : 1 problème" in text and expected in text
    assert written == 0


@pytest.mark.parametrize(
    "content",
    [far_cell_xlsx("date"), second_workbook_xlsx(), case_twin_xlsx()],
    ids=["far-cell", "second-workbook", "case-twin"],
)
def test_a_bomb_the_measure_misses_fails_its_import_and_the_worker_lives_on(
    monkeypatch, client_for, manager_a, questionnaire, content
):
    # As for a file nobody foresaw: the measure lets it through, the child parses it.
    monkeypatch.setattr(tables, "check_workbook_extent", lambda *args, **kwargs: None)
    client = client_for(manager_a)
    url = reverse("improvement:survey_import", args=[questionnaire.pk])

    def upload_then_go_on():
        page = client.post(url, {"file": SimpleUploadedFile("avis.xlsx", content)})
        good = b"date;overall\r\n02/03/2026;9\r\n"
        after = client.post(url, {"file": SimpleUploadedFile("avis.csv", good)}, follow=True)
        return html.unescape(page.text), SurveyResponse.objects.count(), after.status_code

    text, written, after = in_child(upload_then_go_on)
    assert "Le fichier « avis.xlsx » n'a pas pu être lu sans danger" in text
    assert after == 200 and written == 1  # the same process served the next import


def test_on_sqlite_a_survey_import_writes_a_bounded_number_of_rows(
    monkeypatch, manager_a, questionnaire
):
    monkeypatch.setattr(uploads, "SQLITE_MAX_WRITES", 1)
    content = b"date;overall\r\n02/03/2026;9\r\n03/03/2026;8\r\n"
    written, problems = surveys.import_responses(
        questionnaire, content, "avis.csv", by=manager_a, max_bytes=10**6
    )
    if connection.vendor != "sqlite":
        assert (written, problems) == (2, [])
        return
    assert written == 0 and not SurveyResponse.objects.exists()
    assert [str(p) for p in problems] == [
        "Le fichier écrirait 2 questionnaires d'un coup ; sur une base SQLite, un import en "
        "écrit au plus 1, pour ne pas bloquer les autres enregistrements de la plateforme "
        "pendant l'écriture. Découpez le fichier."
    ]
