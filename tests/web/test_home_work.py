"""Issue 30, item 4: each role's home lists the day's work, counted and linked, says so
when there is nothing, and reads the same number of queries whatever the data."""

import datetime as dt
import html as markup
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from barometre.campaigns import callers, lifecycle
from barometre.campaigns.models import AuditTask, Edition
from barometre.core.models import ExportFile
from barometre.improvement import register, surveys
from barometre.improvement.models import Meeting, Questionnaire, SurveyMailing
from barometre.results.models import ResultSet
from tests.campaigns.conftest import edition, grid, in_fieldwork, second_auditor  # noqa: F401

pytestmark = pytest.mark.django_db

# Wednesday 14 May 2025: the national edition's fieldwork opened on 5 May.
NOW = dt.datetime(2025, 5, 14, 9, tzinfo=dt.UTC)
TODAY = NOW.date()


def shown(page: str) -> str:
    """The page's text as read, tags taken out: « 1 audit soumis à valider »."""
    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", page)))


def _home(client) -> str:
    return shown(client.get(reverse("home")).text)


def _entry(structure, received, **fields):
    entry, _ = register.create_entry(
        structure,
        kind="complaint",
        channel="email",
        received_on=received,
        subject="Standard injoignable",
        description="d",
        **fields,
    )
    return entry


@time_machine.travel(NOW, tick=False)
def test_an_operator_with_nothing_to_do_is_told_so(client_for, operator):
    page = _home(client_for(operator))
    assert "Le travail du jour" in page
    for sentence in (
        "Rien à valider aujourd'hui.",
        "Aucun audit en retard sur le terrain.",
        "Aucun changement de phase attendu.",
        "Aucune tâche à relancer.",
    ):
        assert sentence in page
    assert "Pilotage du baromètre" in page  # the registry's counts stay below


@time_machine.travel(NOW, tick=False)
def test_the_operators_home_lists_validation_late_audits_phases_and_jobs(
    client_for,
    operator,
    in_fieldwork,  # noqa: F811
    grid,  # noqa: F811
):
    tasks = AuditTask.objects.filter(edition=in_fieldwork).order_by("pk")
    first, second, *rest = tasks
    AuditTask.objects.filter(pk=first.pk).update(status="submitted")
    # Planned on the 6th, nothing sent: late. A task of today is not.
    AuditTask.objects.filter(pk=second.pk).update(
        scheduled_at=dt.datetime(2025, 5, 6, 10, tzinfo=dt.UTC)
    )
    AuditTask.objects.filter(pk__in=[t.pk for t in rest]).update(scheduled_at=NOW)
    # An edition whose fieldwork should have started on the 12th, still in enrolment.
    waiting = lifecycle.create_edition(
        year=2025,
        name="Baromètre des CCAS",
        grid=grid,
        enrolment_opens=dt.date(2025, 3, 1),
        enrolment_closes=dt.date(2025, 5, 9),
        fieldwork_starts=dt.date(2025, 5, 12),
        fieldwork_ends=dt.date(2025, 6, 30),
        by=operator,
    )
    lifecycle.advance(waiting, by=operator)
    ResultSet.objects.create(
        edition=in_fieldwork,
        version=1,
        grid=in_fieldwork.grid,
        requested_by=operator,
        status="failed",
    )
    export = ExportFile.objects.create(
        title="Export des audits — Baromètre 2025",
        builder="x",
        filename="a.xlsx",
        status="running",
        requested_by=operator,
    )
    ExportFile.objects.filter(pk=export.pk).update(
        requested_at=NOW - dt.timedelta(minutes=40), heartbeat=NOW - dt.timedelta(minutes=20)
    )
    html = client_for(operator).get(reverse("home")).text
    page = shown(html)
    assert "1 audit soumis à valider" in page
    assert f'href="{reverse("campaigns:validation")}"' in html
    assert "1 audit en retard — Baromètre 2025" in page
    assert f'href="{reverse("campaigns:edition_audits", args=[in_fieldwork.pk])}"' in html
    assert "Baromètre des CCAS : passer en phase « Terrain »" in page
    assert "le terrain devait commencer le 12/05/2025" in page
    assert f'href="{reverse("campaigns:edition_phase", args=[waiting.pk])}"' in html
    assert "Calcul des résultats — Baromètre 2025, version 1 en échec" in page
    assert "Export des audits — Baromètre 2025 sans signe de vie depuis 20 minutes" in page
    assert f'href="{reverse("export_status", args=[export.pk])}"' in html
    assert "Rien à valider aujourd'hui." not in page


@time_machine.travel(NOW, tick=False)
def test_an_auditors_home_counts_their_week(
    client_for,
    auditor,
    in_fieldwork,  # noqa: F811
):
    AuditTask.objects.filter(edition=in_fieldwork).update(auditor=auditor)
    mine = AuditTask.objects.filter(edition=in_fieldwork, auditor=auditor).order_by("pk")
    returned, *others = mine
    AuditTask.objects.filter(pk=returned.pk).update(status="returned")
    AuditTask.objects.filter(pk__in=[t.pk for t in others]).update(
        scheduled_at=dt.datetime(2025, 5, 16, 10, tzinfo=dt.UTC)
    )
    html = client_for(auditor).get(reverse("home")).text
    page = shown(html)
    assert "1 audit renvoyé pour correction" in page
    count = len(others)
    assert f"{count} audit{'s' if count > 1 else ''} à faire d'ici la fin de la semaine" in page
    assert f'href="{reverse("campaigns:my_tasks")}#returned"' in html
    AuditTask.objects.filter(auditor=auditor).delete()
    assert "Rien à faire cette semaine." in _home(client_for(auditor))


