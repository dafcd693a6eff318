"""Issue 22, item 5: the network's register figures per département, and pages whose
number of queries does not grow with the data (``make bench-national`` measures them on a
national network)."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from barometre.improvement import catalogue, network, register, surveys
from barometre.improvement.deadlines import working_days_taken
from barometre.improvement.models import FeedbackEntry
from barometre.structures.models import Structure

GOOD_FRIDAY = dt.date(2025, 4, 18)  # a public holiday in Moselle, not in the Loiret


def _entry(structure, received, *, kind="complaint", channel="email", answered=None):
    entry, _ = register.create_entry(
        structure,
        kind=kind,
        channel=channel,
        received_on=received,
        subject="Attente",
        description="Trop d'attente au guichet.",
    )
    if answered:
        entry = register.transition(
            entry, "answer", by=None, version=entry.version, on=answered, answer="Réponse."
        )
    return entry


@pytest.fixture
def metz_region(structure_b):
    """A second structure in Moselle, so that a département adds up two registers."""
    return Structure.objects.create(
        name="CCAS de Metz", identifier="26570463000011", kind="social", department="57"
    )


def test_on_time_share_per_department_uses_the_registers_working_days(
    structure_a, structure_b, metz_region
):
    thursday = GOOD_FRIDAY - dt.timedelta(days=1)
    # 5 working days from Thursday 17 April 2025: Friday 25 in the Loiret, Monday 28 in
    # Moselle, where Good Friday is off (Easter Monday is off everywhere).
    loiret = _entry(structure_a, thursday, answered=dt.date(2025, 4, 28))
    moselle = _entry(structure_b, thursday, answered=dt.date(2025, 4, 28))
    assert loiret.answer_due == dt.date(2025, 4, 25)
    assert moselle.answer_due == dt.date(2025, 4, 28)
    _entry(structure_a, dt.date(2025, 6, 2), kind="suggestion", answered=dt.date(2025, 6, 3))
    _entry(metz_region, dt.date(2025, 9, 1), channel="letter", answered=dt.date(2025, 9, 30))
    _entry(metz_region, dt.date(2025, 9, 1), channel="letter", answered=dt.date(2025, 9, 5))
    # Not counted: no answer yet, thanks (no deadline), a request for information (not a
    # complaint or a suggestion), another year.
    _entry(structure_a, dt.date(2025, 10, 1))
    _entry(structure_a, dt.date(2025, 10, 1), kind="thanks", answered=dt.date(2025, 10, 2))
    _entry(structure_b, dt.date(2025, 10, 1), kind="information", answered=dt.date(2025, 10, 30))
    _entry(structure_b, dt.date(2024, 10, 1), answered=dt.date(2024, 10, 30))

    rows = {r.department: r for r in network.on_time_by_department(2025)}

    assert set(rows) == {"45", "57"}
    assert (rows["45"].structures, rows["45"].answered, rows["45"].on_time) == (1, 2, 1)
    assert (rows["57"].structures, rows["57"].answered, rows["57"].on_time) == (2, 3, 2)
    assert rows["57"].label == "Moselle (57)"
    assert rows["57"].on_time_rate == pytest.approx(200 / 3)
    # The same figures as each structure's register, added up.
    for code, structures in (("45", [structure_a]), ("57", [structure_b, metz_region])):
        years = [register.figures(s, [2025])[0] for s in structures]
        assert rows[code].answered == sum(y.answered for y in years)
        assert rows[code].on_time == sum(y.on_time for y in years)
    total = network.network_total(list(rows.values()))
    assert (total.answered, total.on_time, total.label) == (5, 3, "Ensemble du réseau")


def test_register_figures_count_working_days_as_the_calendar_does(structure_b):
    """The yearly delays, now computed in one vectorised call, equal the entry-by-entry
    count of the département's calendar."""
    received = [GOOD_FRIDAY - dt.timedelta(days=d) for d in (1, 3, 10)]
    answered = [dt.date(2025, 4, 28), dt.date(2025, 4, 22), dt.date(2025, 5, 9)]
    for day, on in zip(received, answered, strict=True):
        _entry(structure_b, day, answered=on)
    (figures,) = register.figures(structure_b, [2025])
    expected = [working_days_taken(d, a, "57") for d, a in zip(received, answered, strict=True)]
    assert sorted(figures.delays) == sorted(expected)
    assert figures.counts["complaint"] == 3


def test_the_network_indicator_is_one_query_whatever_the_volume(structure_a, structure_b):
    for i in range(2):
        _entry(structure_a, dt.date(2025, 3, 3 + i), answered=dt.date(2025, 3, 10))
    with CaptureQueriesContext(connection) as few:
        network.on_time_by_department(2025)
    for i in range(20):
        _entry(structure_b, dt.date(2025, 3, 3 + i % 5), answered=dt.date(2025, 3, 12))
    with CaptureQueriesContext(connection) as many:
        rows = network.on_time_by_department(2025)
    assert len(few) == len(many) == 1
    assert sum(r.answered for r in rows) == 22


