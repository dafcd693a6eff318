"""Deadlines of the feedback register, in the structure's calendar (its département
decides the public holidays: Alsace-Moselle and overseas départements have their own).

Services Publics+ defaults, as a préfecture's users' committee states them:
an answer within 5 working days to an e-mail, 10 to a letter or a suggestion-box note;
an acknowledgement within one week for electronic channels, two for postal ones.
A structure can set its own per channel and kind (DeadlineRule). Thanks need no answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from barometre.engine import DayUnit, add_days, days_between
from barometre.engine.calendars import days_between_many
from barometre.improvement.models import DeadlineRule, FeedbackChannel, FeedbackKind

C = FeedbackChannel


@dataclass(frozen=True)
class Deadline:
    acknowledge_days: int | None  # calendar days; None: no acknowledgement expected
    answer_working_days: int | None  # None: no answer expected


DEFAULTS = {
    C.EMAIL: Deadline(7, 5),
    C.WEB_FORM: Deadline(7, 5),
    C.SOCIAL: Deadline(7, 5),
    C.LETTER: Deadline(14, 10),
    C.BOX: Deadline(14, 10),
    C.PHONE: Deadline(None, 5),
    C.COUNTER: Deadline(None, 5),
}
# Local authorities' requests (a préfecture's engagement): 15 working days by letter, 5 by
# e-mail.
AUTHORITY = {C.LETTER: Deadline(14, 15), C.BOX: Deadline(14, 15)}


def deadline_for(
    structure_id: int, channel: str, kind: str, rules: list[DeadlineRule] | None = None
) -> Deadline:
    if kind == FeedbackKind.THANKS:
        return Deadline(None, None)
    if rules is None:
        rules = list(DeadlineRule.objects.filter(structure_id=structure_id, channel=channel))
    specific = [r for r in rules if r.channel == channel and r.kind == kind]
    general = [r for r in rules if r.channel == channel and not r.kind]
    for rule in specific or general:
        return Deadline(rule.acknowledge_days, rule.answer_working_days)
    if kind == FeedbackKind.AUTHORITY and channel in AUTHORITY:
        return AUTHORITY[channel]
    return DEFAULTS[FeedbackChannel(channel)]


def due_dates(received: dt.date, deadline: Deadline, department: str):
    """(acknowledgement due, answer due) for an entry received on ``received``."""
    ack = (
        add_days(received, deadline.acknowledge_days, department, DayUnit.CALENDAR)
        if deadline.acknowledge_days is not None
        else None
    )
    answer = (
        add_days(received, deadline.answer_working_days, department, DayUnit.WORKING)
        if deadline.answer_working_days is not None
        else None
    )
    return ack, answer


def working_days_taken(received: dt.date, answered: dt.date, department: str) -> int:
    return days_between(received, answered, department, DayUnit.WORKING)


def working_days_taken_many(received, answered, department: str):
    """``working_days_taken`` for arrays of datetime64[D] (answered ≥ received): the
    same calendar and the same counting (negative when answered before received), in
    one vectorised call."""
    early, late = np.minimum(received, answered), np.maximum(received, answered)
    sign = np.where(answered < received, -1, 1)
    return sign * days_between_many(early, late, department, DayUnit.WORKING)
