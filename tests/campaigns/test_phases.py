"""Phase changes as reviewed decisions: each refusal says why in French and changes
nothing; an early start needs a logged reason; closing the fieldwork extends the window
or closes the audits not done, which leave the auditors' lists and are never scored."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from barometre.campaigns import lifecycle, workflow
from barometre.campaigns.models import Answer, AuditTask, Edition, EditionTransition
from barometre.core.errors import Refused
from barometre.structures.models import ContactPoint
from tests.campaigns.test_transfer import filled  # noqa: F401

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def _snapshot(edition):
    edition.refresh_from_db()
    tasks = sorted(edition.tasks.values_list("pk", "status", "auditor_id", "version"))
    return edition.status, edition.fieldwork_ends, tasks, edition.transitions.count()


@pytest.fixture
def planned(edition, operator, structure_a, auditor, second_auditor):
    """The Loiret enrolled on phone and e-mail, planned and assigned, still in enrolment."""
    from barometre.campaigns.models import AuditorProfile

    AuditorProfile.objects.create(user=auditor, departments=["45"], weekly_capacity=20)
    ContactPoint.objects.create(structure=structure_a, channel="email", value="pref@example.fr")
    lifecycle.advance(edition, by=operator)
    lifecycle.enrol(edition, structure_a, by=operator)
    lifecycle.plan_fieldwork(edition, by=operator)
    AuditTask.objects.filter(edition=edition, auditor__isnull=True).update(
        auditor=second_auditor, status="assigned", planning_problem=""
    )
    edition.refresh_from_db()
    return edition


@time_machine.travel(dt.datetime(2025, 4, 28, 10, tzinfo=PARIS), tick=False)
def test_fieldwork_does_not_start_before_its_window_without_a_reason(planned, operator):
    before = _snapshot(planned)
    with pytest.raises(Refused) as caught:
        lifecycle.advance(planned, by=operator)
    assert caught.value.reasons == [
        "le terrain ne s'ouvre que le 05/05/2025 : pour le commencer plus tôt, confirmez un "
        "démarrage anticipé en indiquant sa raison"
    ]
    assert _snapshot(planned) == before
    with pytest.raises(Refused):
        lifecycle.advance(planned, by=operator, reason="   ")
    edition = lifecycle.advance(planned, by=operator, reason="Enquêteurs disponibles plus tôt")
    assert edition.status == "fieldwork"
    transition = edition.transitions.get(target="fieldwork")
    assert transition.reason == (
        "démarrage anticipé (terrain prévu à partir du 05/05/2025) : Enquêteurs disponibles "
        "plus tôt"
    )


@time_machine.travel(dt.datetime(2025, 5, 5, 8, tzinfo=PARIS), tick=False)
def test_fieldwork_starts_on_its_first_day_without_a_reason(planned, operator):
    assert lifecycle.advance(planned, by=operator).status == "fieldwork"
    assert planned.transitions.get(target="fieldwork").reason == ""


def test_closing_fieldwork_lists_the_audits_not_done_then_closes_them(
    in_fieldwork, operator, auditor, client_for
):
    edition = in_fieldwork
    email = edition.tasks.filter(channel="email", auditor=auditor).first()
    if email is None:
        email = edition.tasks.filter(channel="email").first()
        AuditTask.objects.filter(pk=email.pk).update(auditor=auditor)
        email.refresh_from_db()
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, tzinfo=PARIS), tick=False):
        workflow.record_sending(
            email, sent_at=dt.datetime(2025, 6, 2, 9, tzinfo=PARIS), text="Bonjour", by=auditor
        )
    review = lifecycle.review_phase_change(edition)
    assert review.target == "validation"
    assert (review.not_started, review.awaiting) == (4, 1)
    assert dict(review.by_status) == {"Attribué": 4, "En attente de réponse": 1}
    assert review.by_channel == [("Téléphone", [3, 0]), ("Courriel ou formulaire", [1, 1])]
    # After the closure nothing would be realised on the phone: the review says so.
    assert [(s.name, channels) for s, channels in review.uncovered] == [
        ("Préfecture du Loiret", ["Téléphone", "Courriel ou formulaire"])
    ]

    before = _snapshot(edition)
    with pytest.raises(Refused) as caught:
        lifecycle.advance(edition, by=operator)
    assert caught.value.reasons == [
        "5 audits ne sont pas réalisés : prolongez le terrain ou clôturez-les comme non réalisés"
    ]
    assert _snapshot(edition) == before

    lifecycle.advance(edition, by=operator, close_not_done=True)
    edition.refresh_from_db()
    assert edition.status == "validation"
    statuses = dict(edition.tasks.values_list("pk", "status"))
    assert sorted(statuses.values()) == ["not_done"] * 4 + ["submitted"]
    email.refresh_from_db()
    assert email.no_reply and email.status == "submitted"
    assert edition.transitions.get(target="validation").reason == (
        "4 audits clôturés comme non réalisés ; 1 envoi clôturé sans réponse"
    )
    # The closed audits leave the auditor's list and are never scored: no answers.
    page = client_for(auditor).get(reverse("campaigns:my_tasks"))
    for pk, status in statuses.items():
        if status == "not_done":
            assert f"/terrain/audits/{pk}/" not in page.text
    assert not Answer.objects.filter(task__status="not_done").exists()


def test_closed_audits_count_as_missing_coverage_not_as_zero(filled, operator, client_for):  # noqa: F811
    from barometre.results.computing import request_computation

    metz_phone = AuditTask.objects.filter(
        edition=filled, structure__name="Ville de Metz", channel="phone"
    )
    full = request_computation(filled, by=operator)
    full.refresh_from_db()
    before = full.structures.get(structure__name="Ville de Metz")
    # One of Metz's two phone audits was in fact never done.
    AuditTask.objects.filter(pk=metz_phone.first().pk).update(status="not_done")
    Answer.objects.filter(task__status="not_done").delete()
    again = request_computation(filled, by=operator)
    again.refresh_from_db()
    after = again.structures.get(structure__name="Ville de Metz")
    assert after.audits == before.audits - 1
    assert after.coverage < before.coverage
    assert after.details["channels"]["phone"] == pytest.approx(before.details["channels"]["phone"])
    assert after.details["not_done"] == {"phone": 1} and "not_done" not in before.details
    from barometre.results.reports import structure_report

    assert structure_report(after).not_done == 1
    url = reverse("results:dashboard", args=[filled.pk, after.structure_id])
    page = client_for(operator).get(url).text
    assert "1 audit non réalisé : couverture manquante, pas un zéro." in page


@time_machine.travel(dt.datetime(2025, 7, 20, 10, tzinfo=PARIS), tick=False)
def test_extending_the_fieldwork_is_checked_and_logged(in_fieldwork, operator):
    edition = in_fieldwork
    before = _snapshot(edition)
    with pytest.raises(Refused) as caught:
        lifecycle.extend_fieldwork(edition, dt.date(2025, 7, 1), by=operator)
    assert caught.value.reasons == [
        "la nouvelle fin du terrain doit suivre l'actuelle (25/07/2025)",
        "la nouvelle fin du terrain est déjà passée",
    ]
    assert _snapshot(edition) == before
    edition = lifecycle.extend_fieldwork(edition, dt.date(2025, 8, 29), by=operator)
    assert edition.fieldwork_ends == dt.date(2025, 8, 29) and edition.status == "fieldwork"
    log = edition.transitions.get(source="fieldwork", target="fieldwork")
    assert (log.source, log.target) == ("fieldwork", "fieldwork")
    assert log.reason == "terrain prolongé du 25/07/2025 au 29/08/2025"
    assert str(log) == "Terrain : terrain prolongé du 25/07/2025 au 29/08/2025"
    assert edition.tasks.filter(status="assigned").count() == 5  # still with their auditors


def test_results_wait_for_returned_audits_too(in_fieldwork, operator):
    edition = in_fieldwork
    tasks = list(edition.tasks.order_by("pk"))
    AuditTask.objects.filter(pk=tasks[0].pk).update(status="returned")
    AuditTask.objects.filter(pk__in=[t.pk for t in tasks[1:]]).update(status="validated")
    lifecycle.advance(edition, by=operator)
    with pytest.raises(Refused) as caught:
        lifecycle.advance(edition, by=operator)
    assert caught.value.reasons == ["1 audit renvoyé attend la correction de l'enquêteur"]
    edition.refresh_from_db()
    assert edition.status == "validation"


def test_the_phase_page_reviews_then_confirms(in_fieldwork, operator, client_for):
    client = client_for(operator)
    url = reverse("campaigns:edition_phase", args=[in_fieldwork.pk])
    page = client.get(url)
    assert "Passer en phase « Validation »" in page.text
    assert "5 audits ne sont pas réalisés" in page.text
    assert "Clôturer les audits non réalisés" in page.text
    refused = client.post(url, {"action": "advance"}, follow=True)
    assert "5 audits ne sont pas réalisés : prolongez le terrain" in refused.text
    assert Edition.objects.get(pk=in_fieldwork.pk).status == "fieldwork"
    done = client.post(url, {"action": "advance", "close_not_done": "on"}, follow=True)
    assert "L&#x27;édition passe en phase « Validation »." in done.text
    assert "5 audits clôturés comme non réalisés" in done.text  # the phase log
    assert EditionTransition.objects.filter(edition=in_fieldwork, target="validation").exists()


def test_the_phase_page_extends_the_window(in_fieldwork, operator, client_for):
    client = client_for(operator)
    url = reverse("campaigns:edition_phase", args=[in_fieldwork.pk])
    with time_machine.travel(dt.datetime(2025, 7, 20, 10, tzinfo=PARIS), tick=False):
        refused = client.post(url, {"action": "extend", "ends": "2025-07-01"}, follow=True)
        assert "La nouvelle fin du terrain doit suivre l&#x27;actuelle" in refused.text
        done = client.post(url, {"action": "extend", "ends": "2025-08-29"}, follow=True)
    assert "Terrain prolongé jusqu&#x27;au 29/08/2025." in done.text
    in_fieldwork.refresh_from_db()
    assert in_fieldwork.fieldwork_ends == dt.date(2025, 8, 29)


def test_an_early_start_is_confirmed_on_the_phase_page(planned, operator, client_for):
    client = client_for(operator)
    url = reverse("campaigns:edition_phase", args=[planned.pk])
    with time_machine.travel(dt.datetime(2025, 4, 28, 10, tzinfo=PARIS), tick=False):
        page = client.get(url)
        assert "Raison du démarrage anticipé" in page.text
        refused = client.post(url, {"action": "advance"}, follow=True)
        assert "Le terrain ne s&#x27;ouvre que le 05/05/2025" in refused.text
        assert Edition.objects.get(pk=planned.pk).status == "enrolment"
        client.post(url, {"action": "advance", "reason": "Formation des enquêteurs avancée"})
    planned.refresh_from_db()
    assert planned.status == "fieldwork"
    assert "Formation des enquêteurs avancée" in planned.transitions.get(target="fieldwork").reason
