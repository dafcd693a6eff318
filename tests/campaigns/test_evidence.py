import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from barometre.campaigns.models import Evidence

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, task, name, content):
    url = reverse("campaigns:evidence_upload", args=[task.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)


def test_a_pdf_is_stored_and_downloaded_by_its_auditor_only(
    client_for, phone_task, auditor, second_auditor, operator
):
    response = upload(client_for(auditor), phone_task, "capture.pdf", PDF)
    assert "Pièce justificative ajoutée." in response.text
    evidence = Evidence.objects.get()
    assert (evidence.mime, evidence.size) == ("application/pdf", len(PDF))
    url = reverse("campaigns:evidence_download", args=[phone_task.pk, evidence.pk])
    assert b"".join(client_for(auditor).get(url).streaming_content) == PDF
    assert client_for(operator).get(url).status_code == 200
    assert client_for(second_auditor).get(url).status_code == 404


def test_a_renamed_executable_is_refused(client_for, phone_task, auditor):
    response = upload(client_for(auditor), phone_task, "capture.png", b"MZ\x90\x00" + b"\x00" * 60)
    assert "Ce fichier est un programme exécutable Windows, quelle que soit son extension" in (
        response.text
    )
    assert not Evidence.objects.exists()


def test_an_oversized_or_unknown_file_is_refused(client_for, phone_task, auditor, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    response = upload(client_for(auditor), phone_task, "scan.pdf", PDF + b"0" * 200)
    size = len(PDF) + 200
    assert f"Le fichier pèse {size} octets ; la limite est de 100 octets." in response.text
    settings.EVIDENCE_MAX_BYTES = 10_000
    response = upload(client_for(auditor), phone_task, "notes.pdf", b"juste du texte")
    assert "Format non reconnu" in response.text
    assert not Evidence.objects.exists()


def test_a_file_is_stored_and_served_under_the_extension_of_its_detected_type(
    client_for, phone_task, auditor, settings
):
    # A GIF that a browser would also render as HTML, uploaded as poly.html.
    polyglot = b"GIF89a/*\x00\x00\x00\x00*/<script>alert(document.domain)</script>"
    upload(client_for(auditor), phone_task, "poly.html", polyglot)
    evidence = Evidence.objects.get()
    stored = Path(evidence.file.name)
    assert stored.suffix == ".gif" and "poly" not in stored.name
    assert re.fullmatch(r"[0-9a-f]{32}\.gif", stored.name)
    assert (Path(settings.MEDIA_ROOT) / evidence.file.name).read_bytes() == polyglot
    assert evidence.original_name == "poly.html"
    url = reverse("campaigns:evidence_download", args=[phone_task.pk, evidence.pk])
    response = client_for(auditor).get(url)
    assert response["Content-Type"] == "image/gif"
    assert response["Content-Disposition"] == 'attachment; filename="poly.gif"'
