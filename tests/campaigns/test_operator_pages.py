import pytest
from django.urls import reverse

from barometre.accounts.models import Membership, Role, User
from barometre.campaigns.models import AuditorProfile, AuditTask, Edition, GridVersion, Scenario

pytestmark = pytest.mark.django_db


def test_the_operator_creates_an_edition_on_the_shipped_grid(client_for, operator):
    client = client_for(operator)
    page = client.get(reverse("campaigns:edition_create"))
    assert "barometre-2025 (fournie)" in page.text
    data = {
        "name": "Baromètre 2026",
        "year": "2026",
        "grid": "s:barometre-2025",
        "enrolment_opens": "2026-01-05",
        "enrolment_closes": "2026-04-30",
        "fieldwork_starts": "2026-05-04",
        "fieldwork_ends": "2026-07-24",
    }
    response = client.post(reverse("campaigns:edition_create"), data, follow=True)
    assert "Édition « Baromètre 2026 » créée en brouillon." in response.text
    edition = Edition.objects.get()
    assert edition.grid.grid_id == "barometre-2025" and edition.category_rules.count() == 11
    again = client.post(
        reverse("campaigns:edition_create"), data | {"fieldwork_ends": "2026-01-01", "name": "X"}
    )
    assert "Les dates doivent se suivre" in again.text
    assert GridVersion.objects.count() == 1 and Edition.objects.count() == 1


def test_the_scenario_bank(client_for, operator):
    client = client_for(operator)
    client.post(
        reverse("campaigns:scenario_create"),
        {
            "code": "etat-civil",
            "title": "Acte de naissance",
            "persona": "Jeune parent",
            "channels": ["phone", "email"],
            "script": "Comment obtenir un acte ?",
            "expected_answer": "Demande en ligne gratuite",
            "structure_kinds": ["commune"],
            "active": "on",
        },
    )
    scenario = Scenario.objects.get()
    assert scenario.channels == ["phone", "email"] and scenario.structure_kinds == ["commune"]
    listing = client.get(reverse("campaigns:scenarios"))
    assert "Acte de naissance" in listing.text and "phone, email" in listing.text


def test_a_share_of_audits_is_double_coded_from_the_edition_page(
    client_for, in_fieldwork, operator
):
    AuditTask.objects.filter(edition=in_fieldwork).update(status="validated")
    for i in range(3):
        user = User.objects.create_user(f"renfort{i}")
        Membership.objects.create(user=user, role=Role.AUDITOR)
        AuditorProfile.objects.create(user=user, departments=["45"])
    url = reverse("campaigns:edition_double_coding", args=[in_fieldwork.pk])
    page = client_for(operator).post(url, {"share": "40"}, follow=True)
    assert "2 doubles codages demandés." in page.text
    refused = client_for(operator).post(url, {"share": "90"}, follow=True)
    assert "Indiquez une part entre 1 et 50 %." in refused.text
