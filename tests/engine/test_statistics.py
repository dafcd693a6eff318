import math

import numpy as np
import polars as pl
import pytest

from barometre.engine import (
    RankingOptions,
    cohen_kappa,
    funnel_limits,
    funnel_sigma,
    mean_interval,
    score_edition,
    wilson,
)
from barometre.engine.stats import bootstrap_structure_scores

from .helpers import answers, audit, small_grid


def test_wilson_interval_matches_the_textbook_values():
    est = wilson(77, 100)
    assert (est.value, est.low, est.high) == (
        0.77,
        pytest.approx(0.67845, abs=1e-5),
        pytest.approx(0.84157, abs=1e-5),
    )
    zero = wilson(0, 10)
    assert zero.low == 0 and round(zero.high, 4) == 0.2775
    assert math.isnan(wilson(0, 0).value)


def test_mean_interval_and_kappa():
    est = mean_interval([2, 4, 6, 8])
    assert est.value == 5 and est.denominator == 4
    assert est.low == pytest.approx(5 - 1.96 * np.std([2, 4, 6, 8], ddof=1) / 2, abs=1e-3)
    # Two coders, 10 items: 8 agreements; kappa by hand = (0.8 - 0.5) / 0.5 = 0.6.
    a = ["oui"] * 5 + ["non"] * 5
    b = ["oui"] * 4 + ["non"] + ["oui"] + ["non"] * 4
    kappa, observed, n = cohen_kappa(a, b)
    assert (round(kappa, 6), observed, n) == (0.6, 0.8, 10)


def test_a_mean_of_scores_near_a_bound_has_an_interval_within_the_bounds():
    """Three structures (the near-empty edition of the QA walk): the symmetric interval
    was 44,5 – 118,0; on the logit scale it stays within 0–100, around the mean."""
    scores = [98.0, 95.0, 51.0]
    plain = mean_interval(scores)
    assert plain.high > 100  # what a symmetric interval makes of it
    bounded = mean_interval(scores, low=0.0, high=100.0)
    assert bounded.value == plain.value
    assert 0 < bounded.low < bounded.value < bounded.high < 100
    rings = mean_interval([0.0, 1.0, 0.0, 2.0], low=0.0)
    assert 0 < rings.low < rings.value < rings.high


@pytest.mark.parametrize(
    "values",
    [[78.6], [78.6, 78.6, 78.6], [100.0, 100.0], [0.0, 0.0, 0.0]],
    ids=["one value", "all equal", "all at the top", "all at the bottom"],
)
def test_no_spread_no_interval(values):
    """One value: no bounds. Several equal values, or a mean on a bound: the bounds are
    the mean (no spread measured), which the outputs print as no interval."""
    est = mean_interval(values, low=0.0, high=100.0)
    assert est.value == pytest.approx(values[0])
    if len(values) == 1:
        assert math.isnan(est.low) and math.isnan(est.high)
    else:
        assert est.low == est.high == est.value


def test_bounded_intervals_never_leave_their_bounds():
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(2, 8))
        values = np.clip(rng.normal(rng.uniform(0, 100), 30, size=n), 0, 100)
        est = mean_interval(values, low=0.0, high=100.0)
        assert 0 <= est.low <= est.value <= est.high <= 100


def test_bootstrap_is_seeded_and_stratified_by_channel():
    scores = np.array([10.0, 20.0, 30.0, 50.0, 50.0])
    # Structure 0: channel 0 audits (10, 20, 30), channel 1 one audit (50); structure 1: 50.
    boot = bootstrap_structure_scores(
        scores,
        np.array([3, 1, 1]),
        np.array([0, 0, 1]),
        np.array([0, 1, 0]),
        np.array([1.0, 1.0]),
        2,
        resamples=2000,
        seed=7,
    )
    again = bootstrap_structure_scores(
        scores,
        np.array([3, 1, 1]),
        np.array([0, 0, 1]),
        np.array([0, 1, 0]),
        np.array([1.0, 1.0]),
        2,
        resamples=2000,
        seed=7,
    )
    assert np.array_equal(boot, again)
    assert np.all(boot[:, 1] == 50)  # a single audit does not vary
    assert boot[:, 0].min() == pytest.approx(30) and boot[:, 0].max() == pytest.approx(40)
    assert boot[:, 0].mean() == pytest.approx(35, abs=0.3)


def _structure(sid: str, quality: str, n: int, **kw) -> list[dict]:
    rows = []
    for i in range(n):
        values = {
            "phone.answered": "oui",
            "phone.rings": "1",
            "phone.wait": "0",
            "phone.ivr": "oui",
            "phone.quality": quality,
        }
        rows += audit(f"{sid}-{i}", "phone", values, structure=sid, **kw)
    return rows


