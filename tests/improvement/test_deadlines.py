"""Deadlines in working days, in each structure's calendar (hand-computed dates)."""

import datetime as dt

import pytest

from barometre.improvement.deadlines import Deadline, deadline_for, due_dates
from barometre.improvement.models import DeadlineRule

D = dt.date


@pytest.mark.parametrize(
    ("department", "received", "channel", "ack", "answer"),
    [
        # E-mail on Wednesday 1 April 2026: Easter Monday (6 April) is off everywhere;
        # Good Friday (3 April) too in Moselle.
        ("45", D(2026, 4, 1), "email", D(2026, 4, 8), D(2026, 4, 9)),
        ("57", D(2026, 4, 1), "email", D(2026, 4, 8), D(2026, 4, 10)),
        # A letter: 10 working days, acknowledgement within two weeks.
        ("45", D(2026, 4, 1), "letter", D(2026, 4, 15), D(2026, 4, 16)),
        ("57", D(2026, 4, 1), "box", D(2026, 4, 15), D(2026, 4, 17)),
        # Wednesday 20 May 2026: Whit Monday (25 May) off; in Martinique 22 May as well
        # (abolition of slavery).
        ("45", D(2026, 5, 20), "email", D(2026, 5, 27), D(2026, 5, 28)),
        ("972", D(2026, 5, 20), "email", D(2026, 5, 27), D(2026, 5, 29)),
        # Christmas week: 25 December off.
        ("974", D(2026, 12, 23), "web_form", D(2026, 12, 30), D(2026, 12, 31)),
        # Phone and counter: no acknowledgement, 5 working days.
        ("45", D(2026, 4, 1), "counter", None, D(2026, 4, 9)),
    ],
)
def test_default_deadlines(department, received, channel, ack, answer):
    deadline = deadline_for(0, channel, "complaint", rules=[])
    assert due_dates(received, deadline, department) == (ack, answer)


def test_thanks_need_no_answer_and_authorities_get_15_days_by_letter():
    assert deadline_for(0, "email", "thanks", rules=[]) == Deadline(None, None)
    assert deadline_for(0, "letter", "authority", rules=[]).answer_working_days == 15
    assert deadline_for(0, "email", "authority", rules=[]).answer_working_days == 5


@pytest.mark.django_db
def test_a_structure_sets_its_own_deadlines(structure_a):
    DeadlineRule.objects.create(
        structure=structure_a, channel="email", answer_working_days=3, acknowledge_days=1
    )
    DeadlineRule.objects.create(
        structure=structure_a, channel="email", kind="information", answer_working_days=8
    )
    assert deadline_for(structure_a.pk, "email", "complaint") == Deadline(1, 3)
    assert deadline_for(structure_a.pk, "email", "information") == Deadline(None, 8)
    assert deadline_for(structure_a.pk, "letter", "complaint") == Deadline(14, 10)
