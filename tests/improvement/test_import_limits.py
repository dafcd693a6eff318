"""The survey import refuses a workbook bomb in French and writes nothing; the request
runs in a forked child (tests/bombs.py)."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from barometre.improvement.models import SurveyResponse
from tests.bombs import far_cell_xlsx, in_child, many_rows_xlsx

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
