"""A full disk on evidence upload: a French message, the typed answers kept, no file half
written and no piece recorded."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from barometre.campaigns.models import Evidence
from tests.disk import files_under, full_disk

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n" + b"0" * 4000 + b"\n%%EOF\n"


def test_a_full_disk_refuses_the_file_in_french_and_keeps_the_answers(
    phone_task, auditor, client_for, settings, tmp_path
):
    media = full_disk(settings, tmp_path)
    typed = {
        "version": phone_task.version,
        "phone.number_consistent": "oui",
        "phone.rings": "3",
        "phone.observations": "Très aimable",
        "action": "attach",
        "file": SimpleUploadedFile("appel.pdf", PDF),
    }
    response = client_for(auditor).post(
        reverse("campaigns:task", args=[phone_task.pk]), typed, follow=True
    )
    assert response.status_code == 200
    assert (
        "espace disque insuffisant : le fichier n&#x27;a pas été enregistré, vos réponses "
        "saisies sont conservées" in response.text
    )
    assert dict(phone_task.answers.values_list("criterion", "value")) == {
        "phone.number_consistent": "oui",
        "phone.rings": "3",
        "phone.observations": "Très aimable",
    }
    assert not Evidence.objects.exists()
    assert files_under(media) == []
