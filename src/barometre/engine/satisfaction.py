"""Satisfactory calls per stage: how internal campaigns report their mystery calls.

A structure's own campaign of mystery calls (a préfecture's twenty calls in November, as its
users' committee reviews them) is not compared with other structures; it is read against a
target: per stage of the call (the interactive voice server, the switchboard, the service
after transfer), the share of calls that were *satisfactory* at that stage, "88,2 % against
a target of 85 %". A call is satisfactory at a stage when its score on the stage's criteria
reaches the grid's ``satisfaction.threshold`` (75 out of 100 by default); a call where no
criterion of the stage applies is not counted at that stage. See docs/scoring.md §9.
"""

from __future__ import annotations

import polars as pl

from barometre.engine.grid import Grid

# Scores are sums of floating-point products: 75 must not fail a 75 threshold.
TOLERANCE = 1e-9


def stage_satisfaction(grid: Grid, audits: pl.DataFrame) -> pl.DataFrame:
    """One row per (structure, stage) with at least one call where the stage applies:
    ``satisfied`` calls out of ``calls``. ``audits`` is ``EditionResults.audits``."""
    threshold = grid.satisfaction.threshold - TOLERANCE
    frames = []
    for stage in grid.stages:
        column = f"stage:{stage.id}"
        if column not in audits.columns:
            continue
        scored = audits.select("structure", pl.col(column).alias("score")).filter(
            pl.col("score").is_not_null() & pl.col("score").is_not_nan()
        )
        frames.append(
            scored.group_by("structure").agg(
                pl.lit(stage.id).alias("stage"),
                (pl.col("score") >= threshold).sum().cast(pl.Int64).alias("satisfied"),
                pl.len().cast(pl.Int64).alias("calls"),
            )
        )
    schema = {
        "structure": pl.String,
        "stage": pl.String,
        "satisfied": pl.Int64,
        "calls": pl.Int64,
    }
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames).select(list(schema)).sort("structure", "stage")
