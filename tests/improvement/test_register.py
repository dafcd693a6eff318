"""The feedback register: life cycle, dates, conflicts, figures and the reminder sweep."""

import datetime as dt

import pytest
import time_machine

from barometre.core.errors import Conflict, Refused
from barometre.improvement import register
from barometre.improvement.models import FeedbackEntry

pytestmark = pytest.mark.django_db
D = dt.date


APRIL_1 = D(2026, 4, 1)


def _entry(structure, received=APRIL_1, channel="email", kind="complaint", **kw):
    entry, created = register.create_entry(
        structure,
        kind=kind,
        channel=channel,
        received_on=received,
        subject="Attente au guichet",
        description="Deux heures d'attente.",
        **kw,
    )
    assert created
    return entry


@time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC), tick=False)
def test_an_entry_goes_from_reception_to_answer_with_its_deadlines(structure_a, manager_a):
    entry = _entry(structure_a, by=manager_a)
    assert (entry.reference, entry.status) == ("2026-0001", "received")
    assert (entry.acknowledge_due, entry.answer_due) == (D(2026, 4, 8), D(2026, 4, 9))
    entry = register.transition(
        entry, "acknowledge", by=manager_a, version=entry.version, on=D(2026, 4, 2)
    )
    entry = register.transition(entry, "start", by=manager_a, version=entry.version)
    with pytest.raises(Refused, match="réponse est obligatoire"):
        register.transition(entry, "answer", by=manager_a, version=entry.version, answer=" ")
    text = "Un second guichet ouvre le mardi."
    entry = register.transition(
        entry, "answer", by=manager_a, version=entry.version, on=D(2026, 4, 8), answer=text
    )
    assert (entry.status, entry.answered_on) == ("answered", D(2026, 4, 8))
    entry = register.transition(entry, "reopen", by=manager_a, version=entry.version)
    assert entry.status == "in_progress" and entry.answered_on is None
    actions = [e.action for e in entry.events.all()]
    assert actions == ["created", "acknowledge", "start", "answer", "reopen"]
    assert _entry(structure_a).reference == "2026-0002"


@time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC), tick=False)
def test_dates_before_reception_or_in_the_future_are_refused(structure_a, manager_a):
    with pytest.raises(Refused, match="futur"):
        _entry(structure_a, received=D(2026, 4, 21))
    entry = _entry(structure_a)
    with pytest.raises(Refused, match=r"antérieure à la réception \(01/04/2026\)"):
        register.transition(
            entry, "answer", by=manager_a, version=1, on=D(2026, 3, 31), answer="Réponse"
        )
    with pytest.raises(Refused, match="futur"):
        register.transition(entry, "acknowledge", by=manager_a, version=1, on=D(2026, 4, 21))
    with pytest.raises(Refused, match="impossible depuis"):
        register.transition(entry, "close", by=manager_a, version=1)
    entry.refresh_from_db()
    assert entry.status == "received" and entry.version == 1


def test_the_second_of_two_concurrent_writers_gets_a_conflict(structure_a, manager_a, agent_a):
    entry = _entry(structure_a)
    seen_by_agent = FeedbackEntry.objects.get(pk=entry.pk)
    register.transition(entry, "acknowledge", by=manager_a, version=entry.version)
    with pytest.raises(Conflict, match="modifiée par quelqu'un d'autre"):
        register.transition(
            seen_by_agent,
            "answer",
            by=agent_a,
            version=seen_by_agent.version,
            answer="Texte de l'agent",
        )
    entry.refresh_from_db()
    assert entry.status == "acknowledged" and entry.answer == ""


def test_a_public_submission_is_stored_once(structure_a):
    first = _entry(structure_a, submission_key="k" * 20)
    again, created = register.create_entry(
        structure_a,
        kind="complaint",
        channel="web_form",
        received_on=first.received_on,
        subject="x",
        description="y",
        submission_key="k" * 20,
    )
    assert again.pk == first.pk and not created
    assert FeedbackEntry.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 12, 31, 9, tzinfo=dt.UTC), tick=False)
def test_yearly_figures_are_computed_from_the_entries(structure_a, manager_a):
    # 2026: 3 complaints (two answered: one within 5 working days, one late), 1 suggestion,
    # 1 thanks (no answer expected).
    on_time = _entry(structure_a, received=D(2026, 4, 1))  # due 9 April
    register.transition(
        on_time, "answer", by=manager_a, version=1, on=D(2026, 4, 7), answer="ok"
    )  # 3 working days (Easter Monday)
    late = _entry(structure_a, received=D(2026, 4, 1))
    register.transition(
        late, "answer", by=manager_a, version=1, on=D(2026, 4, 14), answer="ok"
    )  # 8 working days
    _entry(structure_a, received=D(2026, 6, 1))
    _entry(structure_a, kind="suggestion", received=D(2026, 6, 2))
    _entry(structure_a, kind="thanks", received=D(2026, 6, 3))
    _entry(structure_a, received=D(2025, 6, 3))
    figures = {f.year: f for f in register.figures(structure_a, [2025, 2026])}
    year = figures[2026]
    assert (year.count("complaint"), year.count("suggestion"), year.count("thanks")) == (3, 1, 1)
    assert year.total == 5 and figures[2025].total == 1
    # The complaint of 1 June and the suggestion, unanswered past their due date, are late.
    assert (year.answered, year.overdue, year.on_time, year.on_time_rate) == (2, 2, 1, 25.0)
    assert year.mean_delay == pytest.approx(5.5)


