"""Survey invitations go out from the task worker, never in the manager's request: a list
of 600 addresses at a quarter of a second each timed the request out after 395 e-mails,
and the rollback deleted every invitation. Each invitation is recorded just before its
e-mail leaves, so a worker killed midway is relaunched from the questionnaire's page and
mails only those not yet mailed."""

import datetime as dt
import html
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from barometre.core.background import STALE_AFTER
from barometre.improvement import mailings
from barometre.improvement.models import SurveyInvitation, SurveyMailing
from tests.improvement.test_mailings import _send

pytestmark = pytest.mark.django_db
SIXTY = [f"usager{i:02d}@example.fr" for i in range(60)]


@pytest.fixture
def queued_only(settings):
    """A worker that takes nothing: what the request itself does."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


class Killed(BaseException):
    """What a ``kill -9`` does to the loop: nothing after it runs (not even ``except``)."""


def _dying_after(n: int, monkeypatch, error: BaseException):
    real = mailings._send
    calls = {"n": 0}

    def send(invitation, *, reminder):
        calls["n"] += 1
        if calls["n"] > n:
            raise error
        real(invitation, reminder=reminder)

    monkeypatch.setattr(mailings, "_send", send)


def _page(client, questionnaire) -> str:
    response = client.get(reverse("improvement:questionnaire", args=[questionnaire.pk]))
    return " ".join(html.unescape(response.content.decode()).split())


def test_the_request_records_the_invitations_and_sends_nothing(
    client_for, manager_a, questionnaire, mailoutbox, queued_only
):
    response = _send(client_for(manager_a), questionnaire, SIXTY)
    assert "60 invitations en cours d'envoi par courriel" in html.unescape(response.text)
    assert mailoutbox == []
    mailing = SurveyMailing.objects.get()
    assert (mailing.status, mailing.invited, mailing.invitations.count()) == ("queued", 60, 60)
    page = _page(client_for(manager_a), questionnaire)
    assert "Invitations en cours d'envoi : 0 sur 60" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert mailings.deliver(mailing.pk, reminder=False) == 60
    assert sorted(m.to[0] for m in mailoutbox) == SIXTY
    assert SurveyMailing.objects.get().status == "done"
    assert mailings.deliver(mailing.pk, reminder=False) == 0  # a second run mails no one


def test_a_worker_killed_midway_is_relaunched_and_mails_nobody_twice(
    client_for, manager_a, questionnaire, mailoutbox, monkeypatch
):
    _dying_after(25, monkeypatch, Killed())
    _send(client_for(manager_a), questionnaire, SIXTY)  # the task dies in the worker
    monkeypatch.undo()
    mailing = SurveyMailing.objects.get()
    assert len(mailoutbox) == 25 and mailing.status == "running"
    # The one being sent when it died is recorded sent: at most once, never twice.
    assert mailing.invitations.filter(sent_at__isnull=False).count() == 26
    client = client_for(manager_a)
    assert "Relancer l'envoi" not in _page(client, questionnaire)  # still « alive »
    SurveyMailing.objects.filter(pk=mailing.pk).update(
        heartbeat=timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
    )
    page = _page(client, questionnaire)
    assert "Envoi interrompu à 26 sur 60 (aucun signe de vie depuis 16 minutes" in page
    assert "personne n'a reçu de courriel en double ; relancez l'envoi." in page
    client.post(reverse("improvement:mailing_resume", args=[mailing.pk]))
    sent = Counter(m.to[0] for m in mailoutbox)
    assert len(sent) == 59 and set(sent.values()) == {1}
    assert SurveyMailing.objects.get().status == "done"
    assert SurveyInvitation.objects.filter(sent_at__isnull=True).count() == 0
    # The one being sent when the worker died may not have left: the page says so.
    assert SurveyInvitation.objects.filter(in_flight=True).count() == 1
    assert (
        "1 courriel dont l'envoi n'a pas pu être confirmé (traitement arrêté pendant "
        "l'envoi) : ni renvoyé, pour ne jamais écrire deux fois." in _page(client, questionnaire)
    )


def test_a_refusing_mail_server_fails_the_sending_which_resumes_later(
    client_for, manager_a, questionnaire, mailoutbox, monkeypatch
):
    _dying_after(10, monkeypatch, ConnectionRefusedError("serveur de courriel injoignable"))
    client = client_for(manager_a)
    _send(client, questionnaire, SIXTY)  # the task fails in the worker
    monkeypatch.undo()
    mailing = SurveyMailing.objects.get()
    assert (mailing.status, len(mailoutbox)) == ("failed", 10)
    assert mailing.error == "Envoi interrompu après 10 courriels : serveur de courriel injoignable"
    assert mailing.invitations.filter(sent_at__isnull=False).count() == 10  # not the 11th
    assert "Envoi interrompu à 10 sur 60" in _page(client, questionnaire)
    client.post(reverse("improvement:mailing_resume", args=[mailing.pk]))
    assert sorted(m.to[0] for m in mailoutbox) == SIXTY


def test_the_reminder_goes_out_from_the_worker_too(
    client_for, manager_a, questionnaire, mailoutbox, monkeypatch
):
    client = client_for(manager_a)
    _send(client, questionnaire, SIXTY)
    mailing = SurveyMailing.objects.get()
    mailoutbox.clear()
    _dying_after(5, monkeypatch, Killed())
    client.post(reverse("improvement:mailing_remind", args=[mailing.pk]))  # dies midway
    monkeypatch.undo()
    SurveyMailing.objects.filter(pk=mailing.pk).update(
        heartbeat=timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
    )
    assert "Envoi interrompu à 6 sur 60" in _page(client, questionnaire)
    client.post(reverse("improvement:mailing_resume", args=[mailing.pk]))
    reminded = Counter(m.to[0] for m in mailoutbox)
    assert len(reminded) == 59 and set(reminded.values()) == {1}
    assert all(m.subject.startswith("Rappel : ") for m in mailoutbox)


def test_only_the_structures_managers_relaunch(
    client_for, manager_a, manager_b, agent_a, questionnaire, queued_only
):
    _send(client_for(manager_a), questionnaire, SIXTY[:2])
    mailing = SurveyMailing.objects.get()
    url = reverse("improvement:mailing_resume", args=[mailing.pk])
    assert client_for(manager_b).post(url).status_code == 404
    assert client_for(agent_a).post(url).status_code in (403, 404)
    assert client_for(manager_a).get(url).status_code == 405
