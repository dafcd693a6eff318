"""The baseline of ``bench_engine.py``: the engine's scoring written as one plain
polars + numpy script, the way a data engineer would write it for a single job.

Same inputs (the long table of answers, the grid), same rules (docs/scoring.md: points
per measure, weights, "sans objet", prerequisites, missing answers, knock-out caps), same
outputs: per-audit channel, stage and determinant scores; per structure the channel,
stage, determinant and global scores; a bootstrap of the same size over audits within
each structure and channel; 90 % score and rank intervals, rank and P(first) per
category. No input checking, no problem reports, no key figures, auditor effects or
agreement: those are the engine's own extra work.

The bootstrap draws audits one by one (one matrix of resample indices per batch); the
engine draws differently (same distribution, other random numbers), so intervals are
compared by their size, not their bounds.
"""

from __future__ import annotations

import graphlib
import time

import numpy as np
import polars as pl

from barometre.engine import Grid
from barometre.engine.answers import NO, NOT_APPLICABLE, YES
from barometre.engine.calendars import calendar_key, days_between_many


def _criteria(grid: Grid) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "criterion": c.id,
                "mtype": c.measure.type.value,
                "day_unit": c.measure.day_unit.value if c.measure.type == "delay" else "",
            }
            for c in grid.criteria
            if c.scored
        ]
    )


def _levels(grid: Grid) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"criterion": c.id, "v": lv.code.lower(), "level": lv.points}
            for c in grid.criteria
            if c.measure.type == "scale"
            for lv in c.measure.levels
        ],
        schema={"criterion": pl.String, "v": pl.String, "level": pl.Float64},
    )


def raw_values(grid: Grid, answers: pl.DataFrame) -> pl.DataFrame:
    """One row per answer to a scored criterion: ``raw`` (points for yes/no and scales,
    the number otherwise; delays from the two dates in the département's working days)
    and ``na``."""
    v = pl.col("value").str.to_lowercase().str.strip_chars()
    number = v.str.replace_all(r"[\s\u202f]", "").str.replace(",", ".")
    # Text is cleaned once per distinct value (a few hundred for millions of answers).
    values = (
        answers.lazy()
        .select(pl.col("value").unique())
        .with_columns(v.alias("v"), number.alias("number"))
    )
    frame = (
        answers.lazy()
        .filter(pl.col("double_of").is_null())
        .join(_criteria(grid).lazy(), on="criterion")
        .join(values, on="value", how="left", nulls_equal=True)
        .join(_levels(grid).lazy(), on=["criterion", "v"], how="left")
        .with_columns(
            pl.col("v").is_in(NOT_APPLICABLE).fill_null(False).alias("na"),
            pl.when(pl.col("mtype") == "yes_no")
            .then(pl.when(pl.col("v").is_in(YES)).then(1.0).when(pl.col("v").is_in(NO)).then(0.0))
            .when(pl.col("mtype") == "scale")
            .then(pl.col("level"))
            .when((pl.col("mtype") == "ratio") & pl.col("number").str.ends_with("%"))
            .then(pl.col("number").str.strip_suffix("%").cast(pl.Float64, strict=False) / 100)
            .otherwise(pl.col("number").str.strip_suffix("%").cast(pl.Float64, strict=False))
            .alias("raw"),
        )
        .collect()
    )
    dated = (
        (pl.col("mtype") == "delay")
        & pl.col("sent_at").is_not_null()
        & (pl.col("replied_at") >= pl.col("sent_at"))
    )
    frame = frame.with_row_index("_i")
    delays = frame.filter(dated).with_columns(
        pl.col("department")
        .replace_strict({d: calendar_key(d) for d in frame["department"].unique().drop_nulls()})
        .alias("key")
    )
    parts = []
    for (_key, unit), part in delays.group_by("key", "day_unit"):
        days = days_between_many(
            part["sent_at"].dt.date().to_numpy().astype("datetime64[D]"),
            part["replied_at"].dt.date().to_numpy().astype("datetime64[D]"),
            part["department"][0],
            unit,
        )
        parts.append(pl.DataFrame({"_i": part["_i"], "_days": days.astype(float)}))
    if parts:
        frame = frame.join(pl.concat(parts), on="_i", how="left").with_columns(
            pl.coalesce("_days", "raw").alias("raw")
        )
    return frame.select("structure", "category", "channel", "audit", "criterion", "raw", "na")


def _points(criterion, raw: np.ndarray) -> np.ndarray:
    rule = criterion.scoring
    if rule.type == "levels":
        return raw
    if rule.type == "linear":
        with np.errstate(invalid="ignore"):
            return np.clip((raw - rule.worst) / (rule.best - rule.worst), 0.0, 1.0)
    out = np.full(raw.shape, rule.otherwise)
    for step in reversed(rule.steps):  # the first step met wins
        out = np.where(
            raw <= step.bound if rule.direction == "le" else raw >= step.bound, step.points, out
        )
    return np.where(np.isnan(raw), np.nan, out)


