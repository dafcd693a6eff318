import pytest
from django.urls import reverse

from barometre.campaigns import lifecycle
from barometre.campaigns.models import Enrolment

pytestmark = pytest.mark.django_db


def test_a_manager_applies_and_the_operator_accepts(client_for, edition, operator, manager_a,
                                                    manager_b, structure_a):  # fmt: skip
    apply_url = reverse("campaigns:apply", args=[structure_a.pk])
    assert "Aucune édition n'est ouverte" in client_for(manager_a).get(apply_url).text
    lifecycle.advance(edition, by=operator)  # enrolment opens
    page = client_for(manager_a).post(apply_url, {"edition": edition.pk, "publish_results": "on"},
                                      follow=True)  # fmt: skip
    assert "Candidature envoyée" in page.text and "Candidature" in page.text
    enrolment = Enrolment.objects.get()
    assert enrolment.status == "applied" and enrolment.publish_results
    assert client_for(manager_b).post(apply_url, {"edition": edition.pk}).status_code == 404

    action = reverse("campaigns:enrolment_action", args=[edition.pk])
    page = client_for(operator).post(action, {"action": "accept", "enrolment": enrolment.pk},
                                     follow=True)  # fmt: skip
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled" and enrolment.category == "Services de l'État"
    assert "Préfecture du Loiret : inscrite." in page.text
    client_for(operator).post(action, {"action": "withdraw", "enrolment": enrolment.pk})
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"


def test_the_operator_enrols_directly(client_for, edition, operator, structure_b):
    action = reverse("campaigns:enrolment_action", args=[edition.pk])
    client_for(operator).post(action, {"action": "enrol", "structure": structure_b.pk})
    assert Enrolment.objects.get().category == "Villes de plus de 50 000 habitants"
