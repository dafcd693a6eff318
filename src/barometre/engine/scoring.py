"""Scores out of 100: per audit (channel, stage, determinant), then per structure.

For one audit, a set of criteria C scores

    100 × Σ points(c) × weight(c) / Σ weight(c)      over c in C that apply,

where a criterion marked *not applicable* leaves both sums (only where the grid allows
it), a criterion whose prerequisite failed scores 0 (it never leaves the denominator: no
reply must never raise a score), and a failed knock-out criterion caps the audit's channel
score. A missing answer scores 0 unless the criterion may be not applicable, and is
reported. See docs/scoring.md for worked examples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from barometre.engine.answers import PreparedAnswers
from barometre.engine.errors import EngineError, InputProblem
from barometre.engine.grid import NUMERIC_MEASURES, Criterion, Grid

# A criterion is *met* by an audit that earns all its points (floating-point tolerance).
FULL_POINTS = 1.0 - 1e-9


@dataclass
class AuditScores:
    """One row per scored audit: channel score, knock-out cap, and one column per stage
    (``stage:<id>``) and determinant (``det:<id>``); ``criteria`` has one row per
    (structure, criterion): mean points over the structure's audits where it applied
    (``audits``), and ``met``, how many of them earned the criterion's full points."""

    audits: pl.DataFrame
    criteria: pl.DataFrame
    warnings: list[InputProblem]