def audit_scores(grid: Grid, raw: pl.DataFrame) -> pl.DataFrame:
    """Per audit: channel score (capped), one column per stage and determinant."""
    frames = []
    for channel in grid.channels:
        crits = {c.id: c for c in grid.criteria if c.channel == channel.id and c.scored}
        order = list(
            graphlib.TopologicalSorter(
                {k: c.prerequisites for k, c in crits.items()}
            ).static_order()
        )
        crits = [crits[k] for k in order if k in crits]
        part = raw.filter(pl.col("channel") == channel.id)
        if part.height == 0:
            continue
        audits = part.select("audit").unique(maintain_order=True)["audit"]
        coded = part.join(
            pl.DataFrame({"audit": audits, "a": np.arange(len(audits))}), on="audit"
        ).join(
            pl.DataFrame({"criterion": [c.id for c in crits], "k": np.arange(len(crits))}),
            on="criterion",
        )
        n, m = len(audits), len(crits)
        value = np.full((n, m), np.nan)
        answered = np.zeros((n, m), dtype=bool)
        na = np.zeros((n, m), dtype=bool)
        a, k = coded["a"].to_numpy(), coded["k"].to_numpy()
        value[a, k] = coded["raw"].fill_null(np.nan).to_numpy()
        na[a, k] = coded["na"].to_numpy()
        column = {c.id: j for j, c in enumerate(crits)}
        cap = np.full(n, 100.0)
        for j, c in enumerate(crits):
            points = _points(c, value[:, j])
            answered[:, j] = ~np.isnan(points) & ~na[:, j]
            failed = np.zeros(n, dtype=bool)
            for pre in c.prerequisites:
                failed |= answered[:, column[pre]] & (value[:, column[pre]] == 0)
            missing = ~answered[:, j] & ~na[:, j] & ~failed
            zero = failed | (missing & (not c.not_applicable))
            points = np.where(zero, 0.0, points)
            answered[:, j] = answered[:, j] | zero
            value[:, j] = np.where(answered[:, j], points, np.nan)
            if c.knock_out:
                cap = np.where(
                    answered[:, j] & (value[:, j] == 0), np.minimum(cap, c.knock_out.cap), cap
                )
        weights = np.array([c.weight for c in crits])
        wp = np.where(answered, value * weights, 0.0)
        w = np.where(answered, weights, 0.0)

        def score(mask, wp=wp, w=w):
            total = w[:, mask].sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(total > 0, 100 * wp[:, mask].sum(axis=1) / total, np.nan)

        columns = {"audit": audits, "channel_score": np.minimum(score(slice(None)), cap)}
        for s in grid.stages:
            mask = np.array([c.stage == s.id for c in crits])
            columns[f"stage:{s.id}"] = score(mask) if mask.any() else np.full(n, np.nan)
        for d in grid.determinants:
            mask = np.array([c.determinant == d.id for c in crits])
            columns[f"det:{d.id}"] = score(mask) if mask.any() else np.full(n, np.nan)
        frames.append(pl.DataFrame(columns))
    meta = raw.select("audit", "structure", "category", "channel").unique("audit", keep="first")
    return (
        pl.concat(frames)
        .filter(pl.col("channel_score").is_not_nan())
        .join(meta, on="audit")
        .with_columns(pl.exclude("audit", "structure", "category", "channel").fill_nan(None))
    )


