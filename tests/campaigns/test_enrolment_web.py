import pytest
from django.urls import reverse

from barometre.campaigns import lifecycle
from barometre.campaigns.models import Enrolment

pytestmark = pytest.mark.django_db


def test_a_manager_applies_and_the_operator_accepts(
    client_for, edition, operator, manager_a, manager_b, structure_a
):
    apply_url = reverse("campaigns:apply", args=[structure_a.pk])
    first = client_for(manager_a).get(apply_url).text
    assert "Aucune édition n'est ouverte" in first
    assert "<h1>Candidature de la Préfecture du Loiret</h1>" in first
    lifecycle.advance(edition, by=operator)  # enrolment opens
    page = client_for(manager_a).post(
        apply_url, {"edition": edition.pk, "publish_results": "on"}, follow=True
    )
    assert "Candidature envoyée" in page.text and "Candidature" in page.text
    enrolment = Enrolment.objects.get()
    assert enrolment.status == "applied" and enrolment.publish_results
    assert client_for(manager_b).post(apply_url, {"edition": edition.pk}).status_code == 404

    action = reverse("campaigns:enrolment_action", args=[edition.pk])
    page = client_for(operator).post(
        action, {"action": "accept", "enrolment": enrolment.pk}, follow=True
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled" and enrolment.category == "Services de l'État"
    assert "Préfecture du Loiret : inscrite." in page.text
    client_for(operator).post(action, {"action": "withdraw", "enrolment": enrolment.pk})
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"


def test_the_operator_enrols_directly(client_for, edition, operator, structure_b):
    action = reverse("campaigns:enrolment_action", args=[edition.pk])
    client_for(operator).post(action, {"action": "enrol", "structure": structure_b.pk})
    assert Enrolment.objects.get().category == "Villes de plus de 50\u202f000 habitants"


def test_enrolment_from_a_file_is_all_or_nothing(
    client_for, edition, operator, structure_a, structure_b
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    action = reverse("campaigns:enrolment_action", args=[edition.pk])
    bad = "identifiant;publication\r\n13000548700017;oui\r\n99999;non\r\n57463;peut-être\r\n"
    page = client_for(operator).post(
        action,
        {"action": "import", "file": SimpleUploadedFile("inscriptions.csv", bad.encode("cp1252"))},
        follow=True,
    )
    assert "Rien n&#x27;a été inscrit" in page.text
    assert "Ligne 3, colonne « identifiant » (valeur « 99999 ») : structure absente" in page.text
    assert "Ligne 4, colonne « publication »" in page.text
    assert not Enrolment.objects.exists()
    good = "identifiant;publication\r\n130 005 487 00017;oui\r\n57463;\r\n"
    client_for(operator).post(
        action, {"action": "import", "file": SimpleUploadedFile("inscriptions.csv", good.encode())}
    )
    assert dict(Enrolment.objects.values_list("structure__identifier", "publish_results")) == {
        "13000548700017": True,
        "57463": False,
    }
