"""The audit page is one form: every button saves the typed answers first, records the
sending or the reply when its fields hold something, and a refused date shows the page
again with everything typed, the reason on the date field."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from tests.html import shown

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db
GRID = {"email.address_findable": "oui", "email.observations": "Formulaire introuvable."}
SENDING = {"sending-sent_at": "2025-06-02T09:00", "sending-text": "Bonjour, ma carte grise…"}


@pytest.fixture(autouse=True)
def _in_fieldwork_days():
    with time_machine.travel(dt.datetime(2025, 6, 20, 10, tzinfo=PARIS), tick=False):
        yield


def _post(client, task, data):
    return client.post(reverse("campaigns:task", args=[task.pk]), data)


def _field_group(html: str, name: str) -> str:
    """The DSFR input group of the field ``name``, as the page writes it."""
    start = html.rindex('<div class="fr-input-group', 0, html.index(f'name="{name}"'))
    return html[start : html.index("</div>", html.index(f'name="{name}"'))]


def test_a_future_sending_date_keeps_the_grid_and_the_sent_text(client_for, email_task, auditor):
    future = {"sending-sent_at": "2025-07-01T09:00", "sending-text": "Bonjour, ma carte grise…"}
    response = _post(client_for(auditor), email_task, {**GRID, **future, "action": "send"})
    assert response.status_code == 200
    page = response.content.decode()
    group = _field_group(page, "sending-sent_at")
    assert "fr-input-group--error" in group and "La date d&#x27;envoi est dans le futur." in group
    assert 'value="2025-07-01T09:00"' in group
    assert "Bonjour, ma carte grise…</textarea>" in page
    assert "Formulaire introuvable.</textarea>" in page
    assert "Grille enregistrée, mais pas l&#x27;envoi" in page
    assert 'data-dirty="true"' in page  # leaving now would lose the sent text: warned
    email_task.refresh_from_db()
    assert email_task.sent_at is None and email_task.status == "assigned"
    stored = dict(email_task.answers.values_list("criterion", "value"))
    assert stored == {
        "email.address_findable": "oui",
        "email.observations": GRID["email.observations"],
    }


def test_a_reply_before_the_sending_keeps_the_received_text(client_for, email_task, auditor):
    client = client_for(auditor)
    _post(client, email_task, {**SENDING, "action": "send"})
    early = {"reply-replied_at": "2025-05-30T09:00", "reply-text": "Madame, voici…"}
    response = _post(client, email_task, {**GRID, **early, "action": "reply"})
    page = response.content.decode()
    group = _field_group(page, "reply-replied_at")
    assert "fr-input-group--error" in group
    assert "La réponse ne peut pas précéder l&#x27;envoi (envoyé le 02/06/2025 à 09:00)." in group
    assert "Madame, voici…</textarea>" in page and "Formulaire introuvable.</textarea>" in page
    email_task.refresh_from_db()
    assert email_task.replied_at is None and email_task.status == "awaiting_reply"


def test_recording_the_sending_saves_the_grid_typed_beside_it(client_for, email_task, auditor):
    response = _post(client_for(auditor), email_task, {**GRID, **SENDING, "action": "send"})
    assert response.status_code == 302
    email_task.refresh_from_db()
    assert email_task.sent_text == "Bonjour, ma carte grise…"
    assert (
        email_task.answers.get(criterion="email.observations").value == GRID["email.observations"]
    )


@pytest.mark.parametrize("action", ["save", "attach"])
def test_any_button_records_a_typed_sending(client_for, email_task, auditor, action):
    client = client_for(auditor)
    response = _post(client, email_task, {**GRID, **SENDING, "action": action})
    assert response.status_code == 302
    email_task.refresh_from_db()
    assert email_task.status == "awaiting_reply"
    assert email_task.sent_text == "Bonjour, ma carte grise…"
    page = shown(client.get(response.url).content.decode())
    assert "Envoi enregistré : l'audit attend la réponse." in page.replace("&#x27;", "'")


def test_saving_with_empty_sending_fields_records_no_sending(client_for, email_task, auditor):
    blank = {"sending-sent_at": "", "sending-text": " "}
    response = _post(client_for(auditor), email_task, {**GRID, **blank, "action": "save"})
    assert response.status_code == 302
    email_task.refresh_from_db()
    assert email_task.sent_at is None
    assert email_task.answers.filter(criterion="email.observations").exists()


def test_submitting_with_missing_answers_saves_the_draft(client_for, email_task, auditor):
    client = client_for(auditor)
    response = _post(client, email_task, {**GRID, **SENDING, "action": "submit"})
    assert response.status_code == 200
    assert "complétez les réponses obligatoires avant de soumettre" in response.content.decode()
    email_task.refresh_from_db()
    assert email_task.status == "awaiting_reply"  # the sending is recorded, not submitted
    assert email_task.answers.filter(criterion="email.observations").exists()


def test_the_page_has_one_form_whose_default_button_saves(client_for, email_task, auditor):
    page = client_for(auditor).get(reverse("campaigns:task", args=[email_task.pk]))
    html = page.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert main.count("<form") == 1
    form = main[main.index("<form") :]
    first_button = form[form.index("<button") : form.index("</button>")]
    assert 'value="save"' in first_button  # Enter in a field never removes a piece
    for value in ("send", "attach", "save", "submit"):
        assert f'value="{value}"' in form
