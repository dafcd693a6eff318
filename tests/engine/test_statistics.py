import math

import numpy as np
import pytest

from barometre.engine import RankingOptions, cohen_kappa, mean_interval, score_edition, wilson
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


def test_bootstrap_is_seeded_and_stratified_by_channel():
    scores = np.array([10.0, 20.0, 30.0, 50.0, 50.0])
    # Structure 0: channel 0 audits (10, 20, 30), channel 1 one audit (50); structure 1: 50.
    boot = bootstrap_structure_scores(
        scores, np.array([3, 1, 1]), np.array([0, 0, 1]), np.array([0, 1, 0]),
        np.array([1.0, 1.0]), 2, resamples=2000, seed=7,
    )  # fmt: skip
    again = bootstrap_structure_scores(
        scores, np.array([3, 1, 1]), np.array([0, 0, 1]), np.array([0, 1, 0]),
        np.array([1.0, 1.0]), 2, resamples=2000, seed=7,
    )  # fmt: skip
    assert np.array_equal(boot, again)
    assert np.all(boot[:, 1] == 50)  # a single audit does not vary
    assert boot[:, 0].min() == pytest.approx(30) and boot[:, 0].max() == pytest.approx(40)
    assert boot[:, 0].mean() == pytest.approx(35, abs=0.3)


def _structure(sid: str, quality: str, n: int, **kw) -> list[dict]:
    rows = []
    for i in range(n):
        values = {"phone.answered": "oui", "phone.rings": "1", "phone.wait": "0",
                  "phone.ivr": "oui", "phone.quality": quality}  # fmt: skip
        rows += audit(f"{sid}-{i}", "phone", values, structure=sid, **kw)
    return rows


def test_rankings_say_when_structures_cannot_be_told_apart():
    rows = _structure("A-best", "complete", 3) + _structure("B-close", "complete", 2)
    values = {"phone.answered": "oui", "phone.rings": "1", "phone.wait": "0",
              "phone.ivr": "oui", "phone.quality": "partial"}  # fmt: skip
    rows += audit("B-close-2", "phone", values, structure="B-close")
    rows += _structure("C-poor", "wrong", 3)
    options = RankingOptions(resamples=500, min_channels=1, min_coverage=0)
    result = score_edition(small_grid(), answers(rows), options=options)
    ranking = result.rankings.select("structure", "rank", "tied_with_leader", "p_first",
                                     "rank_low", "rank_high").rows()  # fmt: skip
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
