"""Auditor effects and agreement.

Each audit's deviation is its channel score minus the mean of the *other* audits of the
same structure and channel (audits alone on their structure-channel are left out). An
auditor whose mean deviation has a 95 % interval excluding zero, by at least
``min_effect`` points over at least ``min_audits`` audits, is flagged harsher or softer.

Agreement: audits marked as a second, independent coding of another audit
(``double_of``) are compared answer by answer; Cohen's kappa per criterion.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from barometre.engine.grid import Grid
from barometre.engine.scoring import criterion_points
from barometre.engine.stats import Z95, cohen_kappa


def auditor_effects(
    audits: pl.DataFrame, *, min_audits: int = 5, min_effect: float = 3.0
) -> pl.DataFrame:
    group = ["structure", "channel"]
    with_loo = audits.with_columns(
        pl.col("channel_score").sum().over(group).alias("_sum"),
        pl.len().over(group).alias("_n"),
    ).filter(pl.col("_n") > 1)
    with_loo = with_loo.with_columns(
        (
            pl.col("channel_score")
            - (pl.col("_sum") - pl.col("channel_score")) / (pl.col("_n") - 1)
        ).alias("deviation")
    )
    effects = (
        with_loo.group_by("auditor")
        .agg(
            pl.len().alias("audits"),
            pl.col("deviation").mean().alias("mean_deviation"),
            pl.col("deviation").std().alias("sd"),
        )
        .with_columns((Z95 * pl.col("sd") / pl.col("audits").sqrt()).alias("_half"))
        .with_columns(
            (pl.col("mean_deviation") - pl.col("_half")).alias("low"),
            (pl.col("mean_deviation") + pl.col("_half")).alias("high"),
        )
        .with_columns(
            pl.when(
                (pl.col("audits") >= min_audits)
                & (pl.col("high") < 0)
                & (pl.col("mean_deviation") <= -min_effect)
            )
            .then(pl.lit("plus sévère"))
            .when(
                (pl.col("audits") >= min_audits)
                & (pl.col("low") > 0)
                & (pl.col("mean_deviation") >= min_effect)
            )
            .then(pl.lit("plus indulgent"))
            .otherwise(pl.lit(""))
            .alias("flag")
        )
        .drop("_half")
        .sort("mean_deviation")
    )
    return effects


NOT_APPLICABLE_ANSWER = "sans objet"


def agreement(
    grid: Grid, prepared_answers: pl.DataFrame, audits_meta: pl.DataFrame
) -> pl.DataFrame:
    """Cohen's kappa per criterion between original audits and their double coding.

    "Sans objet" is one of the categories of ``kappa`` (two coders who both find a
    criterion not applicable agree; one who does and one who does not disagree).
    ``kappa_applicable`` is the same statistic on the pairs where neither coder answered
    "sans objet" (``pairs_applicable``): the agreement on the answer itself."""
    pairs = audits_meta.filter(pl.col("double_of").is_not_null()).select(
        pl.col("audit").alias("second"), pl.col("double_of").alias("first")
    )
    schema = {
        "criterion": pl.String,
        "pairs": pl.Int64,
        "agreement": pl.Float64,
        "kappa": pl.Float64,
        "pairs_applicable": pl.Int64,
        "agreement_applicable": pl.Float64,
        "kappa_applicable": pl.Float64,
    }
    if pairs.height == 0:
        return pl.DataFrame(schema=schema)

    involved = pl.concat([pairs["first"], pairs["second"]]).implode()
    answers = prepared_answers.filter(pl.col("audit").is_in(involved))
    # Numeric measures are compared on the points they earn (the same band of the scale).
    raw = answers["raw"].fill_null(np.nan).to_numpy()
    ids = answers["criterion"].to_numpy()
    banded = np.full(len(raw), np.nan)
    for criterion_id in np.unique(ids):
        rows = ids == criterion_id
        banded[rows] = criterion_points(grid.criteria_by_id[criterion_id], raw[rows])
    answers = answers.with_columns(pl.Series("banded", banded, dtype=pl.Float64)).select(
        "audit",
        "criterion",
        pl.when(pl.col("na"))
        .then(pl.lit(NOT_APPLICABLE_ANSWER))
        .otherwise(pl.coalesce(pl.col("code"), pl.col("banded").round(2).cast(pl.String)))
        .alias("answer"),
    )
    joined = (
        pairs.join(answers, left_on="first", right_on="audit")
        .join(
            answers,
            left_on=["second", "criterion"],
            right_on=["audit", "criterion"],
            suffix="_second",
        )
        .drop_nulls(["answer", "answer_second"])
    )
    rows = []
    for (criterion,), part in joined.group_by("criterion", maintain_order=True):
        first, second = part["answer"].to_list(), part["answer_second"].to_list()
        kappa, observed, n = cohen_kappa(first, second)
        applicable = [
            (a, b)
            for a, b in zip(first, second, strict=True)
            if NOT_APPLICABLE_ANSWER not in (a, b)
        ]
        kappa_a, observed_a, n_a = cohen_kappa(
            [a for a, _ in applicable], [b for _, b in applicable]
        )
        rows.append(
            {
                "criterion": criterion,
                "pairs": n,
                "agreement": observed,
                "kappa": kappa,
                "pairs_applicable": n_a,
                "agreement_applicable": observed_a,
                "kappa_applicable": kappa_a,
            }
        )
    return pl.DataFrame(rows, schema=schema).sort("criterion")