def criterion_points(criterion: Criterion, raw: np.ndarray) -> np.ndarray:
    """Points in [0, 1] for raw values (NaN stays NaN). For yes/no and scales the raw
    value already is the level's points."""
    if criterion.measure.type not in NUMERIC_MEASURES:
        return raw
    rule = criterion.scoring
    if rule.type == "linear":
        best, worst = rule.best, rule.worst
        if best is None or worst is None:  # the grid's validator refuses such a rule
            raise EngineError("barème linéaire sans best ni worst", path=criterion.id)
        with np.errstate(invalid="ignore"):
            return np.clip((raw - worst) / (best - worst), 0.0, 1.0)
    out = np.full(raw.shape, rule.otherwise, dtype=float)
    decided = np.zeros(raw.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        for step in rule.steps:
            meets = raw <= step.bound if rule.direction == "le" else raw >= step.bound
            take = meets & ~decided
            out[take] = step.points
            decided |= take
    out[np.isnan(raw)] = np.nan
    return out


@dataclass
class ChannelMatrix:
    """Points of one channel's audits (rows) on its criteria (columns, in prerequisite
    order): NaN where a criterion does not apply. ``missing`` marks unanswered criteria
    (scored 0, or not applicable where the grid allows it), ``prerequisite_failed`` those
    scored 0 because a prerequisite failed, ``knocked_out`` the failed knock-out criteria
    whose cap applies, and ``cap`` each audit's channel cap."""

    points: np.ndarray
    applicable: np.ndarray
    missing: np.ndarray
    prerequisite_failed: np.ndarray
    knocked_out: np.ndarray
    cap: np.ndarray


def channel_matrix(
    criteria: list[Criterion], audit_ids: pl.Series, answers: pl.DataFrame
) -> ChannelMatrix:
    """The scoring rules of the module docstring applied to ``answers`` (prepared rows of
    these audits on this channel)."""
    audit_index = pl.DataFrame({"audit": audit_ids, "_a": np.arange(len(audit_ids))})
    crit_index = pl.DataFrame(
        {"criterion": [c.id for c in criteria], "_k": np.arange(len(criteria))}
    )
    part = answers.join(audit_index, on="audit").join(crit_index, on="criterion")
    n_a, n_k = len(audit_ids), len(criteria)
    points = np.full((n_a, n_k), np.nan)
    state = np.zeros((n_a, n_k), dtype=np.int8)  # 0 missing, 1 answered, 2 not applicable
    a = part["_a"].to_numpy()
    k = part["_k"].to_numpy()
    na = part["na"].to_numpy()
    raw = part["raw"].fill_null(np.nan).to_numpy()
    points[a, k] = raw
    for j, criterion in enumerate(criteria):
        points[:, j] = criterion_points(criterion, points[:, j])
    state[a, k] = np.where(na, 2, np.where(np.isnan(points[a, k]), 0, 1))

    position = {c.id: j for j, c in enumerate(criteria)}
    missing_all = np.zeros((n_a, n_k), dtype=bool)
    failed_all = np.zeros((n_a, n_k), dtype=bool)
    for j, criterion in enumerate(criteria):
        if criterion.prerequisites:
            failed = np.zeros(n_a, dtype=bool)
            for pre in criterion.prerequisites:
                failed |= (state[:, position[pre]] == 1) & (points[:, position[pre]] == 0)
            # A failed prerequisite scores 0 whatever was (or was not) answered.
            points[failed, j] = 0.0
            state[failed, j] = 1
            failed_all[:, j] = failed
        missing = state[:, j] == 0
        missing_all[:, j] = missing
        if missing.any():
            if criterion.not_applicable:
                state[missing, j] = 2
            else:
                points[missing, j] = 0.0
                state[missing, j] = 1
    applicable = state == 1
    points[~applicable] = np.nan

    cap = np.full(n_a, 100.0)
    knocked = np.zeros((n_a, n_k), dtype=bool)
    for j, criterion in enumerate(criteria):
        if criterion.knock_out:
            fired = applicable[:, j] & (points[:, j] == 0)
            knocked[:, j] = fired
            cap[fired] = np.minimum(cap[fired], criterion.knock_out.cap)
    return ChannelMatrix(points, applicable, missing_all, failed_all, knocked, cap)


def dimension_scores(
    grid: Grid, criteria: list[Criterion], m: ChannelMatrix
) -> dict[str, np.ndarray]:
    """Per audit: the channel score before its cap (``channel_raw``), the ``cap``, and one
    score per stage (``stage:<id>``) and determinant (``det:<id>``), NaN where none of its
    criteria applies."""
    weights = np.array([c.weight for c in criteria])
    weighted = np.where(m.applicable, m.points * weights, 0.0)
    applicable_weights = np.where(m.applicable, weights, 0.0)
    n_a = m.points.shape[0]

    def score(mask: np.ndarray) -> np.ndarray:
        total = applicable_weights[:, mask].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, 100.0 * weighted[:, mask].sum(axis=1) / total, np.nan)

    columns = {"channel_raw": score(np.ones(len(criteria), dtype=bool)), "cap": m.cap}
    for stage in grid.stages:
        mask = np.array([c.stage == stage.id for c in criteria])
        columns[f"stage:{stage.id}"] = score(mask) if mask.any() else np.full(n_a, np.nan)
    for det in grid.determinants:
        mask = np.array([c.determinant == det.id for c in criteria])
        columns[f"det:{det.id}"] = score(mask) if mask.any() else np.full(n_a, np.nan)
    return columns


