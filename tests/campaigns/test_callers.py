"""Issue 30, item 3: an internal campaign is called by the people its structure names
(its agents, or a person invited for that campaign), never by the national auditors; and
nothing is late before fieldwork starts."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from barometre.accounts.models import Membership, Role, User
from barometre.campaigns import callers, lifecycle
from barometre.campaigns.models import AuditorProfile, AuditTask, CampaignCaller
from barometre.core.errors import Refused

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 11, 12, 10, tzinfo=dt.UTC)


@pytest.fixture
def national_auditor(auditor):
    """The operator's auditor, with a profile covering the préfecture: the planner would
    take them if it were allowed to."""
    AuditorProfile.objects.create(user=auditor, departments=["45"], weekly_capacity=50)
    return auditor


@pytest.fixture
def campaign(manager_a, structure_a):
    """Fifteen calls in November, created on 3 November: enrolment until planned."""
    with time_machine.travel(dt.datetime(2025, 11, 3, 9, tzinfo=dt.UTC), tick=False):
        return lifecycle.create_internal_campaign(
            structure_a,
            name="Appels mystères novembre",
            starts=dt.date(2025, 11, 3),
            ends=dt.date(2025, 11, 28),
            calls=15,
            by=manager_a,
        )


def test_planning_waits_for_callers_and_never_takes_a_national_auditor(
    campaign, manager_a, agent_a, national_auditor
):
    with pytest.raises(Refused, match="nommez d'abord les appelants"):
        lifecycle.plan_fieldwork(campaign, by=manager_a)
    callers.name_caller(campaign, agent_a, by=manager_a, weekly_capacity=10)
    caller, password = callers.invite_caller(
        campaign, first_name="Inès", last_name="Appelante", email="ines@example.fr", by=manager_a
    )
    assert caller.user.username == "ines.appelante" and caller.user.check_password(password)
    assert not caller.user.memberships.exists()  # the campaign is their only access
    left = lifecycle.plan_fieldwork(campaign, by=manager_a)
    tasks = AuditTask.objects.filter(edition=campaign)
    assert not left and tasks.count() == 15
    assert set(tasks.values_list("auditor__username", flat=True)) == {
        agent_a.username,
        "ines.appelante",
    }
    # By hand neither: a national auditor is refused on one of its calls.
    with pytest.raises(Refused, match="n'est pas appelant de cette campagne"):
        lifecycle.reassign(tasks.first(), national_auditor, by=manager_a)
    assert set(lifecycle.staff(campaign)) == {agent_a, caller.user}


def test_only_the_structures_people_are_named(
    campaign, manager_a, manager_b, structure_b, national_auditor, operator
):
    agent_b = User.objects.create_user("agent-metz")
    Membership.objects.create(user=agent_b, role=Role.AGENT, structure=structure_b)
    with pytest.raises(Refused, match="ni agent ni responsable qualité de la structure"):
        callers.name_caller(campaign, agent_b, by=manager_a)
    with pytest.raises(Refused, match="enquêteur ou opérateur du baromètre national"):
        callers.name_caller(campaign, national_auditor, by=manager_a)
    with pytest.raises(Refused, match="enquêteur ou opérateur du baromètre national"):
        callers.name_caller(campaign, operator, by=manager_a)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):  # another structure's manager runs nothing here
        callers.invite_caller(campaign, first_name="A", last_name="B", email="", by=manager_b)
    assert not CampaignCaller.objects.exists()


def test_the_callers_page_names_invites_and_removes(
    client_for, campaign, manager_a, manager_b, agent_a, viewer_a, national_auditor
):
    url = reverse("campaigns:edition_callers", args=[campaign.pk])
    client = client_for(manager_a)
    page = client.get(url).text
    assert "Aucun appelant" in page
    assert f'<option value="{agent_a.pk}">' in page  # the structure's agent is offered
    assert f'<option value="{national_auditor.pk}">' not in page
    client.post(url, {"action": "name", "user": agent_a.pk, "weekly_capacity": "5"})
    page = client.post(
        url,
        {"action": "invite", "first_name": "Paul", "last_name": "Appel", "weekly_capacity": "10"},
    ).text
    invited = User.objects.get(username="paul.appel")
    shown = page.split("mot de passe :")[1].split("</code>")[0].split("<code>")[1]
    assert invited.check_password(shown)  # shown once, to hand over
    assert "Transmettez-les à la personne" in page
    assert "Transmettez-les" not in client.get(url).text
    assert set(campaign.callers.values_list("user__username", "weekly_capacity", "invited")) == {
        ("paul.appel", 10, True),
        (agent_a.username, 5, False),
    }
    lifecycle.plan_fieldwork(campaign, by=manager_a)
    caller = campaign.callers.get(user=agent_a)
    released = campaign.tasks.filter(auditor=agent_a).count()
    page = client.post(url, {"action": "remove", "caller": caller.pk}, follow=True).text
    assert f"n&#x27;appelle plus pour cette campagne ; {released} appels à réattribuer" in page
    assert campaign.tasks.filter(auditor__isnull=True).count() == released
    # Another structure's manager does not learn the campaign exists; others may not run it.
    assert client_for(manager_b).get(url).status_code == 404
    assert client_for(manager_b).post(url, {"action": "remove", "caller": 1}).status_code == 404
    for persona in (agent_a, viewer_a, national_auditor):
        assert client_for(persona).get(url).status_code == 403
    # The campaign's other pages, where callers are listed or offered: the same rule.
    for name in ("campaigns:edition", "campaigns:edition_audits"):
        page = reverse(name, args=[campaign.pk])
        assert "Paul Appel" in client_for(manager_a).get(page).text
        assert client_for(manager_b).get(page).status_code == 404
        assert client_for(national_auditor).get(page).status_code == 403
    planning = client_for(manager_a).get(reverse("campaigns:edition_audits", args=[campaign.pk]))
    assert f'<option value="{invited.pk}">' in planning.text  # reassign among callers only
    assert f'<option value="{national_auditor.pk}">' not in planning.text


def _started(campaign, manager_a):
    lifecycle.plan_fieldwork(campaign, by=manager_a)
    with time_machine.travel(dt.datetime(2025, 11, 3, 9, tzinfo=dt.UTC), tick=False):
        return lifecycle.advance(campaign, by=manager_a)


@time_machine.travel(NOW, tick=False)
def test_a_caller_sees_their_calls_and_a_national_auditor_sees_nothing_of_them(
    client_for, campaign, manager_a, agent_a, national_auditor, edition, structure_a
):
    callers.name_caller(campaign, agent_a, by=manager_a)
    _started(campaign, manager_a)
    call = campaign.tasks.order_by("scheduled_at").first()
    # A task given to the national auditor before this rule (an old planning): hidden too.
    legacy = campaign.tasks.order_by("scheduled_at").last()
    AuditTask.objects.filter(pk=legacy.pk).update(auditor=national_auditor)
    mine = client_for(agent_a)
    home = mine.get(reverse("home")).text
    assert "Mes appels mystères" in home  # the menu entry
    tasks = mine.get(reverse("campaigns:my_tasks")).text
    assert "<h1>Mes appels mystères</h1>" in tasks and structure_a.name in tasks
    assert mine.get(reverse("campaigns:task", args=[call.pk])).status_code == 200
    api = mine.get(reverse("api:list_audits")).json()
    assert call.pk in {a["id"] for a in api["items"]} and legacy.pk not in {
        a["id"] for a in api["items"]
    }
    # The caller sees nothing else: no registry, no editions, no other task.
    assert mine.get(reverse("campaigns:editions")).status_code == 403
    assert mine.get(reverse("campaigns:task", args=[legacy.pk])).status_code == 404

    national = client_for(national_auditor)
    page = national.get(reverse("campaigns:my_tasks")).text
    assert structure_a.name not in page and "Aucun audit." in page
    for task in (call, legacy):
        assert national.get(reverse("campaigns:task", args=[task.pk])).status_code == 404
        assert national.get(reverse("api:get_audit", args=[task.pk])).status_code == 404
    assert national.get(reverse("api:list_audits")).json()["items"] == []
    assert structure_a.name not in national.get(reverse("home")).text
    assert national.get(reverse("campaigns:edition_export", args=[campaign.pk])).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_nothing_is_late_before_fieldwork_starts(client_for, campaign, manager_a, agent_a):
    callers.name_caller(campaign, agent_a, by=manager_a)
    lifecycle.plan_fieldwork(campaign, by=manager_a)  # calls from 3 November, still enrolment
    assert campaign.tasks.filter(scheduled_at__date__lt=NOW.date()).exists()
    page = client_for(agent_a).get(reverse("campaigns:my_tasks")).text
    late = page.split("En retard")[1].split("</h2>")[1].split("<h2")[0]
    assert "Aucun appel." in late
    waiting = page.split("Terrain pas encore ouvert")[1]
    assert waiting.count(reverse("campaigns:task", args=[0])[:-2]) == 15
    assert "ouverture du terrain prévue le 3 novembre 2025" in waiting
    _started(campaign, manager_a)
    page = client_for(agent_a).get(reverse("campaigns:my_tasks")).text
    late = page.split("En retard")[1].split("<h2")[0]
    assert "Aucun appel." not in late


def test_the_demo_staffs_its_internal_campaigns_with_the_structures_own_callers(
    campaign, manager_a, agent_a, national_auditor, structure_a
):
    from barometre.demo.improvement import _name_callers

    _name_callers(campaign, structure_a, manager_a)
    lifecycle.plan_fieldwork(campaign, by=manager_a)
    staff = set(campaign.tasks.values_list("auditor__username", flat=True))
    assert staff == {agent_a.username, "ines.appelante"}
    # The next year's campaign names the same invited person again, with no new account.
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        later = lifecycle.create_internal_campaign(
            structure_a,
            name="Appels mystères 2026",
            starts=dt.date(2026, 3, 2),
            ends=dt.date(2026, 4, 30),
            calls=15,
            by=manager_a,
        )
    _name_callers(later, structure_a, manager_a)
    assert User.objects.filter(first_name="Inès").count() == 1
    assert set(later.callers.values_list("user__username", flat=True)) == staff
