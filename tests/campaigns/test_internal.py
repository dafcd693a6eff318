import datetime as dt

import pytest
from django.urls import reverse

from barometre.accounts.models import Membership, Role, User
from barometre.campaigns import callers, lifecycle, workflow
from barometre.campaigns.models import Answer, AuditTask, Edition
from barometre.campaigns.transfer import answers_frame
from barometre.core.errors import Refused
from barometre.engine import RankingOptions, score_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleagues(structure_a):
    """Three agents of the préfecture, who live in its commune."""
    people = []
    for name in ("dmi", "ber", "com"):
        user = User.objects.create_user(f"collegue-{name}")
        Membership.objects.create(user=user, role=Role.AGENT, structure=structure_a)
        people.append(user)
    return people


def test_a_manager_runs_twenty_mystery_calls_in_november(
    client_for, manager_a, manager_b, structure_a, colleagues, auditor
):
    client = client_for(manager_a)
    page = client.post(
        reverse("campaigns:internal_create"),
        {
            "structure": structure_a.pk,
            "name": "Appels mystères novembre 2022",
            "starts": "2022-11-02",
            "ends": "2022-11-30",
            "calls": "20",
        },
        follow=True,
    )
    assert "Campagne « Appels mystères novembre 2022 » créée" in page.text
    edition = Edition.objects.get()
    assert edition.owner == structure_a and edition.status == "enrolment"
    for colleague in colleagues:
        client.post(
            reverse("campaigns:edition_callers", args=[edition.pk]),
            {"action": "name", "user": colleague.pk, "weekly_capacity": "10"},
        )
    client.post(reverse("campaigns:edition_plan", args=[edition.pk]))
    tasks = AuditTask.objects.filter(edition=edition)
    # 20 calls, never two the same day, shared among the three colleagues (who live in the
    # structure's commune and call it repeatedly: allowed in an internal campaign).
    assert tasks.count() == 20 and not tasks.filter(auditor__isnull=True).exists()
    assert len({t.scheduled_at.date() for t in tasks}) == 20
    assert set(tasks.values_list("auditor__username", flat=True)) == {
        "collegue-dmi",
        "collegue-ber",
        "collegue-com",
    }
    assert auditor.pk not in tasks.values_list("auditor", flat=True)  # national auditors stay out
    client.post(reverse("campaigns:edition_phase", args=[edition.pk]), {"action": "advance"})
    edition.refresh_from_db()
    assert edition.status == "fieldwork"
    # Another structure's manager sees nothing of it.
    other = client_for(manager_b)
    assert other.get(reverse("campaigns:edition", args=[edition.pk])).status_code == 404
    assert "Appels mystères novembre" not in other.get(reverse("campaigns:editions")).text

    # Each colleague calls, the manager validates; the engine scores by stage.
    for i, task in enumerate(tasks.order_by("scheduled_at")):
        values = {
            "ivr.understandable": "non" if i % 4 == 0 else "oui",
            "ivr.complete": "oui",
            "ivr.agent_option": "oui",
            "switchboard.reached": "oui",
            "switchboard.first_call": "oui",
            "switchboard.wait_seconds": "40",
            "switchboard.greeting": "oui",
            "switchboard.plain_language": "oui",
            "transfer.announced": "oui",
            "transfer.answered": "oui",
            "transfer.courtesy": "oui",
            "transfer.answer": "complete",
        }
        Answer.objects.bulk_create(
            Answer(task=task, criterion=c, value=v) for c, v in values.items()
        )
        AuditTask.objects.filter(pk=task.pk).update(status="submitted")
        workflow.validate(AuditTask.objects.get(pk=task.pk), by=manager_a)
    result = score_edition(
        edition.grid.parsed(), answers_frame(edition), options=RankingOptions(resamples=50)
    )
    stages = dict(result.stages.select("stage", "score").iter_rows())
    # IVR: 3 criteria, one failed in 5 calls of 20 → (3×20 − 5) / 60.
    assert stages["ivr"] == pytest.approx(100 * 55 / 60)
    assert stages["switchboard"] == pytest.approx(100 * (5 + 0.75) / 6)
    assert stages["after_transfer"] == 100.0


