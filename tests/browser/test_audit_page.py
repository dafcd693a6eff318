"""No lost typing on the audit page, whatever the channel: the auditor types into every
field, presses every button (refused dates included), and finds everything typed still
there; the browser never asks to leave on the page's own buttons."""

import datetime as dt

import pytest
from django.utils import timezone

from barometre.accounts.models import User
from barometre.campaigns import workflow
from barometre.campaigns.models import AuditTask
from barometre.demo.data import load_demo_data
from barometre.demo.fieldwork import load_auditors, load_demo_fieldwork, load_scenarios
from barometre.structures.models import Structure
from tests.browser.conftest import check_accessibility, fill_audit_grid

pytestmark = pytest.mark.django_db(transaction=True)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
SENT = "Bonjour,\nJe souhaite renouveler ma carte d'identité."
REPLY = "Madame,\nLe renouvellement se fait sur rendez-vous.\nLe service des titres"
# What the page's fields hold: checked choices and boxes, typed numbers and texts.
FIELDS = """f => Object.fromEntries([...f.elements].filter(e => e.name
    && !['hidden', 'submit', 'file'].includes(e.type)
    && (!['radio', 'checkbox'].includes(e.type) || e.checked)).map(e => [e.name, e.value]))"""
LEAVING = """() => { const e = new Event('beforeunload', {cancelable: true});
    window.dispatchEvent(e); return e.defaultPrevented; }"""


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def tasks():
    """One audit of each of the seven channels, given to ``enqueteur``."""
    load_demo_data(national=False)
    load_scenarios()
    load_auditors()
    operator = User.objects.get(username="operateur")
    prefecture = Structure.objects.get(name="Préfecture du Loiret")
    edition = load_demo_fieldwork(operator, [prefecture])
    auditor = User.objects.get(username="enqueteur")
    chosen = {}
    for task in edition.tasks.order_by("sequence"):
        chosen.setdefault(task.channel, task)
    for channel in edition.grid.parsed().channel_ids:  # social networks, online reviews
        if channel not in chosen:
            chosen[channel] = AuditTask.objects.create(
                edition=edition,
                structure=prefecture,
                channel=channel,
                sequence=1,
                scheduled_at=timezone.now(),
            )
    AuditTask.objects.filter(pk__in=[t.pk for t in chosen.values()]).update(
        auditor=auditor, status="assigned"
    )
    return chosen


def _grid(page) -> dict[str, str]:
    """The grid's fields (criterion ids hold a dot) as the page shows them."""
    fields = page.locator("form[data-warn-unsaved]").evaluate(FIELDS)
    return {name: value for name, value in fields.items() if "." in name}


def _press(page, button: str, expect: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_text(expect).first.wait_for()


def _attach(page) -> None:
    page.set_input_files(
        "input[name=file]", files=[{"name": "preuve.png", "mimeType": "image/png", "buffer": PNG}]
    )
    _press(page, "Joindre la pièce", "Pièce justificative ajoutée.")


def test_every_button_of_every_channel_keeps_what_was_typed(browser, tasks):
    page = browser.login("enqueteur")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    now = timezone.now()
    for channel, task in tasks.items():
        browser.goto(f"/terrain/audits/{task.pk}/")
        note = f"Observation sur le canal {channel} : accueil correct."
        fill_audit_grid(page, note)
        typed = _grid(page)
        assert typed[f"{channel}.observations"] == note and len(typed) > 3, channel
        if channel in workflow.CYCLE_CHANNELS:
            # A sending dated tomorrow is refused: the date, the text and the grid stay.
            page.fill("input[name='sending-sent_at']", _local(now + dt.timedelta(days=1)))
            page.fill("textarea[name='sending-text']", SENT)
            _press(page, "Enregistrer l'envoi", "La date d'envoi est dans le futur.")
            assert page.locator(".fr-input-group--error input[name='sending-sent_at']").count()
            assert page.locator("textarea[name='sending-text']").input_value() == SENT
            assert _grid(page) == typed, channel
            assert page.evaluate(LEAVING) is True  # the sending is not saved yet
            if channel == "email":
                browser.shot(f"{channel}-1-envoi-refuse")
                assert check_accessibility(page) == []
            # "Enregistrer" records the sending typed beside the grid.
            sent = now - dt.timedelta(days=3)
            page.fill("input[name='sending-sent_at']", _local(sent))
            _press(page, "Enregistrer", "Envoi enregistré : l'audit attend la réponse.")
            assert _grid(page) == typed, channel
            # A reply dated before the sending is refused: its text and the grid stay.
            page.fill("input[name='reply-replied_at']", _local(sent - dt.timedelta(days=1)))
            page.fill("textarea[name='reply-text']", REPLY)
            _press(page, "Enregistrer la réponse", "La réponse ne peut pas précéder l'envoi")
            assert page.locator("textarea[name='reply-text']").input_value() == REPLY
            assert _grid(page) == typed, channel
            if channel == "email":
                browser.shot(f"{channel}-2-reponse-refusee")
            page.fill("input[name='reply-replied_at']", _local(now - dt.timedelta(hours=1)))
            _attach(page)  # records the reply too
            assert page.get_by_text("Réponse enregistrée : complétez la grille.").is_visible()
            assert page.get_by_text(REPLY.split("\n")[1]).is_visible()
        else:
            _press(page, "Joindre la pièce", "Choisissez un fichier à joindre.")
            assert _grid(page) == typed, channel
            _press(page, "Enregistrer", "Réponses enregistrées.")
            _attach(page)
        assert _grid(page) == typed, channel
        assert page.evaluate(LEAVING) is False
        # Enter in a number field saves the draft; it never removes the piece.
        numbers = page.locator("form[data-warn-unsaved] input[type=number]")
        if numbers.count():
            numbers.first.fill("3")
            typed[numbers.first.get_attribute("name")] = "3"
            numbers.first.press("Enter")
            page.get_by_text("Réponses enregistrées.").first.wait_for()
            assert page.get_by_role("button", name="Retirer").count() == 1
        page.get_by_role("button", name="Retirer").click()
        page.get_by_text("« preuve.png » retirée").wait_for()
        assert _grid(page) == typed, channel
        if channel in ("email", "visit"):
            browser.shot(f"{channel}-3-avant-soumission")
        _press(page, "Soumettre pour validation", "Audit soumis pour validation.")
        task.refresh_from_db()
        assert task.status == "submitted", channel
        assert task.answers.get(criterion=f"{channel}.observations").value == note
    assert dialogs == []  # no page button ever made the browser ask to leave
    assert browser.errors == []
