"""The audit and enrolment imports refuse a workbook bomb in French and write nothing;
the audit import measures its file before storing it. Each request runs in a forked child
(tests/bombs.py)."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from barometre.campaigns import lifecycle
from barometre.campaigns.models import AuditImport, AuditTask, Enrolment
from barometre.core import uploads
from tests.bombs import far_cell_xlsx, in_child, many_rows_xlsx

pytestmark = pytest.mark.django_db
FAR = "jusqu'à la ligne 1 048 576 (cellule XFD1048576)"


def test_an_audit_bomb_is_refused_at_upload_and_not_stored(client_for, edition, operator):
    client = client_for(operator)

    def upload():
        file = SimpleUploadedFile("audits.xlsx", far_cell_xlsx("structure"))
        response = client.post(reverse("campaigns:audit_import", args=[edition.pk]), {"file": file})
        return response.status_code, html.unescape(response.text), AuditImport.objects.count()

    status, text, stored = in_child(upload)
    assert status == 200 and stored == 0
    assert FAR in text and "rien n'a été lu ni enregistré" in text


def test_a_stored_audit_bomb_is_refused_on_display(client_for, edition, operator):
    batch = AuditImport.objects.create(edition=edition, file_name="a.xlsx", content=far_cell_xlsx())
    client = client_for(operator)
    url = reverse("campaigns:audit_import_preview", args=[edition.pk, batch.pk])

    def display_and_confirm():
        shown = html.unescape(client.get(url).text)
        client.post(url)
        batch.refresh_from_db()
        return shown, batch.applied, AuditTask.objects.count()

    shown, applied, tasks = in_child(display_and_confirm)
    assert FAR in shown and not applied and tasks == 0


def test_an_enrolment_bomb_is_refused_and_nothing_is_enrolled(client_for, edition, operator):
    client = client_for(operator)
    action = reverse("campaigns:enrolment_action", args=[edition.pk])

    def upload(content):
        file = SimpleUploadedFile("inscriptions.xlsx", content)
        page = client.post(action, {"action": "import", "file": file}, follow=True)
        return html.unescape(page.text), Enrolment.objects.count()

    text, enrolled = in_child(upload, far_cell_xlsx())
    assert "Rien n'a été inscrit : La feuille lue s'étend " + FAR in text and enrolled == 0
    text, enrolled = in_child(upload, many_rows_xlsx(300_000))
    assert "jusqu'à la ligne 100 001 (cellule A100001)" in text and enrolled == 0


def test_on_sqlite_an_enrolment_import_writes_a_bounded_number_of_rows(
    monkeypatch, edition, operator, structure_a, structure_b
):
    monkeypatch.setattr(uploads, "SQLITE_MAX_WRITES", 1)
    content = b"identifiant\r\n13000548700017\r\n57463\r\n"
    problems = lifecycle.enrol_from_file(edition, content, "inscriptions.csv", by=operator)
    if connection.vendor != "sqlite":
        assert problems == [] and Enrolment.objects.count() == 2
        return
    assert problems == [
        "Le fichier écrirait 2 inscriptions d'un coup ; sur une base SQLite, un import en "
        "écrit au plus 1, pour ne pas bloquer les autres enregistrements de la plateforme "
        "pendant l'écriture. Découpez le fichier."
    ]
    assert not Enrolment.objects.exists()