def test_the_network_page_shows_counts_to_operators(client_for, operator, structure_b):
    _entry(structure_b, dt.date(2025, 3, 3), answered=dt.date(2025, 3, 4))
    page = client_for(operator).get(reverse("improvement:network"), {"annee": 2025})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Moselle" in text and "Ensemble du réseau" in text
    assert "Trop d'attente" not in text  # counts only, never an entry
    # A year out of the selector's range shows the oldest year it offers, selected.
    oldest = dt.date.today().year - 5
    page = client_for(operator).get(reverse("improvement:network"), {"annee": 1900})
    assert f'<option value="{oldest}" selected>' in page.content.decode()


def test_the_network_page_computes_its_figures_once_per_five_minutes(
    client_for, operator, structure_b
):
    _entry(structure_b, dt.date(2025, 3, 3), answered=dt.date(2025, 3, 4))
    client = client_for(operator)
    url = reverse("improvement:network")
    first = client.get(url, {"annee": 2025}).content.decode()
    assert "Chiffres calculés le" in first and "à jour des registres à 5 minutes près" in first
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, {"annee": 2025}).content.decode()
    assert not any("improvement_feedbackentry" in q["sql"] for q in queries)
    stamp = re.compile(r"Chiffres calculés le .*? :")
    assert stamp.search(again).group() == stamp.search(first).group()
    # Another year is another computation.
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"annee": 2024})
    assert any("improvement_feedbackentry" in q["sql"] for q in queries)


def _pages(structure, questionnaire) -> list[str]:
    entries = reverse("improvement:entries", args=[structure.pk])
    return [
        reverse("improvement:questionnaire", args=[questionnaire.pk]),
        reverse("improvement:dashboard", args=[structure.pk]),
        entries,
        entries + "?status=open",
        reverse("improvement:figures", args=[structure.pk]),
        reverse("improvement:structure", args=[structure.pk]),
    ]


def _add(structure, questionnaire, count: int, start: int) -> None:
    today = dt.date.today()
    for i in range(start, start + count):
        day = today - dt.timedelta(days=30 * (i % 30) + i % 7)
        _entry(structure, day, answered=day + dt.timedelta(days=i % 12) if i % 3 else None)
        surveys.submit(
            questionnaire,
            {"overall": 1 + i % 10, "courtesy": 10},
            comment=f"Remarque numéro {i} sur l'accueil",
            answered_on=day,
        )


def _query_counts(client, urls) -> dict[str, int]:
    """Each page's queries with an empty cache (the past years' survey counts are cached)."""
    counts = {}
    for url in urls:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    return counts


def test_a_structures_pages_run_as_many_queries_with_20_rows_as_with_2(
    client_for, manager_a, structure_a, questionnaire
):
    catalogue.adopt(
        structure_a, ["tx-reponse", "delai", "satisfaction", "tx-courriels-info"], year=2026
    )
    client = client_for(manager_a)
    urls = _pages(structure_a, questionnaire)
    _add(structure_a, questionnaire, 2, 0)
    few = _query_counts(client, urls)
    _add(structure_a, questionnaire, 18, 2)
    many = _query_counts(client, urls)
    assert FeedbackEntry.objects.filter(structure=structure_a).count() == 20
    assert many == few, (few, many)


def test_past_years_survey_counts_are_cached_until_their_responses_change(questionnaire):
    last_year = dt.date.today().year - 1
    surveys.submit(questionnaire, {"overall": 9}, answered_on=dt.date(last_year, 3, 1))
    (first,) = [
        r
        for r in surveys.results_by_year(questionnaire, [last_year])[last_year]
        if r.item.code == "overall"
    ]
    assert (first.answers, first.satisfied) == (1, 1)
    with CaptureQueriesContext(connection) as queries:
        surveys.results_by_year(questionnaire, [last_year])
    assert len(queries) == 2  # the year's version and the items: the counts are cached
    surveys.submit(questionnaire, {"overall": 2}, answered_on=dt.date(last_year, 5, 1))
    (again,) = [
        r
        for r in surveys.results_by_year(questionnaire, [last_year])[last_year]
        if r.item.code == "overall"
    ]
    assert (again.answers, again.satisfied) == (2, 1)
    # The cut-offs are part of the key: changing them counts again.
    questionnaire.satisfied_from = 2
    questionnaire.save()
    (lower,) = [
        r
        for r in surveys.results_by_year(questionnaire, [last_year])[last_year]
        if r.item.code == "overall"
    ]
    assert lower.satisfied == 2