def structure_scores(grid: Grid, audits: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Channel means, then weighted means over the channels that have a value."""
    weights = pl.DataFrame({"channel": grid.channel_ids, "w": [c.weight for c in grid.channels]})
    dims = [c for c in audits.columns if c.startswith(("stage:", "det:"))]
    cells = (
        audits.lazy()
        .group_by("structure", "channel")
        .agg(
            pl.col("channel_score").mean().alias("score"),
            pl.len().alias("audits"),
            pl.col(dims).mean(),
        )
        .join(weights.lazy(), on="channel")
    )
    long = cells.unpivot(
        index=["structure", "channel", "w"], on=dims, variable_name="dim", value_name="value"
    ).drop_nulls("value")
    dimensions = (
        long.group_by("structure", "dim")
        .agg(
            ((pl.col("value") * pl.col("w")).sum() / pl.col("w").sum()).alias("score"),
            pl.len().alias("channels"),
        )
        .collect()
    )
    structures = (
        cells.group_by("structure")
        .agg(
            ((pl.col("score") * pl.col("w")).sum() / pl.col("w").sum()).alias("global"),
            pl.col("audits").sum(),
            pl.len().alias("channels_audited"),
        )
        .join(audits.lazy().select("structure", "category").unique("structure"), on="structure")
        .with_columns(
            (pl.col("audits") / sum(c.planned_audits for c in grid.channels))
            .clip(upper_bound=1.0)
            .alias("coverage")
        )
        .sort("structure")
        .collect()
    )
    return {"structures": structures, "channels": cells.collect(), "dimensions": dimensions}


def bootstrap(
    grid: Grid, audits: pl.DataFrame, structures: pl.Series, resamples: int, seed: int
) -> np.ndarray:
    """(resamples × structures) global scores, audits redrawn within structure × channel."""
    weight = {c.id: c.weight for c in grid.channels}
    data = (
        audits.select("structure", "channel", "channel_score")
        .join(
            pl.DataFrame({"structure": structures, "s": np.arange(len(structures))}), on="structure"
        )
        .sort("s", "channel")
    )
    groups = data.group_by("s", "channel", maintain_order=True).len()
    sizes = groups["len"].to_numpy().astype(np.int64)
    starts = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
    group_weight = groups["channel"].replace_strict(weight, return_dtype=pl.Float32).to_numpy()
    group_s = groups["s"].to_numpy()
    s_starts = np.r_[0, np.flatnonzero(np.diff(group_s)) + 1].astype(np.int64)
    weight_sums = np.add.reduceat(group_weight, s_starts)
    values = data["channel_score"].to_numpy().astype(np.float32)
    # Each audit slot of a group of two or more draws one audit of its own group; a group
    # of one audit always redraws itself.
    varying = sizes > 1
    slot_start = np.repeat(starts[varying], sizes[varying])
    slot_size = np.repeat(sizes[varying], sizes[varying]).astype(np.float32)
    sub_starts = np.r_[0, np.cumsum(sizes[varying])[:-1]].astype(np.int64)
    fixed = np.zeros(len(sizes), dtype=np.float32)
    fixed[~varying] = values[starts[~varying]]
    rng = np.random.default_rng(seed)
    out = np.empty((resamples, len(structures)), dtype=np.float32)
    batch = 50
    for first in range(0, resamples, batch):
        b = min(batch, resamples - first)
        u = rng.random((b, len(slot_start)), dtype=np.float32)
        draws = slot_start + np.minimum(u * slot_size, slot_size - 1).astype(np.int64)
        means = np.broadcast_to(fixed, (b, len(sizes))).copy()
        means[:, varying] = np.add.reduceat(values[draws], sub_starts, axis=1) / sizes[varying]
        totals = np.add.reduceat(means * group_weight, s_starts, axis=1)
        out[first : first + b] = totals / weight_sums
    return out


def rankings(
    structures: pl.DataFrame,
    boot: np.ndarray,
    *,
    level: float,
    min_channels: int,
    min_coverage: float,
) -> pl.DataFrame:
    alpha = (1 - level) / 2
    low, high = np.quantile(boot, [alpha, 1 - alpha], axis=0)
    table = structures.with_columns(
        pl.Series("score_low", low.astype(float)),
        pl.Series("score_high", high.astype(float)),
        pl.int_range(pl.len()).alias("i"),
        ((pl.col("channels_audited") >= min_channels) & (pl.col("coverage") >= min_coverage)).alias(
            "eligible"
        ),
    )
    out = []
    for _, part in table.filter("eligible").group_by("category"):
        part = part.sort(["global", "audits", "structure"], descending=[True, True, False])
        n = part.height
        sub = boot[:, part["i"].to_numpy()]
        ranks = np.empty(sub.shape, dtype=np.int64)
        np.put_along_axis(ranks, np.argsort(-sub, axis=1), np.arange(1, n + 1)[None, :], axis=1)
        rank_low, rank_high = np.quantile(ranks, [alpha, 1 - alpha], axis=0)
        lows, highs = part["score_low"].to_numpy(), part["score_high"].to_numpy()
        out.append(
            part.with_columns(
                pl.Series("rank", np.arange(1, n + 1)),
                pl.Series("rank_low", np.floor(rank_low).astype(int)),
                pl.Series("rank_high", np.ceil(rank_high).astype(int)),
                pl.Series("p_first", (ranks == 1).mean(axis=0)),
                pl.Series("tied_with_leader", (highs >= lows[0]) & (np.arange(n) > 0)),
            )
        )
    return pl.concat(out) if out else table.filter("eligible")


def run(
    grid: Grid,
    answers: pl.DataFrame,
    *,
    resamples: int = 1000,
    seed: int = 2025,
    level: float = 0.90,
    min_channels: int = 3,
    min_coverage: float = 0.5,
) -> dict:
    start = time.perf_counter()
    raw = raw_values(grid, answers)
    audits = audit_scores(grid, raw)
    aggregated = structure_scores(grid, audits)
    scored = time.perf_counter()
    structures = aggregated["structures"]
    boot = bootstrap(grid, audits, structures["structure"], resamples, seed)
    ranked = rankings(
        structures, boot, level=level, min_channels=min_channels, min_coverage=min_coverage
    )
    timings = {"scores": scored - start, "bootstrap_rank": time.perf_counter() - scored}
    return {
        **aggregated,
        "audits": audits,
        "bootstrap": boot,
        "rankings": ranked,
        "timings": timings,
    }
