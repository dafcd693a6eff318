import datetime as dt
import zoneinfo

import pytest
import time_machine

from barometre.campaigns import workflow
from barometre.campaigns.models import AuditTask
from barometre.core.errors import Refused

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=PARIS)


@time_machine.travel(at(2025, 6, 20, 10), tick=False)
def test_the_reply_cycle_then_submission(email_task, auditor):
    workflow.record_sending(email_task, sent_at=at(2025, 6, 2, 9), text="Bonjour…", by=auditor)
    email_task.refresh_from_db()
    assert email_task.status == "awaiting_reply"
    with pytest.raises(Refused) as caught:
        workflow.record_reply(email_task, replied_at=at(2025, 5, 30, 9), text="", by=auditor)
    assert caught.value.reasons == [
        "la réponse ne peut pas précéder l'envoi (envoyé le 02/06/2025 à 09:00)"
    ]
    workflow.record_reply(email_task, replied_at=at(2025, 6, 5, 16), text="Réponse", by=auditor)
    workflow.save_answers(email_task, {"email.replied": "oui"}, by=auditor)
    found = workflow.submit(email_task, by=auditor)
    email_task.refresh_from_db()
    assert email_task.status == "submitted"
    assert any("obligatoire" in f and "manquante" in f for f in found)
    assert list(email_task.events.values_list("action", flat=True)) == ["submit"]


def test_no_reply_by_the_end_of_the_window_closes_as_no_reply(email_task, auditor):
    with time_machine.travel(at(2025, 6, 2, 10), tick=False):
        workflow.record_sending(email_task, sent_at=at(2025, 6, 2, 9), text="…", by=auditor)
    with time_machine.travel(at(2025, 7, 25, 18), tick=False):
        assert workflow.close_unanswered(email_task.edition) == 0  # last day still open
    with time_machine.travel(at(2025, 7, 26, 6), tick=False):
        assert workflow.close_unanswered(email_task.edition) == 1
        assert workflow.close_unanswered(email_task.edition) == 0  # idempotent
    email_task.refresh_from_db()
    assert email_task.no_reply and email_task.status == "submitted"
    assert email_task.answers.get(criterion="email.replied").value == "non"
    assert email_task.events.get().comment == "clôture automatique : aucune réponse"


def test_implausible_values_and_times_are_flagged(phone_task, auditor):
    AuditTask.objects.filter(pk=phone_task.pk).update(scheduled_at=at(2025, 6, 3, 21, 30))
    phone_task.refresh_from_db()
    workflow.save_answers(
        phone_task,
        {"phone.answered": "oui", "phone.rings": "45", "phone.wait_seconds": "9000"},
        by=auditor,
    )
    found = workflow.anomalies(phone_task)
    assert "45 sonneries : valeur invraisemblable (> 30)" in found
    assert "attente téléphonique de plus de 2 heures" in found
    assert "audit réalisé hors des heures d'ouverture" in found


def test_operators_validate_return_or_reject_with_a_history(phone_task, auditor, operator):
    workflow.save_answers(phone_task, {"phone.answered": "non"}, by=auditor)
    workflow.submit(phone_task, by=auditor)
    with pytest.raises(Refused, match="seuls les opérateurs"):
        workflow.validate(phone_task, by=auditor)
    with pytest.raises(Refused, match="indiquez la raison"):
        workflow.return_to_auditor(phone_task, by=operator, comment=" ")
    workflow.return_to_auditor(phone_task, by=operator, comment="Précisez l'heure de l'appel")
    phone_task.refresh_from_db()
    assert phone_task.status == "returned"
    workflow.save_answers(
        phone_task, {"phone.answered": "non", "phone.number_consistent": "oui"}, by=auditor
    )
    workflow.submit(phone_task, by=auditor)
    workflow.validate(phone_task, by=operator)
    phone_task.refresh_from_db()
    assert phone_task.status == "validated"
    history = list(phone_task.events.values_list("action", "by__username", "comment"))
    assert history == [
        ("submit", "elie", ""),
        ("return", "olivia", "Précisez l'heure de l'appel"),
        ("edit", "elie", ""),
        ("submit", "elie", ""),
        ("validate", "olivia", ""),
    ]
    with pytest.raises(Refused, match="ne se modifie plus"):
        workflow.save_answers(phone_task, {}, by=auditor)


def test_another_auditor_cannot_touch_the_task(phone_task, second_auditor):
    with pytest.raises(Refused, match="attribué à un autre enquêteur"):
        workflow.save_answers(phone_task, {"phone.answered": "oui"}, by=second_auditor)


def test_changes_after_submission_are_kept_with_before_and_after(phone_task, auditor, operator):
    workflow.save_answers(phone_task, {"phone.answered": "non"}, by=auditor)
    workflow.submit(phone_task, by=auditor)
    workflow.return_to_auditor(phone_task, by=operator, comment="Vérifiez")
    phone_task.refresh_from_db()
    workflow.save_answers(phone_task, {"phone.answered": "oui", "phone.rings": "2"}, by=auditor)
    edit = phone_task.events.get(action="edit")
    assert edit.before == {"phone.answered": "non", "phone.rings": None}
    assert edit.after == {"phone.answered": "oui", "phone.rings": "2"}
    assert edit.by == auditor


@time_machine.travel(at(2025, 6, 20, 10), tick=False)
def test_a_reply_without_its_text_or_scan_is_flagged(email_task, auditor):
    workflow.record_sending(email_task, sent_at=at(2025, 6, 2, 9), text="Bonjour", by=auditor)
    workflow.record_reply(email_task, replied_at=at(2025, 6, 4, 9), text="", by=auditor)
    assert "réponse reçue sans texte ni pièce justificative" in workflow.anomalies(email_task)
    workflow.record_reply(email_task, replied_at=at(2025, 6, 4, 9), text="Réponse", by=auditor)
    assert "réponse reçue sans texte ni pièce justificative" not in workflow.anomalies(email_task)