def score_audits(grid: Grid, prepared: PreparedAnswers) -> AuditScores:
    audits_meta = prepared.audits.filter(pl.col("double_of").is_null())
    answers = prepared.answers
    if audits_meta.height < prepared.audits.height:
        answers = answers.join(audits_meta.select("audit"), on="audit", how="semi")
    structure_ids = audits_meta["structure"].unique().sort()
    structure_codes = pl.DataFrame(
        {"structure": structure_ids, "_s": np.arange(len(structure_ids))}
    )
    n_s = len(structure_ids)
    frames: list[pl.DataFrame] = []
    criteria_frames: list[_CriterionMeans] = []
    warnings: list[InputProblem] = []
    by_channel = {
        key[0]: part for key, part in answers.partition_by("channel", as_dict=True).items()
    }
    for channel in grid.channel_ids:
        criteria = grid.prerequisite_order(channel)
        meta = audits_meta.filter(pl.col("channel") == channel)
        if meta.height == 0 or not criteria:
            continue
        audit_ids = meta["audit"]
        audit_structure = meta.join(structure_codes, on="structure", how="left")["_s"].to_numpy()
        m = channel_matrix(criteria, audit_ids, by_channel.get(channel, answers.head(0)))
        for j, criterion in enumerate(criteria):
            missing = m.missing[:, j]
            for audit in audit_ids.filter(pl.Series(missing)).head(20):
                warnings.append(
                    InputProblem(
                        None,
                        "criterion",
                        criterion.id,
                        f"réponse manquante pour l'audit {audit}"
                        + (" : comptée sans objet" if criterion.not_applicable else " : notée 0"),
                    )
                )
        points, applicable = m.points, m.applicable
        columns = {"audit": audit_ids, **dimension_scores(grid, criteria, m)}
        frames.append(pl.DataFrame(columns))
        for j, criterion in enumerate(criteria):
            used = applicable[:, j]
            counts = np.bincount(audit_structure[used], minlength=n_s)
            sums = np.bincount(audit_structure[used], weights=points[used, j], minlength=n_s)
            full = (points[used, j] >= FULL_POINTS).astype(float)
            met = np.bincount(audit_structure[used], weights=full, minlength=n_s)
            present = np.flatnonzero(counts)
            criteria_frames.append(
                (
                    present,
                    criterion.id,
                    sums[present] / counts[present],
                    counts[present],
                    met[present].astype(np.int64),
                )
            )
    if not frames:
        empty = audits_meta.head(0).with_columns(pl.lit(0.0).alias("channel_score"))
        return AuditScores(empty, pl.DataFrame(), warnings)
    criteria_means = _criteria_means(criteria_frames, structure_ids)
    scores = pl.concat(frames, how="diagonal_relaxed").with_columns(
        pl.min_horizontal("channel_raw", "cap").alias("channel_score")
    )
    audits = audits_meta.join(scores, on="audit", how="inner").filter(
        pl.col("channel_score").is_not_nan()
    )
    return AuditScores(audits, criteria_means, warnings)


# One criterion's means over the structures that have it: (structure codes, criterion id,
# mean points, audits, audits meeting it in full).
type _CriterionMeans = tuple[np.ndarray, str, np.ndarray, np.ndarray, np.ndarray]


def _criteria_means(parts: list[_CriterionMeans], structure_ids: pl.Series) -> pl.DataFrame:
    """One row per (structure, criterion) from per-criterion arrays (structure codes,
    criterion id, mean points, audits, met), ordered by structure then criterion: the
    codes follow the structures' order, so integer keys sort like the names."""
    ids = sorted({part[1] for part in parts})
    rank = {criterion: i for i, criterion in enumerate(ids)}
    codes = np.concatenate([part[0] for part in parts])
    criterion_code = np.concatenate([np.full(len(part[0]), rank[part[1]]) for part in parts])
    order = np.argsort(codes * len(ids) + criterion_code, kind="stable")
    return pl.DataFrame(
        {
            "structure": structure_ids.gather(codes[order]),
            "criterion": pl.Series(ids, dtype=pl.String).gather(criterion_code[order]),
            "points": np.concatenate([part[2] for part in parts])[order],
            "audits": np.concatenate([part[3] for part in parts])[order],
            "met": np.concatenate([part[4] for part in parts])[order],
        }
    )


def channel_weights(grid: Grid) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "channel": grid.channel_ids,
            "weight": [c.weight for c in grid.channels],
            "planned": [c.planned_audits for c in grid.channels],
        }
    )


def _grouped_mean(
    groups: np.ndarray, values: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and count of ``values`` per group index, NaN values left out."""
    valid = ~np.isnan(values)
    counts = np.bincount(groups[valid], minlength=size)
    sums = np.bincount(groups[valid], weights=values[valid], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan), counts


def _weighted_over_channels(
    means: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean across channels (axis 1) of the channels that have a value."""
    has = ~np.isnan(means)
    total = (has * weights).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.nansum(means * weights, axis=1) / total, np.nan), has.sum(1)


