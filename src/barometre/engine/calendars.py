"""Working days by département.

A delay counts the days of the chosen kind *after* the start day up to and including the
end day (the usual "J+1" counting): sent on Monday and answered on Tuesday is 1 working
day; sent on Friday and answered on Monday is 1 as well. ``add_days(start, n)`` is the
n-th such day after ``start``, so ``days_between(d, add_days(d, n)) == n``.

Working days (jours ouvrés) are Monday to Friday, business days (jours ouvrables) Monday
to Saturday, both minus public holidays: the 11 national ones, plus Good Friday and
26 December in Moselle, Bas-Rhin and Haut-Rhin, plus each overseas département's and
collectivity's own (the ``holidays`` package names the collectivities by their ISO codes:
see ``_HOLIDAY_SUBDIVISIONS``).
"""

import datetime as dt
from enum import StrEnum
from functools import lru_cache

import holidays
import numpy as np

from barometre.engine.errors import EngineError
from barometre.engine.territory import ALSACE_MOSELLE, OVERSEAS, TERRITORIES


class DayUnit(StrEnum):
    WORKING = "working_days"  # jours ouvrés, lundi–vendredi
    BUSINESS = "business_days"  # jours ouvrables, lundi–samedi
    CALENDAR = "calendar_days"


_WEEKMASKS = {DayUnit.WORKING: "1111100", DayUnit.BUSINESS: "1111110", DayUnit.CALENDAR: "1111111"}


def calendar_key(department: str) -> str:
    """Départements sharing a holiday calendar share a key: "FR", "6AE" or the overseas code."""
    if department not in TERRITORIES:
        raise EngineError(f"département inconnu : {department!r}", path="departement")
    if department in ALSACE_MOSELLE:
        return "6AE"
    if department in OVERSEAS:
        return department
    return "FR"


# The overseas collectivities' calendars, under their ISO 3166 codes in ``holidays``.
_HOLIDAY_SUBDIVISIONS = {
    "975": "PM",
    "977": "BL",
    "978": "MF",
    "986": "WF",
    "987": "PF",
    "988": "NC",
}


@lru_cache(maxsize=512)
def _holidays(key: str, year: int) -> frozenset[dt.date]:
    subdiv = None if key == "FR" else _HOLIDAY_SUBDIVISIONS.get(key, key)
    return frozenset(holidays.country_holidays("FR", subdiv=subdiv, years=year).keys())


@lru_cache(maxsize=64)
def _holiday_array(key: str, first_year: int, last_year: int) -> np.ndarray:
    days = sorted(d for y in range(first_year, last_year + 1) for d in _holidays(key, y))
    return np.array(days, dtype="datetime64[D]")


def holidays_for(department: str, year: int) -> frozenset[dt.date]:
    return _holidays(calendar_key(department), year)


def is_off(day: dt.date, department: str, unit: DayUnit = DayUnit.WORKING) -> bool:
    if unit == DayUnit.CALENDAR:
        return False
    limit = 5 if unit == DayUnit.WORKING else 6
    return day.weekday() >= limit or day in holidays_for(department, day.year)


def days_between(
    start: dt.date, end: dt.date, department: str, unit: DayUnit = DayUnit.WORKING
) -> int:
    """Days of ``unit`` in (start, end]; negative when ``end`` is before ``start``."""
    if isinstance(start, dt.datetime):
        start = start.date()
    if isinstance(end, dt.datetime):
        end = end.date()
    if end < start:
        return -days_between(end, start, department, unit)
    return int(
        days_between_many(
            np.array([start], dtype="datetime64[D]"),
            np.array([end], dtype="datetime64[D]"),
            department,
            unit,
        )[0]
    )


def days_between_many(
    starts: np.ndarray, ends: np.ndarray, department: str, unit: DayUnit = DayUnit.WORKING
) -> np.ndarray:
    """Vectorised ``days_between`` for arrays of datetime64[D] with end ≥ start."""
    unit = DayUnit(unit)
    if len(starts) == 0:
        return np.zeros(0, dtype=np.int64)
    if unit == DayUnit.CALENDAR:
        calendar_days: np.ndarray = (ends - starts).astype(np.int64)
        return calendar_days
    years = np.concatenate([starts, ends]).astype("datetime64[Y]").astype(int) + 1970
    hol = _holiday_array(calendar_key(department), int(years.min()), int(years.max()) + 1)
    one = np.timedelta64(1, "D")
    return np.busday_count(starts + one, ends + one, weekmask=_WEEKMASKS[unit], holidays=hol)


def add_days(start: dt.date, n: int, department: str, unit: DayUnit = DayUnit.WORKING) -> dt.date:
    """The n-th day of ``unit`` after ``start`` (n ≥ 0; n = 0 returns ``start``)."""
    if n < 0:
        raise EngineError("le nombre de jours doit être positif ou nul")
    if isinstance(start, dt.datetime):
        start = start.date()
    unit = DayUnit(unit)
    if n == 0:
        return start
    if unit == DayUnit.CALENDAR:
        return start + dt.timedelta(days=n)
    key = calendar_key(department)
    hol = _holiday_array(key, start.year, start.year + 1 + n // 200)
    day = np.busday_offset(
        np.datetime64(start, "D"), 0, roll="forward", weekmask=_WEEKMASKS[unit], holidays=hol
    )
    # busday_offset counts from the first valid day on or after start; we count after it.
    if day == np.datetime64(start, "D"):
        result = np.busday_offset(day, n, weekmask=_WEEKMASKS[unit], holidays=hol)
    else:
        result = np.busday_offset(day, n - 1, weekmask=_WEEKMASKS[unit], holidays=hol)
    day_after: dt.date = result.astype(dt.date)
    return day_after
