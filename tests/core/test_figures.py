"""The one formatting rule per unit and the one definition per kind of figure."""

import pytest
from django.template import Context, Template

from barometre.core.figures import (
    Figure,
    format_count,
    format_days,
    format_number,
    format_percent,
    format_share,
    round_half_up,
    rounded,
)

NB = "\u202f"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (63.6, 0, "64"),  # rounded, never truncated
        (63.65, 1, "63,7"),  # half up, not half even
        (2.675, 2, "2,68"),  # from the decimal writing, not the binary one
        (0.5, 0, "1"),
        (-0.04, 1, "0,0"),  # no "-0,0"
        (1234567.25, 1, f"1{NB}234{NB}567,3"),
        (-1234.5, 0, f"-1{NB}235"),
        (None, 1, "—"),
        (float("nan"), 1, "—"),
    ],
)
def test_numbers_are_written_the_french_way_rounded_half_up(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_each_unit_has_one_rule():
    assert round_half_up(90.909, 1) == round_half_up(90.91, 1)
    assert format_percent(23 / 25 * 100) == "92,0\u00a0%"
    assert format_percent(10 / 11 * 100) == "90,9\u00a0%"
    assert format_percent(10 / 11 * 100, 0) == "91\u00a0%"
    assert format_share(0.0455) == "4,6\u00a0%"  # 4.55 exactly, rounded up
    assert format_count(362535.2) == f"362{NB}535"
    assert format_days(3.25) == "3,3"


def test_a_rate_shows_k_over_n_and_a_mean_shows_what_it_averaged():
    rate = Figure(
        "rate", 682 / 1011, 1011, "appels", numerator=682, low=0.645, high=0.703, minimum=30
    )
    assert (rate.text, rate.headline) == ("67,5\u00a0%", "67\u00a0%")
    assert rate.sample == f"682 / 1{NB}011 appels"
    assert rate.interval == "64,5 – 70,3\u00a0%"
    rings = Figure(
        "mean", 2.69, 704, "appels", numerator=1893, low=2.5, high=2.9, unit="sonneries", minimum=30
    )
    assert (rings.text, rings.sample) == ("2,7\u00a0sonneries", "704 appels")
    assert not rings.small and rings.public == rings.text


def test_a_small_sample_is_not_published_as_if_it_were_large():
    two = Figure("rate", 1.0, 2, "réponses", numerator=2, minimum=30)
    assert two.small
    assert two.public == "effectif insuffisant (n = 2)"
    assert two.exported(1.0) == "effectif insuffisant (n = 2)"
    assert "effectif faible (n = 2)" in two.warning


def test_template_filters_use_the_same_rule():
    rendered = Template(
        "{% load figures %}{{ a|percent }} {{ a|percent:0 }} {{ b|share }} {{ c|count }} "
        "{{ d|days }} {{ e|signed }}"
    ).render(Context({"a": 63.6, "b": 0.9091, "c": 362535.2, "d": 1.25, "e": 8.06}))
    assert rendered == f"63,6\u00a0% 64\u00a0% 90,9\u00a0% 362{NB}535 1,3 +8,1"


def test_chart_values_are_rounded_half_up_too():
    assert (rounded(63.65), rounded(2.675, 2), rounded(None), rounded(float("nan"))) == (
        63.7,
        2.68,
        0.0,
        0.0,
    )
    assert round(63.65, 1) == 63.6  # what Python's own rounding would have drawn


def test_a_figure_without_a_real_interval_says_why():
    # The bootstrap runs in float32: bounds 78.59999 and 78.6 print the same.
    one_audit_per_channel = Figure(kind="score", value=78.6, n=5, low=78.59999, high=78.6)
    assert not one_audit_per_channel.has_interval
    assert one_audit_per_channel.interval == (
        "pas d'intervalle : aucun écart entre les audits d'un même canal (un seul audit "
        "par canal, ou des audits identiques)"
    )
    single = Figure(kind="mean", value=81.3, n=1, low=None, high=None)
    assert single.interval == "pas d'intervalle : une seule observation"
    equal = Figure(kind="mean", value=100.0, n=3, low=100.0, high=100.0)
    assert equal.interval == "pas d'intervalle : valeurs toutes égales ou à une borne de l'échelle"
    # A register counted whole is no sample: no interval, and no reason to give.
    whole = Figure(kind="rate", value=21 / 23, n=23, numerator=21)
    assert whole.interval == "—"
    assert whole.own == "91,3\u00a0% (21 / 23)"
    small = Figure(kind="mean", value=3.0, n=1, n_unit="réponse")
    assert small.own_details == "1 réponse ; pas d'intervalle : une seule observation"
    assert Figure(kind="mean", value=None, n=0).interval == "—"
    assert Figure(kind="mean", value=60.0, n=9, low=55.0, high=65.0).interval == "55,0 – 65,0"


@pytest.mark.parametrize(
    ("unit", "n", "written"),
    [
        ("réponses", 1, "1 réponse"),
        ("réponses", 0, "0 réponse"),
        ("réponses", 2, "2 réponses"),
        ("appels décrochés", 1, "1 appel décroché"),
        ("courriels répondus", 1, "1 courriel répondu"),
        ("structures", 12, "12 structures"),
    ],
)
def test_what_a_figure_counts_agrees_with_its_number(unit, n, written):
    assert Figure(kind="mean", value=3.0, n=n, n_unit=unit).sample == written