@time_machine.travel(NOW, tick=False)
def test_a_managers_home_lists_register_mailings_committee_and_calls(
    client_for, manager_a, manager_b, agent_a, structure_a
):
    overdue = _entry(structure_a, dt.date(2025, 4, 1))
    soon = _entry(structure_a, dt.date(2025, 5, 7))
    assert overdue.answer_due < TODAY <= soon.answer_due
    questionnaire = surveys.create_from_template(structure_a)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(title="Accueil 2025")
    questionnaire.refresh_from_db()
    SurveyMailing.objects.create(
        questionnaire=questionnaire, closes_on=dt.date(2025, 6, 1), invited=40, created_by=manager_a
    )
    meeting = Meeting.objects.create(structure=structure_a, held_on=dt.date(2025, 6, 12))
    campaign = lifecycle.create_internal_campaign(
        structure_a,
        name="Appels de mai",
        starts=dt.date(2025, 5, 5),
        ends=dt.date(2025, 5, 30),
        calls=5,
        by=manager_a,
    )
    callers.name_caller(campaign, agent_a, by=manager_a)
    lifecycle.plan_fieldwork(campaign, by=manager_a)
    lifecycle.advance(campaign, by=manager_a)
    AuditTask.objects.filter(pk=campaign.tasks.first().pk).update(status="submitted")
    html = client_for(manager_a).get(reverse("home")).text
    page = shown(html)
    entries = reverse("improvement:entries", args=[structure_a.pk])
    assert "1 réponse en retard" in page and f'href="{entries}?echeance=retard"' in html
    assert "1 réponse à donner sous deux jours ouvrés" in page
    assert "« Accueil 2025 » 40 invitations, clôture le 01/06/2025" in page
    assert "Prochain comité des usagers le 12/06/2025" in page
    assert f'href="{reverse("improvement:meeting", args=[structure_a.pk, meeting.pk])}"' in html
    assert "1 appel mystère à valider" in page
    # Another structure's manager sees none of it.
    other = _home(client_for(manager_b))
    assert "Accueil 2025" not in other and "1 appel mystère" not in other
    assert "Aucune enquête par courriel en cours." in other
    assert "Aucun appel mystère à valider." in other
    assert "Aucune réponse en retard ni attendue dans les deux jours ouvrés." in other
    assert "Aucun comité des usagers programmé" in other


@time_machine.travel(NOW, tick=False)
def test_an_agents_home_lists_the_entries_given_to_them_and_their_calls(
    client_for, manager_a, agent_a, viewer_a, structure_a
):
    page = _home(client_for(agent_a))
    assert "Aucun dossier ouvert ne vous est confié." in page
    entry = _entry(structure_a, dt.date(2025, 4, 1), assigned_to=agent_a)
    _entry(structure_a, dt.date(2025, 4, 2))  # somebody else's
    html = client_for(agent_a).get(reverse("home")).text
    page = shown(html)
    assert f"{entry.reference} — Standard injoignable" in page
    assert f"réponse attendue le {entry.answer_due:%d/%m/%Y}" in page
    assert f'href="{reverse("improvement:entry", args=[entry.pk])}"' in html
    assert page.count("Standard injoignable") == 1
    # The committee's member reads the next meeting and the last minutes, no register.
    Meeting.objects.create(structure=structure_a, held_on=dt.date(2025, 1, 9))
    html = client_for(viewer_a).get(reverse("home")).text
    page = shown(html)
    assert "Aucune réunion du comité n'est encore programmée." in page
    assert "Compte rendu de la réunion du 09/01/2025" in page
    assert "Bilan qualité 2024" in page and "Standard injoignable" not in page


def _count(client) -> int:
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


@time_machine.travel(NOW, tick=False)
def test_every_home_reads_the_same_number_of_queries_with_more_work(
    client_for,
    personas,
    structure_a,
    in_fieldwork,  # noqa: F811
):
    del personas["anonymous"]
    before = {name: _count(client_for(user)) for name, user in personas.items()}
    auditor, operator = personas["auditor"], personas["operator"]
    for i in range(6):
        _entry(structure_a, dt.date(2025, 4, 1 + i), assigned_to=personas["agent_a"])
        Meeting.objects.create(structure=structure_a, held_on=dt.date(2025, 6, 1 + i))
        questionnaire = surveys.create_from_template(structure_a)
        SurveyMailing.objects.create(questionnaire=questionnaire, closes_on=dt.date(2025, 6, 1))
        AuditTask.objects.create(
            edition=in_fieldwork,
            structure=structure_a,
            channel="phone",
            sequence=10 + i,
            scheduled_at=timezone.now() - dt.timedelta(days=i + 1),
            auditor=auditor,
            status="submitted" if i % 2 else "assigned",
        )
        edition_copy = Edition.objects.get(pk=in_fieldwork.pk)
        edition_copy.pk, edition_copy.name = None, f"Baromètre {i}"
        edition_copy.save()
        ResultSet.objects.create(
            edition=edition_copy,
            version=1,
            grid=in_fieldwork.grid,
            requested_by=operator,
            status="failed",
        )
    after = {name: _count(client_for(user)) for name, user in personas.items()}
    assert after == before
