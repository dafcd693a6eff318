"""Rankings per category with honest uncertainty.

Eligible structures (enough coverage) are ranked by their global score. A seeded
bootstrap over audits (resampling audits within each channel of each structure) gives
each structure a 90 % score interval, a 90 % rank interval and the probability of
ranking first. A structure whose score interval overlaps the leader's cannot be told
apart from it. Ties are broken deterministically: higher score at full precision, then
more audits, then identifier in alphabetical order.

A category with fewer eligible structures than ``min_category_structures`` is not ranked:
its structures keep their scores and intervals but get no rank (they are participants,
not a ranking of two).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from barometre.engine.grid import Grid
from barometre.engine.scoring import channel_weights
from barometre.engine.stats import bootstrap_structure_scores

RANK_COLUMNS = {
    "rank": pl.Int64,
    "rank_low": pl.Int64,
    "rank_high": pl.Int64,
    "p_first": pl.Float64,
    "tied_with_leader": pl.Boolean,
    "distinct_from_neighbours": pl.Boolean,
    "ranked_in_category": pl.Int32,
}


@dataclass(frozen=True)
class RankingOptions:
    resamples: int = 1000
    seed: int = 2025
    level: float = 0.90
    min_channels: int = 3
    min_coverage: float = 0.5
    min_category_structures: int = 1


def bootstrap(
    grid: Grid, audits: pl.DataFrame, structures: list[str], options: RankingOptions
) -> np.ndarray:
    """(resamples × structures) matrix of bootstrapped global scores, in ``structures`` order."""
    index = pl.DataFrame({"structure": structures, "_s": np.arange(len(structures))})
    weights = channel_weights(grid).with_row_index("_c")
    data = (
        audits.select("structure", "channel", "channel_score")
        .join(index, on="structure")
        .join(weights.select("channel", "_c"), on="channel")
        .sort("_s", "_c")
    )
    groups = data.group_by("_s", "_c", maintain_order=True).agg(pl.len().alias("size"))
    return bootstrap_structure_scores(
        data["channel_score"].to_numpy(),
        groups["size"].to_numpy(),
        groups["_s"].to_numpy(),
        groups["_c"].to_numpy().astype(np.int64),
        weights["weight"].to_numpy(),
        len(structures),
        resamples=options.resamples,
        seed=options.seed,
    )


def rank(
    grid: Grid, structures: pl.DataFrame, audits: pl.DataFrame, options: RankingOptions
) -> pl.DataFrame:
    """One row per structure: eligibility, score interval, and for eligible structures the
    rank in its category, rank interval, P(first) and whether it is distinguishable from
    the leader and from its neighbours."""
    names = structures["structure"].to_list()
    boot = bootstrap(grid, audits, names, options)
    alpha = (1 - options.level) / 2
    # Every structure here has at least one scored audit, so there is no NaN to skip.
    # Quantiles per structure read each structure's resamples contiguously.
    low, high = np.quantile(np.ascontiguousarray(boot.T), [alpha, 1 - alpha], axis=1)
    table = structures.select(
        "structure", "category", "global", "audits", "channels_audited", "coverage"
    ).with_columns(
        # The bootstrap runs in float32: clamp so that rounding never puts the estimate
        # outside its own interval.
        pl.min_horizontal(pl.Series("score_low", low.astype(float)), pl.col("global")).alias(
            "score_low"
        ),
        pl.max_horizontal(pl.Series("score_high", high.astype(float)), pl.col("global")).alias(
            "score_high"
        ),
        (
            (pl.col("channels_audited") >= options.min_channels)
            & (pl.col("coverage") >= options.min_coverage)
        ).alias("eligible"),
        pl.col("category").fill_null("(sans catégorie)"),
    )
    results = []
    for _category, part in table.with_row_index("_i").group_by("category", maintain_order=True):
        eligible = part.filter("eligible").sort(
            ["global", "audits", "structure"], descending=[True, True, False]
        )
        others = part.filter(~pl.col("eligible"))
        n = eligible.height
        if 0 < n < options.min_category_structures:
            results.append(eligible)
        elif n:
            cols = eligible["_i"].to_numpy()
            sub = boot[:, cols]
            # Rank within the category in each resample (1 = best); NaN-free by construction.
            order = np.argsort(-sub, axis=1)
            ranks = np.empty(order.shape, dtype=np.int32)
            np.put_along_axis(ranks, order, np.arange(1, n + 1, dtype=np.int32)[None, :], axis=1)
            rank_low, rank_high = np.quantile(ranks.T.copy(), [alpha, 1 - alpha], axis=1)
            p_first = np.bincount(order[:, 0], minlength=n) / len(order)
            lows, highs = eligible["score_low"].to_numpy(), eligible["score_high"].to_numpy()
            leader_low = lows[0]
            overlap_prev = np.r_[False, lows[:-1] <= highs[1:]]
            overlap_next = np.r_[lows[:-1] <= highs[1:], False]
            eligible = eligible.with_columns(
                pl.Series("rank", np.arange(1, n + 1)),
                pl.Series("rank_low", np.floor(rank_low).astype(int)),
                pl.Series("rank_high", np.ceil(rank_high).astype(int)),
                pl.Series("p_first", p_first.astype(float)),
                pl.Series("tied_with_leader", (highs >= leader_low) & (np.arange(n) > 0)),
                pl.Series("distinct_from_neighbours", ~(overlap_prev | overlap_next)),
                pl.lit(n).alias("ranked_in_category"),
            )
            results.append(eligible)
        if others.height:
            results.append(others)
    ranked = pl.concat(results, how="diagonal_relaxed").drop("_i")
    for column, dtype in RANK_COLUMNS.items():
        if column not in ranked.columns:
            ranked = ranked.with_columns(pl.lit(None, dtype=dtype).alias(column))
    return ranked.sort("category", "rank", "structure", nulls_last=True)
