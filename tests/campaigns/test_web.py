import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from barometre.campaigns.models import AuditTask
from tests.html import shown

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2025, 6, 20, 10, tzinfo=PARIS), tick=False)
def test_an_email_audit_from_sending_to_validation(client_for, email_task, auditor, operator):
    client = client_for(auditor)
    listing = client.get(reverse("campaigns:my_tasks"))
    assert "Préfecture du Loiret — Courriel ou formulaire" in shown(listing.text)
    page = client.get(reverse("campaigns:task", args=[email_task.pk]))
    assert "pref@example.fr" in page.text and "Enregistrer l'envoi" in page.text
    task_url = reverse("campaigns:task", args=[email_task.pk])
    client.post(
        task_url,
        {"sending-sent_at": "2025-06-02T09:00", "sending-text": "Bonjour, …", "action": "send"},
    )
    bad = client.post(
        task_url, {"reply-replied_at": "2025-05-30T09:00", "reply-text": "x", "action": "reply"}
    )
    assert "La réponse ne peut pas précéder l&#x27;envoi" in bad.text
    client.post(
        task_url,
        {"reply-replied_at": "2025-06-04T15:30", "reply-text": "Réponse", "action": "reply"},
    )
    answers = {
        "email.address_findable": "oui",
        "email.form_works": "oui",
        "email.acknowledgement": "non",
        "email.replied": "oui",
        "email.personalised_greeting": "oui",
        "email.courtesy": "oui",
        "email.answer_quality": "partial",
        "email.clear": "oui",
        "email.signature": "non",
        "email.redirection": "na",
        "email.complaint_handled": "na",
        "action": "submit",
    }
    response = client.post(reverse("campaigns:task", args=[email_task.pk]), answers, follow=True)
    assert "Audit soumis pour validation." in response.text
    email_task.refresh_from_db()
    assert email_task.status == "submitted"
    assert email_task.answers.get(criterion="email.redirection").value == "sans objet"
    assert "score" not in response.text.lower()  # auditors never see scores

    queue = client_for(operator).get(reverse("campaigns:validation"))
    assert str(email_task) in queue.text
    client_for(operator).post(
        reverse("campaigns:decide", args=[email_task.pk]), {"decision": "validate"}
    )
    assert AuditTask.objects.get(pk=email_task.pk).status == "validated"


def test_submitting_an_incomplete_audit_is_refused(client_for, phone_task, auditor):
    response = client_for(auditor).post(
        reverse("campaigns:task", args=[phone_task.pk]),
        {"phone.answered": "oui", "action": "submit"},
    )
    assert response.status_code == 200
    assert "Réponse obligatoire." in response.text
    phone_task.refresh_from_db()
    assert phone_task.status == "assigned"


def test_the_operator_advances_an_edition_from_its_page(client_for, edition, operator):
    client = client_for(operator)
    page = client.get(reverse("campaigns:edition", args=[edition.pk]))
    assert "Brouillon" in page.text
    phase = reverse("campaigns:edition_phase", args=[edition.pk])
    review = client.get(phase)
    assert "Passer en phase « Inscriptions »" in review.text
    client.post(phase, {"action": "advance"})
    refused = client.post(phase, {"action": "advance"}, follow=True)
    assert "Aucune structure inscrite." in refused.text
    page = client.get(reverse("campaigns:edition", args=[edition.pk]))
    assert "Brouillon → Inscriptions par olivia" in shown(page.text)


def test_concurrent_edits_of_an_audit_give_the_second_writer_a_conflict(phone_task, auditor):
    """The same auditor on a phone and on a laptop: the second save is refused."""
    from django.test import Client

    from barometre.campaigns.models import Answer

    url = reverse("campaigns:task", args=[phone_task.pk])
    phone, laptop = Client(), Client()
    phone.force_login(auditor)
    laptop.force_login(auditor)
    seen = phone_task.version
    first = phone.post(
        url, {"version": seen, "phone.answered": "oui", "phone.rings": "3", "action": "save"}
    )
    assert first.status_code == 302
    second = laptop.post(
        url, {"version": seen, "phone.answered": "non", "phone.rings": "9", "action": "save"}
    )
    assert second.status_code == 200
    page = second.content.decode()
    assert "modifiées par quelqu" in page
    assert 'value="9"' in page  # the second writer's input is shown again, not lost
    answers = dict(Answer.objects.filter(task=phone_task).values_list("criterion", "value"))
    assert answers["phone.rings"] == "3" and answers["phone.answered"] == "oui"
    phone_task.refresh_from_db()
    assert phone_task.version == seen + 1