def aggregate_structures(grid: Grid, audits: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Channel scores (mean of audits), stage and determinant scores (weighted mean over
    channels of each channel's mean), global (weighted mean of audited channels) and
    coverage. A channel without audits is left out, not counted as zero.

    Structures and channels are coded as integers once; every mean is then a bincount
    over (structure × channel) cells."""
    channels = grid.channel_ids
    n_c = len(channels)
    weights = np.array([c.weight for c in grid.channels])
    coded = audits.with_columns(
        (pl.col("structure").rank("dense") - 1).cast(pl.Int64).alias("_s"),
        pl.col("channel")
        .replace_strict(channels, list(range(n_c)), return_dtype=pl.Int64)
        .alias("_c"),
    )
    s_code = coded["_s"].to_numpy()
    names = audits["structure"].unique().sort()
    n_s = len(names)
    cell = s_code * n_c + coded["_c"].to_numpy()
    scores = coded["channel_score"].to_numpy().astype(float)
    mean, n_audits = _grouped_mean(cell, scores, n_s * n_c)
    square, _ = _grouped_mean(cell, scores * scores, n_s * n_c)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.maximum(square - mean * mean, 0) * n_audits / (n_audits - 1))
    sd = np.where(n_audits > 1, sd, np.nan)
    mean, n_audits, sd = (a.reshape(n_s, n_c) for a in (mean, n_audits, sd))
    present = n_audits > 0
    global_score, channels_audited = _weighted_over_channels(mean, weights)
    audits_per_structure = n_audits.sum(axis=1)
    _, first = np.unique(s_code, return_index=True)
    info = coded[first].select("category", "department", "certified")
    planned_total = sum(c.planned_audits for c in grid.channels)
    labels = pl.Series(channels, dtype=pl.String)
    structures = pl.DataFrame(
        {
            "structure": names,
            "global": global_score,
            "audits": audits_per_structure.astype(np.int64),
            "channels_audited": channels_audited.astype(np.int64),
            "category": info["category"],
            "department": info["department"],
            "certified": info["certified"],
            "coverage": np.minimum(audits_per_structure / planned_total, 1.0),
            **{f"_has{j}": present[:, j] for j in range(n_c)},
        }
    )
    listed = [pl.when(pl.col(f"_has{j}")).then(pl.lit(ch)) for j, ch in enumerate(channels)]
    unlisted = [pl.when(~pl.col(f"_has{j}")).then(pl.lit(ch)) for j, ch in enumerate(channels)]
    structures = structures.with_columns(
        pl.concat_list(listed).list.drop_nulls().alias("channels"),
        pl.concat_list(unlisted).list.drop_nulls().alias("channels_missing"),
    ).drop([f"_has{j}" for j in range(n_c)])
    rows, cols = np.nonzero(present)
    channel_frame = pl.DataFrame(
        {
            "structure": names.gather(rows),
            "channel": labels.gather(cols),
            "score": mean[rows, cols],
            "sd": sd[rows, cols],
            "audits": n_audits[rows, cols].astype(np.int64),
        }
    ).with_columns(pl.col("sd").fill_nan(None))

    def dimension(prefix: str, name: str) -> pl.DataFrame:
        ids, values, counts = [], [], []
        for column in [c for c in audits.columns if c.startswith(prefix)]:
            per_cell, _ = _grouped_mean(cell, coded[column].to_numpy().astype(float), n_s * n_c)
            score, n_channels = _weighted_over_channels(per_cell.reshape(n_s, n_c), weights)
            ids.append(column.removeprefix(prefix))
            values.append(score)
            counts.append(n_channels)
        value = np.column_stack(values)
        count = np.column_stack(counts)
        r, k = np.nonzero(count > 0)
        return pl.DataFrame(
            {
                "structure": names.gather(r),
                name: pl.Series(ids, dtype=pl.String).gather(k),
                "score": value[r, k],
                "channels": count[r, k].astype(np.int64),
            }
        )

    return {
        "structures": structures,
        "channels": channel_frame,
        "stages": dimension("stage:", "stage"),
        "determinants": dimension("det:", "determinant"),
    }
