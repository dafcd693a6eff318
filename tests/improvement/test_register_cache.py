"""The register's figures (bilan, quality dashboard) are kept in the cache under what
they read: a new entry, an answer or an edit shows at once, and the figures are those
computed without the cache."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from barometre.improvement import register

pytestmark = pytest.mark.django_db


def _entry(structure, received, answered=None, kind="complaint"):
    entry, _ = register.create_entry(
        structure,
        kind=kind,
        channel="email",
        received_on=received,
        subject="Attente",
        description="Trop d'attente au guichet.",
    )
    if answered:
        entry = register.transition(
            entry, "answer", by=None, version=entry.version, on=answered, answer="Réponse."
        )
    return entry


def _plain(figures) -> list[tuple]:
    return [(f.year, dict(f.counts), f.answered, f.on_time, f.delays) for f in figures]


def _uncached(structure, years, **options) -> list[tuple]:
    cache.clear()
    return _plain(register.figures(structure, years, **options))


def test_register_figures_follow_new_entries_answers_and_edits(structure_a):
    year = dt.date.today().year - 1
    years = [year - 1, year]
    opened = _entry(structure_a, dt.date(year, 3, 2))
    _entry(structure_a, dt.date(year, 3, 3), answered=dt.date(year, 3, 20))
    first = _plain(register.figures(structure_a, years))
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        assert _plain(register.figures(structure_a, years)) == first
    assert len(queries) == 1  # the entries' version, then the cache
    register.transition(
        opened, "answer", by=None, version=opened.version, on=dt.date(year, 4, 30), answer="R."
    )
    answered = _plain(register.figures(structure_a, years))
    assert answered[1][2] == 2 and answered != first
    assert answered == _uncached(structure_a, years)
    _entry(structure_a, dt.date(year - 1, 6, 1), kind="suggestion")
    added = _plain(register.figures(structure_a, years))
    assert added[0][1] == {"suggestion": 1}
    assert added == _uncached(structure_a, years)
    opened.refresh_from_db()
    register.edit(opened, by=None, version=opened.version, subject="Délai")
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        edited = _plain(register.figures(structure_a, years))
    assert len(queries) > 1  # an edited entry: computed again
    assert edited == added == _uncached(structure_a, years)
    only_email = _plain(register.figures(structure_a, years, channels=["email"]))
    assert only_email == _uncached(structure_a, years, channels=["email"])
    assert _plain(register.figures(structure_a, years, channels=["phone"]))[1][1] == {}
