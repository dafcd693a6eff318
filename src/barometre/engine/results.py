"""Scoring a whole edition: the one entry point the platform and the command line use."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from barometre.engine.answers import prepare_answers
from barometre.engine.auditors import agreement, auditor_effects
from barometre.engine.errors import InputProblem, InputRejected
from barometre.engine.grid import Grid
from barometre.engine.keyfigures import KeyFigureSpec, key_figures
from barometre.engine.ranking import RankingOptions, rank
from barometre.engine.satisfaction import stage_satisfaction
from barometre.engine.scoring import aggregate_structures, score_audits
from barometre.engine.stats import Estimate


@dataclass
class EditionResults:
    grid_id: str
    grid_version: int
    structures: pl.DataFrame
    channels: pl.DataFrame
    stages: pl.DataFrame
    determinants: pl.DataFrame
    criteria: pl.DataFrame
    audits: pl.DataFrame
    rankings: pl.DataFrame
    categories: pl.DataFrame
    key_figures: list[tuple[KeyFigureSpec, Estimate]]
    auditors: pl.DataFrame
    agreement: pl.DataFrame
    satisfaction: pl.DataFrame = field(default_factory=pl.DataFrame)
    warnings: list[InputProblem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def structure(self, structure_id: str) -> dict[str, object]:
        rows = self.structures.filter(pl.col("structure") == structure_id).to_dicts()
        if not rows:
            raise KeyError(structure_id)
        return rows[0]

    def channel_scores(self, structure_id: str) -> dict[str, float]:
        part = self.channels.filter(pl.col("structure") == structure_id)
        return dict(zip(part["channel"], part["score"], strict=True))


def _distribution(values: pl.Expr) -> list[pl.Expr]:
    return [
        pl.len().alias("structures"),
        values.mean().alias("mean"),
        values.median().alias("median"),
        values.quantile(0.25, "linear").alias("q1"),
        values.quantile(0.75, "linear").alias("q3"),
        values.min().alias("min"),
        values.max().alias("max"),
        # Histogram by tens: 0–9, 10–19, …, 90–100.
        *[
            ((values >= lo) & ((values < lo + 10) | (pl.lit(lo) == 90))).sum().alias(f"from_{lo}")
            for lo in range(0, 100, 10)
        ],
    ]


def category_statistics(structures: pl.DataFrame) -> pl.DataFrame:
    """Per category and nationally: mean, median, quartiles (q3 is the top-quartile
    threshold), range, histogram; certified vs non-certified means."""
    certified = pl.col("certified").fill_null(False)
    figures = [
        *_distribution(pl.col("global")),
        pl.col("global").filter(certified).mean().alias("mean_certified"),
        pl.col("global").filter(~certified).mean().alias("mean_not_certified"),
        certified.sum().alias("certified"),
    ]
    by_category = structures.group_by("category").agg(*figures)
    national = structures.select(pl.lit("(national)").alias("category"), *figures)
    return pl.concat([national, by_category.sort("category")], how="diagonal_relaxed")


def score_edition(
    grid: Grid,
    answers: pl.DataFrame,
    *,
    options: RankingOptions | None = None,
    strict: bool = True,
) -> EditionResults:
    """Score every audit, structure, category and key figure of an edition.

    With ``strict`` (the default) any input problem raises :class:`InputRejected` and
    nothing is computed; missing answers are warnings, not problems.
    """
    options = options or RankingOptions()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    prepared = prepare_answers(grid, answers)
    if prepared.problems and strict:
        raise InputRejected(sorted(prepared.problems, key=lambda p: (p.row or 0, p.column)))
    lap("prepare")
    scored = score_audits(grid, prepared)
    if scored.audits.height == 0:
        raise InputRejected(
            [
                InputProblem(
                    None,
                    "audit",
                    "",
                    "aucun audit noté : le tableau ne contient aucune "
                    "réponse à un critère noté de la grille",
                )
            ]
        )
    lap("audits")
    aggregates = aggregate_structures(grid, scored.audits)
    criteria = scored.criteria
    lap("aggregate")
    rankings = rank(grid, aggregates["structures"], scored.audits, options)
    lap("bootstrap_rank")
    structures = aggregates["structures"].join(
        rankings.select(
            "structure",
            "score_low",
            "score_high",
            "eligible",
            "rank",
            "rank_low",
            "rank_high",
            "p_first",
            "tied_with_leader",
        ),
        on="structure",
        how="left",
    )
    figures = key_figures(grid, prepared.answers, scored.audits, aggregates["channels"])
    effects = auditor_effects(scored.audits)
    kappa = agreement(grid, prepared.answers, prepared.audits)
    categories = category_statistics(structures)
    lap("figures")
    return EditionResults(
        grid_id=grid.id,
        grid_version=grid.version,
        structures=structures,
        channels=aggregates["channels"],
        stages=aggregates["stages"],
        determinants=aggregates["determinants"],
        criteria=criteria,
        audits=scored.audits,
        rankings=rankings,
        categories=categories,
        key_figures=figures,
        auditors=effects,
        agreement=kappa,
        satisfaction=stage_satisfaction(grid, scored.audits),
        warnings=prepared.problems + scored.warnings,
        timings=timings,
    )


def restrict_grid(grid: Grid, criterion_ids: set[str]) -> Grid:
    """The same grid with only the given criteria (and their prerequisites' links kept
    when both sides remain); channels left with no scored criterion are dropped."""
    kept = [
        c.model_copy(update={"prerequisites": [p for p in c.prerequisites if p in criterion_ids]})
        for c in grid.criteria
        if c.id in criterion_ids
    ]
    channels = [ch for ch in grid.channels if any(c.channel == ch.id and c.scored for c in kept)]
    return Grid.model_validate(
        {
            **grid.model_dump(),
            "criteria": [c.model_dump() for c in kept],
            "channels": [c.model_dump() for c in channels],
        }
    )


def compare_editions(
    previous_grid: Grid,
    previous_answers: pl.DataFrame,
    grid: Grid,
    answers: pl.DataFrame,
    *,
    options: RankingOptions | None = None,
) -> pl.DataFrame:
    """Evolution per structure on what both editions share: criteria with the same id in
    both grids, structures present in both. Both editions are rescored on that common
    ground, so a change of grid does not pass for a change of quality."""
    shared = {c.id for c in previous_grid.criteria if c.scored} & {
        c.id for c in grid.criteria if c.scored
    }
    if not shared:
        return pl.DataFrame(
            schema={
                "structure": pl.String,
                "previous": pl.Float64,
                "current": pl.Float64,
                "change": pl.Float64,
            }
        )
    quick = options or RankingOptions(resamples=1)
    keep = pl.col("criterion").is_in(list(shared))
    before = score_edition(
        restrict_grid(previous_grid, shared), previous_answers.filter(keep), options=quick
    )
    after = score_edition(restrict_grid(grid, shared), answers.filter(keep), options=quick)
    return (
        before.structures.select("structure", pl.col("global").alias("previous"))
        .join(
            after.structures.select("structure", pl.col("global").alias("current")), on="structure"
        )
        .with_columns((pl.col("current") - pl.col("previous")).alias("change"))
        .sort("structure")
        .with_columns(pl.lit(len(shared)).alias("shared_criteria"))
    )


def national_change(evolution: pl.DataFrame) -> float:
    if evolution.height == 0:
        return float("nan")
    return float(np.mean(evolution["change"].to_numpy()))
