"""Satisfaction surveys by e-mail (seed 004: "3 réponses sur 40 enquêtes mails"): a list
checked row by row, single-use links, one reminder, unsubscribing honoured, the response
rate with the results, addresses deleted when the survey closes."""

import datetime as dt
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from barometre.improvement import mailings
from barometre.improvement.models import SurveyInvitation, SurveyMailing, SurveyResponse
from tests.improvement.test_public import _survey_data

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://localhost:8000(/u/invitation/[A-Za-z0-9_-]+/)\n")
UNSUBSCRIBE = re.compile(r"http://localhost:8000(/u/invitation/[A-Za-z0-9_-]+/desinscription/)")


def _csv(addresses: list[str]) -> SimpleUploadedFile:
    content = "\r\n".join(["courriel", *addresses]).encode()
    return SimpleUploadedFile("adresses.csv", content)


def _closes_on() -> str:
    return (timezone.localdate() + dt.timedelta(days=30)).isoformat()


def _send(client, questionnaire, addresses):
    return client.post(
        reverse("improvement:mailing_create", args=[questionnaire.pk]),
        {"file": _csv(addresses), "closes_on": _closes_on()},
        follow=True,
    )


FORTY = [f"usager{i:02d}@example.fr" for i in range(40)]


def test_the_list_is_checked_row_by_row_and_nothing_is_sent(
    client_for, manager_a, questionnaire, mailoutbox
):
    response = _send(
        client_for(manager_a),
        questionnaire,
        ["a@example.fr", "pas-une-adresse", "", "A@example.fr"],
    )
    assert "Rien n'a été envoyé : corrigez le fichier" in response.text
    invalid = "Ligne 3, colonne « courriel » (valeur « pas-une-adresse ») : adresse électronique "
    double = "Ligne 5, colonne « courriel » (valeur « A@example.fr ») : adresse en double "
    assert invalid + "invalide" in response.text
    assert double + "(déjà ligne 2)" in response.text
    assert mailoutbox == [] and not SurveyMailing.objects.exists()


def test_forty_invitations_three_answers(client, client_for, manager_a, questionnaire, mailoutbox):
    response = _send(client_for(manager_a), questionnaire, FORTY)
    assert "40 invitations en cours d'envoi par courriel" in html.unescape(response.text)
    assert len(mailoutbox) == 40 and mailoutbox[0].to == ["usager00@example.fr"]
    assert "Préfecture du Loiret" in mailoutbox[0].subject
    links = [LINK.search(m.body).group(1) for m in mailoutbox]
    assert len(set(links)) == 40  # one personal link each
    client.logout()
    for i, path in enumerate(links[:3]):
        assert client.post(path, _survey_data(key=f"courriel-{i}")).status_code == 200
    assert client.post(links[0], _survey_data(key="encore")).status_code == 410  # single use
    assert SurveyResponse.objects.count() == 3
    mailing = SurveyMailing.objects.get()
    rate = mailings.response_rate(mailing)
    assert (rate.numerator, rate.n, rate.text) == (3, 40, "7,5\u00a0%")
    page = client_for(manager_a).get(reverse("improvement:questionnaire", args=[questionnaire.pk]))
    assert "3 réponses sur 40" in page.text and "7,5\u00a0%" in page.text


def test_a_name_stored_on_two_lines_does_not_break_the_mailing(
    client_for, manager_a, questionnaire, mailoutbox
):
    # Stored before names were held to one line: the subject puts it on one line.
    questionnaire.structure.name = "Préfecture\r\ndu Loiret"
    questionnaire.structure.save()
    response = _send(client_for(manager_a), questionnaire, FORTY[:2])
    assert "2 invitations en cours d'envoi par courriel" in html.unescape(response.text)
    assert mailoutbox[0].subject == "Votre avis sur l'accueil de la Préfecture du Loiret"


def test_one_reminder_to_those_who_neither_answered_nor_unsubscribed(
    client, client_for, manager_a, questionnaire, mailoutbox
):
    _send(client_for(manager_a), questionnaire, FORTY[:5])
    links = [LINK.search(m.body).group(1) for m in mailoutbox]
    unsubscribe = UNSUBSCRIBE.search(mailoutbox[1].body).group(1)
    client.logout()
    client.post(links[0], _survey_data(key="repondu"))
    assert "Me désinscrire" in client.get(unsubscribe).text  # a GET unsubscribes no one
    assert client.post(unsubscribe).status_code == 200
    mailoutbox.clear()
    mailing = SurveyMailing.objects.get()
    remind = reverse("improvement:mailing_remind", args=[mailing.pk])
    response = client_for(manager_a).post(remind, follow=True)
    assert "Relance en cours d'envoi à 3 personnes." in html.unescape(response.text)
    assert sorted(m.to[0] for m in mailoutbox) == FORTY[2:5]
    assert mailoutbox[0].subject.startswith("Rappel : ")
    again = client_for(manager_a).post(remind, follow=True)
    assert "Impossible : la relance a déjà été demandée le" in again.text
    assert len(mailoutbox) == 3
    # The address that unsubscribed is left out of the structure's next mailing.
    mailoutbox.clear()
    response = _send(client_for(manager_a), questionnaire, FORTY[:3])
    assert "1 adresse désinscrite laissée de côté" in response.text
    assert sorted(m.to[0] for m in mailoutbox) == [FORTY[0], FORTY[2]]


def test_addresses_are_deleted_when_the_survey_closes(
    client, client_for, manager_a, questionnaire, mailoutbox
):
    _send(client_for(manager_a), questionnaire, FORTY[:4])
    link = LINK.search(mailoutbox[0].body).group(1)
    client.logout()
    client.post(link, _survey_data(key="avant-cloture"))
    mailing = SurveyMailing.objects.get()
    SurveyMailing.objects.filter(pk=mailing.pk).update(closes_on=timezone.localdate())
    call_command("anonymise_old_data")  # the daily sweep: not yet, closes at the end of day
    assert SurveyInvitation.objects.exclude(email="").count() == 4
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert mailings.close_due(tomorrow) == 1
    assert SurveyInvitation.objects.exclude(email="").count() == 0
    assert client.get(LINK.search(mailoutbox[1].body).group(1)).status_code == 410
    # The response rate survives the addresses.
    rate = mailings.response_rate(SurveyMailing.objects.get())
    assert (rate.numerator, rate.n) == (1, 4)
    remind = reverse("improvement:mailing_remind", args=[mailing.pk])
    assert (
        "Impossible : l&#x27;enquête est close"
        in client_for(manager_a).post(remind, follow=True).text
    )


def test_only_the_managers_of_the_structure_send(
    client_for, manager_b, agent_a, manager_a, questionnaire, mailoutbox
):
    assert _send(client_for(manager_b), questionnaire, FORTY[:2]).status_code == 404
    assert _send(client_for(agent_a), questionnaire, FORTY[:2]).status_code == 403
    _send(client_for(manager_a), questionnaire, FORTY[:2])
    mailing = SurveyMailing.objects.get()
    for name in ("improvement:mailing_remind", "improvement:mailing_close"):
        url = reverse(name, args=[mailing.pk])
        assert client_for(manager_b).post(url).status_code == 404
    assert SurveyMailing.objects.get().closed_at is None and len(mailoutbox) == 2