def test_the_reminder_sweep_mails_the_people_in_charge_once_a_day(
    structure_a, manager_a, agent_a, mailoutbox
):
    manager_a.email, agent_a.email = "magali@example.fr", "antoine@example.fr"
    manager_a.save()
    agent_a.save()
    with time_machine.travel(dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC), tick=False):
        assigned = _entry(structure_a, received=D(2026, 4, 1), assigned_to=agent_a)  # due 9/4
        unassigned = _entry(structure_a, received=D(2026, 4, 1), channel="letter")  # due 16/4
        answered = _entry(structure_a, received=D(2026, 4, 1))
        register.transition(answered, "answer", by=manager_a, version=1, answer="ok")
        assert register.send_reminders() == 0  # nothing due within two working days
    with time_machine.travel(dt.datetime(2026, 4, 7, 9, tzinfo=dt.UTC), tick=False):
        assert register.send_reminders() == 1  # 9 April is two working days away
        assert [m.to for m in mailoutbox] == [["antoine@example.fr"]]
        assert "2026-0001" in mailoutbox[0].body and "à échéance" in mailoutbox[0].body
        assert register.send_reminders() == 0  # once a day
    with time_machine.travel(dt.datetime(2026, 4, 15, 9, tzinfo=dt.UTC), tick=False):
        assert register.send_reminders() == 2  # the first is late, the letter due tomorrow
        bodies = {m.to[0]: m.body for m in mailoutbox[1:]}
        assert "en retard" in bodies["antoine@example.fr"]
        assert unassigned.reference in bodies["magali@example.fr"]  # no one assigned: managers
    assert assigned.pk != unassigned.pk


def test_due_soon_counts_working_days_like_the_reminders(structure_a, manager_a):
    """« À échéance sous deux jours ouvrés » on the pages means what the reminder e-mails
    mean: on Monday 30 November, an answer due on Wednesday is soon, one due on Friday is
    not; on a Friday, one due the next Tuesday is."""
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC), tick=False):
        wednesday = _entry(structure_a, received=D(2026, 11, 25))  # 5 working days: 2/12
        friday = _entry(structure_a, received=D(2026, 11, 27))  # due 4/12
    assert (wednesday.answer_due, friday.answer_due) == (D(2026, 12, 2), D(2026, 12, 4))
    overdue, soon = register.due_within([structure_a.pk], D(2026, 11, 30))
    assert list(soon) == [wednesday] and not overdue.exists()
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC), tick=False):
        assert register.send_reminders() == 1  # the same one
    overdue, soon = register.due_within([structure_a.pk], D(2026, 12, 3))
    assert list(soon) == [friday] and list(overdue) == [wednesday]
    # Friday 27 November: Monday and Tuesday are the next two working days.
    overdue, soon = register.due_within([structure_a.pk], D(2026, 11, 27))
    assert not soon.exists()
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC), tick=False):
        tuesday = _entry(structure_a, received=D(2026, 11, 24))  # due 1/12
    assert tuesday.answer_due == D(2026, 12, 1)
    assert list(register.due_within([structure_a.pk], D(2026, 11, 27))[1]) == [tuesday]


def test_old_entries_and_comments_are_anonymised_after_the_retention_period(
    structure_a, manager_a, questionnaire, settings
):
    from django.core.management import call_command

    from barometre.improvement import surveys
    from barometre.improvement.models import SurveyResponse

    settings.BAROMETRE_RETENTION_DAYS = 365
    with time_machine.travel(dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        old = _entry(
            structure_a,
            received=D(2024, 2, 1),
            contact_name="Jean Dupont",
            contact_email="jean@example.fr",
        )
        register.transition(old, "answer", by=manager_a, version=1, answer="Cher M. Dupont…")
        surveys.submit(
            questionnaire, {"overall": 8}, comment="Très long", answered_on=D(2024, 2, 2)
        )
    with time_machine.travel(dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        recent = _entry(structure_a, received=D(2025, 5, 2), contact_email="marie@example.fr")
        surveys.submit(questionnaire, {"overall": 9}, comment="Parfait", answered_on=D(2025, 5, 3))
        call_command("anonymise_old_data", "--dry-run")
        old.refresh_from_db()
        assert old.contact_email == "jean@example.fr"  # a dry run changes nothing
        call_command("anonymise_old_data")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.contact_name, old.contact_email, old.description, old.answer) == (
        "",
        "",
        "[contenu anonymisé]",
        "[contenu anonymisé]",
    )
    assert old.anonymised_on == D(2025, 6, 1) and old.answered_on == D(2024, 3, 1)
    assert old.status == "answered"  # figures still count it
    assert recent.contact_email == "marie@example.fr"
    assert sorted(SurveyResponse.objects.values_list("comment", flat=True)) == ["", "Parfait"]
