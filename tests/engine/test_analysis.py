import pytest

from barometre.engine import (
    RankingOptions,
    compare_editions,
    parse_grid,
    restrict_grid,
    score_edition,
    shipped_grid,
)
from barometre.engine.synthetic import synthetic_answers

from .helpers import SMALL_GRID, answers, audit, small_grid

QUICK = RankingOptions(resamples=50, min_channels=1, min_coverage=0)


def test_evolution_uses_only_shared_criteria_and_structures():
    previous = parse_grid(
        SMALL_GRID.replace("id: test-grid", "id: test-2024").replace("phone.ivr", "phone.ivr_old")
    )
    current = small_grid()
    base = {
        "phone.answered": "oui",
        "phone.rings": "1",
        "phone.wait": "0",
        "phone.quality": "complete",
    }
    before = audit("P1", "phone", base | {"phone.ivr_old": "non"}, structure="S1")
    before += audit("P2", "phone", base | {"phone.ivr_old": "oui"}, structure="GONE")
    after = audit(
        "C1", "phone", base | {"phone.quality": "partial", "phone.ivr": "oui"}, structure="S1"
    )
    after += audit("C2", "phone", base | {"phone.ivr": "oui"}, structure="NEW")
    evolution = compare_editions(previous, answers(before), current, answers(after))
    # Only S1 is in both; the IVR criterion changed id so it is left out on both sides:
    # before 7/7 = 100, after (2 + 1 + 1 + 1.5) / 7.
    assert evolution["structure"].to_list() == ["S1"]
    row = evolution.row(0, named=True)
    assert row["previous"] == pytest.approx(100.0)
    assert row["current"] == pytest.approx(100 * 5.5 / 7)
    assert row["shared_criteria"] == len({c.id for c in current.criteria if c.scored}) - 1


def test_restricting_a_grid_keeps_valid_prerequisites():
    grid = restrict_grid(shipped_grid(), {"email.reply_delay", "phone.answered"})
    assert [c.id for c in grid.criteria if c.scored] == ["phone.answered", "email.reply_delay"]
    assert grid.criteria_by_id["email.reply_delay"].prerequisites == []
    assert grid.channel_ids == ["phone", "email"]


def test_key_figures_have_numerator_denominator_and_interval():
    grid = shipped_grid()
    rows = []
    for i, (first, rings) in enumerate([("oui", "2"), ("oui", "6"), ("non", "3"), ("non", None)]):
        answered = "non" if rings is None else "oui"
        values = {"phone.answered": answered, "phone.answered_first_attempt": first}
        if rings:
            values["phone.rings"] = rings
        rows += audit(f"T{i}", "phone", values, structure=f"S{i}")
    result = score_edition(grid, answers(rows), options=QUICK)
    figures = {spec.id: est for spec, est in result.key_figures}
    assert (
        figures["phone_first_attempt"].numerator,
        figures["phone_first_attempt"].denominator,
    ) == (2, 4)
    assert figures["phone_mean_rings"].value == pytest.approx(11 / 3)
    assert (
        figures["phone_within_5_rings"].numerator,
        figures["phone_within_5_rings"].denominator,
    ) == (2, 3)
    low, high = figures["phone_first_attempt"].low, figures["phone_first_attempt"].high
    assert 0 < low < 0.5 < high < 1


def test_a_systematically_harsh_auditor_is_flagged():
    grid = shipped_grid()
    data = synthetic_answers(grid, 200, seed=4, n_auditors=20)
    import polars as pl

    # Auditor E3 answers "non" to every yes/no question: a caricature of harshness.
    data = data.with_columns(
        pl.when((pl.col("auditor") == "E3") & (pl.col("value") == "oui"))
        .then(pl.lit("non"))
        .otherwise(pl.col("value"))
        .alias("value")
    )
    result = score_edition(grid, data, options=RankingOptions(resamples=20))
    effects = result.auditors.rows_by_key("auditor", named=True, unique=True)
    assert effects["E3"]["flag"] == "plus sévère"
    assert result.auditors.row(0, named=True)["auditor"] == "E3"  # the harshest of all
    assert effects["E3"]["mean_deviation"] < -10


def test_category_statistics_and_certified_comparison():
    grid = shipped_grid()
    result = score_edition(grid, synthetic_answers(grid, 300, seed=5), options=QUICK)
    national = result.categories.row(0, named=True)
    assert national["category"] == "(national)" and national["structures"] == 300
    assert national["q1"] <= national["median"] <= national["q3"]
    assert sum(national[f"from_{lo}"] for lo in range(0, 100, 10)) == 300
    assert national["mean_certified"] > national["mean_not_certified"]


def test_reply_delays_count_only_the_messages_that_were_answered():
    """An e-mail marked "not replied" whose delay was typed anyway is not a reply within
    10 days: the figure is over replies (docs/scoring.md §5)."""
    rows = audit("E1", "email", {"email.replied": "oui", "email.reply_delay": "1"}, structure="S1")
    rows += audit("E2", "email", {"email.replied": "non", "email.reply_delay": "1"}, structure="S2")
    result = score_edition(shipped_grid(), answers(rows), options=QUICK, strict=False)
    figures = {spec.id: est for spec, est in result.key_figures}
    within = figures["email_within_10_days"]
    assert (within.numerator, within.denominator) == (1, 1)
    assert (figures["email_answered"].numerator, figures["email_answered"].denominator) == (1, 2)
