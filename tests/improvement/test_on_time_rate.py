"""The register's on-time rate counts an open entry past its due date as late, with one
definition in every place the rate appears (register figures, dashboard, annual review,
transparency page, SP+ export, network, API); a year not over gets no target verdict."""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from barometre.api.models import ApiToken
from barometre.improvement import annual, dashboard, network, register
from barometre.improvement.models import (
    FeedbackEntry,
    ImprovementProfile,
    Indicator,
    IndicatorTarget,
)
from barometre.improvement.register_export import _within_deadline, register_rows

pytestmark = pytest.mark.django_db
D = dt.date
# 7 December 2026, 00:30 in Paris (still 6 December in UTC): "today" is the Paris day.
TODAY = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)


def _entry(structure, received, answered=None, by=None, kind="complaint"):
    entry, _ = register.create_entry(
        structure,
        kind=kind,
        channel="email",
        received_on=received,
        subject="Objet",
        description="Texte",
    )
    if answered:
        register.transition(entry, "answer", by=by, version=1, on=answered, answer="Réponse")
    return entry


@pytest.fixture
def overdue_register(structure_a, manager_a):
    """2026: two complaints answered on time, two past their due date without an answer
    (like the demo's 2026-0003 and 2026-0004), one open and not yet due, one thanks.
    2025: one answered on time, one never answered."""
    structure_a.sp_code = "PREF-45"
    structure_a.save()
    with time_machine.travel(TODAY, tick=False):
        _entry(structure_a, D(2026, 3, 2), D(2026, 3, 4), manager_a)
        _entry(structure_a, D(2026, 10, 1), D(2026, 10, 2), manager_a)
        _entry(structure_a, D(2026, 11, 20))  # due 27 November
        _entry(structure_a, D(2026, 11, 26))  # due 3 December
        _entry(structure_a, D(2026, 12, 4))  # due 11 December: not late yet
        _entry(structure_a, D(2026, 12, 4), kind="thanks")
        _entry(structure_a, D(2025, 3, 3), D(2025, 3, 4), manager_a)
        _entry(structure_a, D(2025, 6, 2))
        rate = Indicator.objects.create(
            structure=structure_a,
            code="tx-reponse",
            label="Taux de réponse dans le délai",
            source="register_on_time",
            public=True,
        )
        for year in (2025, 2026):
            IndicatorTarget.objects.create(indicator=rate, year=year, value=40)
        ImprovementProfile.objects.create(structure=structure_a, publish_transparency=True)
    return structure_a


@time_machine.travel(TODAY, tick=False)
def test_an_open_entry_past_its_due_date_counts_as_late(overdue_register):
    this, last = register.figures(overdue_register, [2026, 2025])
    assert (this.answered, this.overdue, this.counted, this.on_time) == (2, 2, 4, 2)
    assert this.on_time_rate == 50.0 and this.mean_delay is not None
    assert this.in_progress and this.today == D(2026, 12, 7)
    assert (last.counted, last.on_time, last.on_time_rate, last.in_progress) == (2, 1, 50.0, False)


@time_machine.travel(TODAY, tick=False)
def test_the_register_figures_page_shows_the_late_entries_and_the_year_in_progress(
    overdue_register, client_for, manager_a
):
    page = client_for(manager_a).get(reverse("improvement:figures", args=[overdue_register.pk]))
    text = page.content.decode()
    assert "(2 / 4)" in text and "dont 2 sans réponse, échéance dépassée" in text
    assert "année en cours, au 07/12" in text
    assert "(2 / 2)" not in text


@time_machine.travel(TODAY, tick=False)
def test_the_dashboard_counts_late_entries_and_gives_no_verdict_before_the_year_ends(
    overdue_register,
):
    (row,) = dashboard.dashboard(overdue_register, [2025, 2026], 2026)
    last, this = row.cells
    assert (this.value, this.n, this.numerator) == (50.0, 4, 2)
    assert this.met is None and this.as_of == D(2026, 12, 7)
    assert (last.value, last.n, last.met, last.as_of) == (50.0, 2, True, None)


@time_machine.travel(TODAY, tick=False)
def test_the_transparency_page_says_year_in_progress_instead_of_target_met(
    overdue_register, client
):
    url = reverse("public:transparency", args=[overdue_register.identifier])
    text = " ".join(re.sub(r"<[^>]+>", " ", client.get(url).content.decode()).split())
    assert "50,0 % (2 / 4)" in text
    assert "année en cours, au 07/12" in text
    # 2025 is over: it has its verdict; 2026 has none.
    assert text.count("cible atteinte") == 1


@time_machine.travel(TODAY, tick=False)
def test_the_sp_results_export_and_the_api_give_the_same_rate(overdue_register, client, manager_a):
    url = reverse("public:sp_results", args=[overdue_register.identifier])
    content = client.get(url).content.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(content), delimiter=";")
    assert row["valeur"] == "50.0"
    api = Client()
    _, key = ApiToken.issue(manager_a, "test", "read")
    api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    answer = api.get(f"/api/v1/improvement/structures/{overdue_register.pk}/indicators")
    (indicator,) = answer.json()
    assert (indicator["values"]["2026"], indicator["unit"]) == (0.5, "part")  # a share


@time_machine.travel(TODAY, tick=False)
def test_the_annual_review_and_the_network_count_late_entries(
    overdue_register, client_for, manager_a
):
    review = annual.annual_review(overdue_register, 2026)
    by_year = {f.year: f for f in review.feedback}
    assert (by_year[2026].on_time, by_year[2026].counted) == (2, 4)
    page = client_for(manager_a).get(
        reverse("improvement:review", args=[overdue_register.pk, 2026])
    )
    assert "(2 / 4)" in page.content.decode()
    (row,) = network.on_time_by_department(2026)
    assert (row.answered, row.overdue, row.on_time, row.on_time_rate) == (2, 2, 2, 50.0)


@time_machine.travel(TODAY, tick=False)
def test_the_register_export_says_late_for_an_open_entry_past_its_due_date(
    overdue_register, manager_a
):
    entries = FeedbackEntry.objects.filter(structure=overdue_register, kind="complaint")
    rows = {
        row.entry.reference: _within_deadline(row)
        for row in register_rows(overdue_register, manager_a, entries)
    }
    assert rows == {
        "2026-0001": "oui",
        "2026-0002": "oui",
        "2026-0003": "non",  # due 27 November, no answer
        "2026-0004": "non",
        "2026-0005": None,  # due 11 December
        "2025-0001": "oui",
        "2025-0002": "non",
    }


def test_a_year_in_progress_makes_no_trend():
    """2 / 4 at the 7th of December is no « en recul » against last year's full count."""
    from barometre.improvement.dashboard import Cell, Row
    from barometre.improvement.models import Indicator

    indicator = Indicator(code="tx", label="Taux", direction="ge")
    cells = [Cell(80.0, 85, False), Cell(90.0, 85, True), Cell(50.0, 85, None, as_of=TODAY.date())]
    assert Row(indicator, cells, 85).trend == "en progrès"
    assert Row(indicator, cells[1:], 85).trend == ""  # one final year: no trend at all