def test_an_internal_campaign_enrols_only_its_structure(
    manager_a, agent_a, structure_a, structure_b
):
    edition = lifecycle.create_internal_campaign(
        structure_a,
        name="Interne",
        starts=dt.date(2022, 11, 2),
        ends=dt.date(2022, 11, 30),
        calls=20,
        by=manager_a,
    )
    with pytest.raises(Refused, match="n'inscrit que sa structure"):
        lifecycle.enrol(edition, structure_b, by=manager_a)
    too_short = lifecycle.create_internal_campaign(
        structure_a,
        name="Trop court",
        starts=dt.date(2022, 11, 2),
        ends=dt.date(2022, 11, 4),
        calls=20,
        by=manager_a,
    )
    callers.name_caller(too_short, agent_a, by=manager_a)
    with pytest.raises(Refused, match="mais seulement 3 jours ouvrés sur le terrain"):
        lifecycle.plan_fieldwork(too_short, by=manager_a)


@pytest.fixture
def internal(manager_a, structure_a):
    return lifecycle.create_internal_campaign(
        structure_a,
        name="Interne",
        starts=dt.date(2022, 11, 2),
        ends=dt.date(2022, 11, 30),
        calls=20,
        by=manager_a,
    )


def test_a_manager_is_offered_only_their_structure_and_its_services(
    client_for, manager_a, structure_a, structure_b, internal
):
    from barometre.structures.models import Structure

    service = Structure.objects.create(
        name="Service des titres",
        identifier="13000548700025",
        kind="state",
        department="45",
        parent=structure_a,
    )
    page = client_for(manager_a).get(reverse("campaigns:edition", args=[internal.pk])).text
    assert structure_a.name in page and service.name in page
    assert structure_b.name not in page
    response = client_for(manager_a).post(
        reverse("campaigns:enrolment_action", args=[internal.pk]),
        {"action": "enrol", "structure": structure_b.pk},
        follow=True,
    )
    assert "choisissez une structure" in response.text
    assert not internal.enrolments.filter(structure=structure_b).exists()


def test_an_enrolment_file_does_not_tell_whether_another_structure_exists(
    client_for, manager_a, structure_b, internal
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(manager_a)
    messages = []
    for identifier in (structure_b.identifier, "75056"):  # Metz exists, Paris does not
        content = f"identifiant\r\n{identifier}\r\n".encode()
        response = client.post(
            reverse("campaigns:enrolment_action", args=[internal.pk]),
            {"action": "import", "file": SimpleUploadedFile("liste.csv", content)},
            follow=True,
        )
        (message,) = [str(m) for m in response.context["messages"]]
        messages.append(message.replace(identifier, "…"))
    assert messages[0] == messages[1]
    assert "ni celle de la campagne ni un service qui lui est rattaché" in messages[0]
    assert not internal.enrolments.filter(structure=structure_b).exists()


def test_the_editions_page_offers_a_manager_the_internal_campaign_form(
    client_for, manager_a, agent_a, operator
):
    page = client_for(manager_a).get(reverse("campaigns:editions")).text
    assert "Nouvelle campagne d'appels mystères interne" in page
    assert f'action="{reverse("campaigns:internal_create")}"' in page
    assert 'name="calls"' in page and "Préfecture du Loiret" in page
    operator_page = client_for(operator).get(reverse("campaigns:editions")).text
    assert "Nouvelle campagne d'appels mystères interne" not in operator_page


def test_the_manager_sets_the_target_of_satisfactory_calls(client_for, manager_a, structure_a):
    client = client_for(manager_a)
    form = {
        "structure": structure_a.pk,
        "name": "Appels 2023",
        "starts": "2023-11-02",
        "ends": "2023-11-30",
        "calls": "20",
    }
    client.post(reverse("campaigns:internal_create"), {**form, "target": "90"})
    assert Edition.objects.get(owner=structure_a).grid.parsed().satisfaction.target == 90
    Edition.objects.all().delete()
    client.post(reverse("campaigns:internal_create"), form)
    assert Edition.objects.get(owner=structure_a).grid.parsed().satisfaction.target == 85
