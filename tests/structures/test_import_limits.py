"""A structure import measures its file at upload: a bomb is refused there and never
stored; one stored before that rule is refused on display and by the background write
without being read. Each request runs in a forked child (tests/bombs.py)."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from barometre.engine import tables
from barometre.structures.models import Structure, StructureImport
from barometre.structures.tasks import apply_structure_import
from tests.bombs import (
    case_twin_xlsx,
    far_cell_xlsx,
    in_child,
    many_rows_csv,
    second_workbook_xlsx,
)

pytestmark = pytest.mark.django_db
FAR = "jusqu'à la ligne 1 048 576 (cellule XFD1048576)"


def test_a_far_cell_is_refused_at_upload_and_nothing_is_stored(client_for, operator):
    client = client_for(operator)

    def upload():
        file = SimpleUploadedFile("structures.xlsx", far_cell_xlsx())
        response = client.post(reverse("structures:import"), {"file": file})
        return response.status_code, html.unescape(response.text), StructureImport.objects.count()

    status, text, stored = in_child(upload)
    assert status == 200 and stored == 0
    assert FAR in text and "rien n'a été lu ni enregistré" in text


def test_a_stored_bomb_is_refused_on_display_and_by_the_write(client_for, operator):
    batch = StructureImport.objects.create(file_name="vieux.xlsx", content=far_cell_xlsx())
    client = client_for(operator)

    def display_then_confirm():
        preview = client.get(reverse("structures:import_preview", args=[batch.pk]))
        apply_structure_import.call(batch.pk)
        batch.refresh_from_db()
        return html.unescape(preview.text), batch.status, batch.error, Structure.objects.count()

    preview, status, error, structures = in_child(display_then_confirm)
    assert FAR in preview and "Confirmer" not in preview
    assert status == "failed" and FAR in error and structures == 0


def test_a_csv_of_three_hundred_thousand_rows_is_refused_at_the_limit(client_for, operator):
    client = client_for(operator)

    def upload_and_preview():
        file = SimpleUploadedFile("structures.csv", many_rows_csv(300_000))
        response = client.post(reverse("structures:import"), {"file": file}, follow=True)
        return html.unescape(response.text), Structure.objects.count()

    text, structures = in_child(upload_and_preview)
    assert "Le fichier dépasse la limite de 100 000 lignes par import" in text
    assert structures == 0


@pytest.mark.parametrize(
    "content",
    [far_cell_xlsx(), second_workbook_xlsx(), case_twin_xlsx()],
    ids=["far-cell", "second-workbook", "case-twin"],
)
def test_a_bomb_the_measure_misses_fails_its_import_and_the_task_worker_lives_on(
    monkeypatch, client_for, operator, content
):
    # As for a file nobody foresaw: the measure lets it through, the child parses it.
    monkeypatch.setattr(tables, "check_workbook_extent", lambda *args, **kwargs: None)
    batch = StructureImport.objects.create(file_name="piege.xlsx", content=content)
    client = client_for(operator)

    def display_then_write():
        preview = client.get(reverse("structures:import_preview", args=[batch.pk]))
        apply_structure_import.call(batch.pk)
        batch.refresh_from_db()
        return html.unescape(preview.text), batch.status, batch.error, Structure.objects.count()

    preview, status, error, structures = in_child(display_then_write)
    refusal = "Le fichier « piege.xlsx » n'a pas pu être lu sans danger"
    assert refusal in preview and "Confirmer" not in preview
    assert status == "failed" and refusal in error and structures == 0
