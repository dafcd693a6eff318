import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barometre.engine import DEPARTMENTS, DayUnit, EngineError, add_days, days_between, is_off
from barometre.engine.calendars import calendar_key, holidays_for

D = dt.date
CASES = [
    # (start, end, département, unit, expected)
    (D(2025, 5, 28), D(2025, 5, 30), "75", DayUnit.WORKING, 1),  # over Ascension (Thu 29)
    (D(2025, 6, 6), D(2025, 6, 10), "75", DayUnit.WORKING, 1),  # over Whit Monday (9 June)
    (D(2025, 4, 17), D(2025, 4, 22), "75", DayUnit.WORKING, 2),  # Paris: Friday counts
    (D(2025, 4, 17), D(2025, 4, 22), "57", DayUnit.WORKING, 1),  # Metz: Good Friday off
    (D(2025, 12, 24), D(2025, 12, 29), "67", DayUnit.WORKING, 1),  # Strasbourg: 26 Dec off
    (D(2025, 12, 24), D(2025, 12, 29), "75", DayUnit.WORKING, 2),
    (D(2025, 12, 19), D(2025, 12, 23), "974", DayUnit.WORKING, 2),  # Réunion: 20 Dec is Sat
    (D(2025, 5, 21), D(2025, 5, 23), "972", DayUnit.WORKING, 1),  # Martinique: 22 May off
    (D(2025, 5, 21), D(2025, 5, 23), "75", DayUnit.WORKING, 2),
    (D(2025, 5, 15), D(2025, 5, 18), "75", DayUnit.WORKING, 1),  # reply on a Sunday
    (D(2025, 5, 15), D(2025, 5, 18), "75", DayUnit.BUSINESS, 2),  # Saturday counts
    (D(2025, 5, 15), D(2025, 5, 18), "75", DayUnit.CALENDAR, 3),
    (D(2025, 5, 16), D(2025, 5, 16), "75", DayUnit.WORKING, 0),  # same day
]


@pytest.mark.parametrize(("start", "end", "dept", "unit", "expected"), CASES)
def test_days_between(start, end, dept, unit, expected):
    assert days_between(start, end, dept, unit) == expected


def test_deadlines_skip_holidays_by_department():
    # Complaint received on Thursday 17 April 2025, 5 working days to answer.
    assert add_days(D(2025, 4, 17), 5, "45") == D(2025, 4, 25)
    assert add_days(D(2025, 4, 17), 5, "57") == D(2025, 4, 28)
    # Received on a Saturday: the first working day is Monday.
    assert add_days(D(2025, 5, 31), 1, "75") == D(2025, 6, 2)
    assert is_off(D(2025, 12, 26), "68") and not is_off(D(2025, 12, 26), "75")


def test_an_unknown_department_is_an_engine_error():
    with pytest.raises(EngineError, match="département inconnu"):
        days_between(D(2025, 1, 1), D(2025, 1, 2), "99")


@given(
    start=st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)),
    n=st.integers(min_value=0, max_value=60),
    dept=st.sampled_from(sorted(DEPARTMENTS)),
    unit=st.sampled_from(list(DayUnit)),
)
def test_adding_then_counting_gives_back_the_same_number(start, n, dept, unit):
    end = add_days(start, n, dept, unit)
    assert days_between(start, end, dept, unit) == n
    assert n == 0 or not is_off(end, dept, unit)


@pytest.mark.parametrize(
    ("collectivity", "own_holiday"),
    [
        ("975", dt.date(2026, 7, 14)),  # no own holiday: the national ones
        ("977", dt.date(2026, 10, 9)),  # Saint-Barthélemy: abolition of slavery
        ("978", dt.date(2026, 5, 28)),  # Saint-Martin: abolition of slavery
        ("986", dt.date(2026, 7, 29)),  # Wallis-et-Futuna: territory day
        ("987", dt.date(2026, 3, 5)),  # Polynésie: arrival of the Gospel
        ("988", dt.date(2026, 9, 24)),  # Nouvelle-Calédonie: citizenship day
    ],
)
def test_overseas_collectivities_have_their_own_calendar(collectivity, own_holiday):
    assert calendar_key(collectivity) == collectivity
    assert own_holiday in holidays_for(collectivity, 2026)


def test_a_collectivity_holiday_is_not_a_working_day_there_only():
    assert is_off(dt.date(2026, 9, 24), "988")
    assert not is_off(dt.date(2026, 9, 24), "75")
