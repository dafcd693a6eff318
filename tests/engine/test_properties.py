"""Properties that must hold for any edition (hypothesis)."""

import random

import polars as pl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from barometre.engine import RankingOptions, score_edition

from .helpers import answers, small_grid

GRID = small_grid()
OPTIONS = RankingOptions(resamples=100, min_channels=1, min_coverage=0)
PHONE = {
    "phone.answered": ["oui", "non"],
    "phone.rings": ["1", "3", "4", "6", "12"],
    "phone.wait": ["0", "45", "150", "400"],
    "phone.ivr": ["oui", "non", "sans objet"],
    "phone.quality": ["complete", "partial", "wrong"],
}
EMAIL = {
    "email.replied": ["oui", "non"],
    "email.delay": ["0", "2", "4", "9", "30"],
    "email.quality": ["oui", "non"],
    "email.reviews": ["0,9", "0,6", "0,1", "sans objet"],
}
settings.register_profile(
    "engine", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def editions(draw):
    rows = []
    for s in range(draw(st.integers(1, 4))):
        for channel, criteria in (("phone", PHONE), ("email", EMAIL)):
            for a in range(draw(st.integers(0 if channel == "email" else 1, 3))):
                audit_id = f"S{s}-{channel}-{a}"
                for criterion, values in criteria.items():
                    if draw(st.integers(0, 9)) == 0:
                        continue  # the auditor skipped it
                    rows.append(
                        {
                            "structure": f"S{s}",
                            "audit": audit_id,
                            "channel": channel,
                            "criterion": criterion,
                            "value": draw(st.sampled_from(values)),
                            "auditor": f"E{a % 2}",
                        }
                    )
    assume(rows)
    return rows


def scores(rows) -> dict:
    result = score_edition(GRID, answers(rows), options=OPTIONS)
    out = {("audit", r["audit"]): r["channel_score"] for r in result.audits.iter_rows(named=True)}
    out |= {
        ("global", r["structure"]): r["global"] for r in result.structures.iter_rows(named=True)
    }
    for frame, key in (
        (result.channels, "channel"),
        (result.stages, "stage"),
        (result.determinants, "determinant"),
    ):
        out |= {(key, r["structure"], r[key]): r["score"] for r in frame.iter_rows(named=True)}
    return out, result


@settings(settings.get_profile("engine"))
@given(editions())
def test_scores_stay_between_0_and_100_and_global_between_channels(rows):
    values, result = scores(rows)
    assert all(0 <= v <= 100 for v in values.values())
    for row in result.structures.iter_rows(named=True):
        channel_scores = result.channel_scores(row["structure"]).values()
        assert min(channel_scores) - 1e-9 <= row["global"] <= max(channel_scores) + 1e-9


@settings(settings.get_profile("engine"))
@given(editions(), st.randoms(use_true_random=False))
def test_row_order_never_matters(rows, rnd: random.Random):
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    before, _ = scores(rows)
    after, _ = scores(shuffled)
    assert before.keys() == after.keys()
    assert all(abs(before[k] - after[k]) < 1e-9 for k in before)


@settings(settings.get_profile("engine"))
@given(editions(), st.data())
def test_failing_a_passed_criterion_never_raises_a_score(rows, data):
    passed = [i for i, r in enumerate(rows) if r["value"] in ("oui", "complete", "partial")]
    if not passed:
        return
    i = data.draw(st.sampled_from(passed))
    worse = [dict(r) for r in rows]
    worse[i]["value"] = "non" if rows[i]["value"] == "oui" else "wrong"
    before, _ = scores(rows)
    after, _ = scores(worse)
    assert all(after[k] <= before[k] + 1e-9 for k in after if k in before)


@settings(settings.get_profile("engine"))
@given(editions(), st.data())
def test_not_applicable_never_lowers_a_score(rows, data):
    candidates = [
        i
        for i, r in enumerate(rows)
        if r["criterion"] in ("phone.ivr", "email.reviews") and r["value"] != "sans objet"
    ]
    if not candidates:
        return
    i = data.draw(st.sampled_from(candidates))
    changed = [dict(r) for r in rows]
    changed[i]["value"] = "sans objet"
    before, _ = scores(rows)
    after, _ = scores(changed)
    # Compared with its failing value, a not-applicable answer can only help.
    failing = [dict(r) for r in rows]
    failing[i]["value"] = "non" if rows[i]["criterion"] == "phone.ivr" else "0,1"
    worst, _ = scores(failing)
    assert all(after[k] >= worst[k] - 1e-9 for k in after if k in worst)
    assert before.keys() == after.keys()


@settings(settings.get_profile("engine"))
@given(editions())
def test_bootstrap_intervals_contain_the_point_estimate(rows):
    _, result = scores(rows)
    frame = result.structures.select("global", "score_low", "score_high")
    assert frame.filter(
        (pl.col("score_low") > pl.col("global")) | (pl.col("score_high") < pl.col("global"))
    ).is_empty()