def test_rankings_say_when_structures_cannot_be_told_apart():
    rows = _structure("A-best", "complete", 3) + _structure("B-close", "complete", 2)
    values = {
        "phone.answered": "oui",
        "phone.rings": "1",
        "phone.wait": "0",
        "phone.ivr": "oui",
        "phone.quality": "partial",
    }
    rows += audit("B-close-2", "phone", values, structure="B-close")
    rows += _structure("C-poor", "wrong", 3)
    options = RankingOptions(resamples=500, min_channels=1, min_coverage=0)
    result = score_edition(small_grid(), answers(rows), options=options)
    ranking = result.rankings.select(
        "structure", "rank", "tied_with_leader", "p_first", "rank_low", "rank_high"
    ).rows()
    assert [r[:2] for r in ranking] == [("A-best", 1), ("B-close", 2), ("C-poor", 3)]
    assert ranking[1][2] is True  # B's interval reaches the leader's
    assert ranking[2][2] is False  # C is clearly behind
    assert ranking[0][3] > 0.5 and ranking[2][3] == 0
    assert (ranking[2][4], ranking[2][5]) == (3, 3)  # C is last in every resample


def test_ties_are_broken_by_audits_then_identifier():
    rows = _structure("Z", "complete", 3) + _structure("Y", "complete", 2)
    rows += _structure("X", "complete", 2)
    options = RankingOptions(resamples=50, min_channels=1, min_coverage=0)
    result = score_edition(small_grid(), answers(rows), options=options)
    assert result.rankings["structure"].to_list() == ["Z", "X", "Y"]


def test_structures_below_coverage_are_listed_but_not_ranked():
    rows = _structure("A", "complete", 3)
    result = score_edition(small_grid(), answers(rows), options=RankingOptions(resamples=20))
    row = result.rankings.row(0, named=True)
    assert row["eligible"] is False and row["rank"] is None


@pytest.mark.parametrize(
    ("n", "low95", "high95", "low998", "high998"),
    [
        # Target 70, sigma 20: half-widths 1.959964 × 20/√n and 3.090232 × 20/√n.
        (4, 50.40036, 89.59964, 39.09768, 100.90232),
        (16, 60.20018, 79.79982, 54.54884, 85.45116),
        (100, 66.08007, 73.91993, 63.81954, 76.18046),
    ],
)
def test_funnel_limits_match_hand_computed_values(n, low95, high95, low998, high998):
    limits = funnel_limits(70.0, 20.0, n)
    assert (limits.low95, limits.high95, limits.low998, limits.high998) == (
        pytest.approx(low95, abs=1e-4),
        pytest.approx(high95, abs=1e-4),
        pytest.approx(low998, abs=1e-4),
        pytest.approx(high998, abs=1e-4),
    )
    assert limits.zone(70) == "inside" and limits.zone(high998 + 0.01) == "above998"
    assert limits.zone((low95 + low998) / 2) == "below95"


def test_funnel_sigma_pools_the_units_standard_errors():
    # 4 audits with a standard error of 5 and 16 with 2.5 both say sigma² = 100.
    assert funnel_sigma([5.0, 2.5, math.nan], [4, 16, 3]) == pytest.approx(10.0)
    assert math.isnan(funnel_sigma([], []))
    with pytest.raises(ValueError, match="au moins une observation"):
        funnel_limits(70.0, 20.0, 0)


def test_kappa_is_also_given_on_the_pairs_where_the_criterion_applies():
    pairs = [
        ("oui", "oui"),
        ("non", "non"),
        ("na", "na"),
        ("oui", "na"),
        ("oui", "non"),
        ("non", "non"),
    ]
    rows = []
    for i, (first, second) in enumerate(pairs):
        rows += audit(
            f"A{i}", "phone", {"phone.answered": "oui", "phone.ivr": first}, structure=f"S{i}"
        )
        rows += audit(
            f"A{i}-bis",
            "phone",
            {"phone.answered": "oui", "phone.ivr": second},
            structure=f"S{i}",
            double_of=f"A{i}",
            auditor="E2",
        )
    result = score_edition(small_grid(), answers(rows), options=RankingOptions(resamples=10))
    ivr = result.agreement.filter(pl.col("criterion") == "phone.ivr").row(0, named=True)
    # "Sans objet" as a category, 6 pairs: observed 4/6, chance (3·1 + 2·3 + 1·2)/36 = 11/36,
    # kappa = (24 − 11)/(36 − 11) = 0.52. The 4 pairs where it applies: observed 3/4,
    # chance (2·1 + 2·3)/16 = 0.5, kappa 0.5.
    assert (ivr["pairs"], ivr["kappa"]) == (6, pytest.approx(0.52))
    assert (ivr["pairs_applicable"], ivr["agreement_applicable"]) == (4, 0.75)
    assert ivr["kappa_applicable"] == pytest.approx(0.5)
