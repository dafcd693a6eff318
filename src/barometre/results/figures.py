"""The figures of a result set as ``core.figures.Figure``: what every page, PDF and export
of the results prints, so that a figure has one definition, one sample and one writing.

- a key figure is a rate (k / n, Wilson interval) or a mean (n calls or structures,
  normal interval), as the engine's ``KEY_FIGURES`` declares it;
- a structure's score is a score over its audits (90 % bootstrap interval);
- a category's mean is a mean over its structures, the certified and non-certified means
  over the certified and non-certified structures only."""

from __future__ import annotations

import math
from dataclasses import dataclass

from barometre.core.figures import Figure, minimum
from barometre.engine import (
    KEY_FIGURES,
    Z90,
    Estimate,
    FunnelLimits,
    funnel_limits,
    funnel_sigma,
    mean_interval,
)
from barometre.results.stored import CategoryRow, KeyFigureRow, MeanKey

NATIONAL = "(national)"

SPECS = {spec.id: spec for spec in KEY_FIGURES}


def key_figure(stored: KeyFigureRow) -> Figure:
    """A key figure as a result version stores it (read through
    ``results.publication.key_figures``)."""
    spec = SPECS.get(stored["id"])
    rate = spec.is_rate if spec else stored.get("unit") == "%"
    n_unit = spec.n_unit if spec else ""
    over_structures = n_unit == "structures"
    return Figure(
        kind="rate" if rate else "mean",
        value=stored.get("value"),
        n=int(stored.get("denominator") or 0),
        n_unit=n_unit,
        numerator=stored.get("numerator") if rate else None,
        low=stored.get("low"),
        high=stored.get("high"),
        unit="" if rate else stored.get("unit", ""),
        minimum=minimum("category_mean" if over_structures else "rate"),
        label=stored.get("label", ""),
        id=stored["id"],
    )


def structure_score(result) -> Figure:
    """A structure's global score over its audits, with its 90 % interval."""
    return Figure(
        kind="score",
        value=result.score,
        n=result.audits,
        n_unit="audits",
        low=result.score_low,
        high=result.score_high,
        minimum=minimum("structure_score"),
    )


def certified_counts(stats: CategoryRow) -> tuple[int, int]:
    """Structures the certified and the non-certified means were computed from."""
    certified = int(stats.get("certified") or 0)
    return certified, int(stats.get("structures") or 0) - certified


def category_mean(
    stats: CategoryRow,
    key: MeanKey = "mean",
    interval: Estimate | None = None,
) -> Figure:
    """A mean over structures from a ``ResultSet.categories`` row: ``mean``, ``median``,
    ``q3``, ``mean_certified`` or ``mean_not_certified``, with the structures it counts
    and, for a mean, its 95 % interval when given (see ``mean_intervals``)."""
    certified, others = certified_counts(stats)
    n = {"mean_certified": certified, "mean_not_certified": others}.get(
        key, int(stats.get("structures") or 0)
    )
    return Figure(
        kind="mean",
        value=stats.get(key),
        n=n,
        n_unit="structures",
        low=interval.low if interval else None,
        high=interval.high if interval else None,
        minimum=minimum("category_mean"),
    )


def mean_intervals(rows) -> dict[str, Estimate]:
    """95 % intervals of the mean score of each category and of France (key
    ``"(national)"``), from (category, score) pairs of every structure: scores out of
    100, so the intervals stay within 0–100 (``engine.mean_interval``)."""
    scores: dict[str, list[float]] = {NATIONAL: []}
    for category, score in rows:
        if score is not None:
            scores[NATIONAL].append(score)
            scores.setdefault(category or "", []).append(score)
    return {
        category: mean_interval(values, low=0.0, high=100.0) for category, values in scores.items()
    }


ZONES = {
    "above998": "au-dessus de la limite à 99,8 % : nettement meilleur que la moyenne",
    "above95": "au-dessus de la limite à 95 % : probablement meilleur que la moyenne",
    "inside": "entre les limites : écart compatible avec le hasard de l'échantillon",
    "below95": "sous la limite à 95 % : probablement moins bon que la moyenne",
    "below998": "sous la limite à 99,8 % : nettement moins bon que la moyenne",
}


@dataclass
class FunnelPoint:
    score: float
    audits: int
    zone: str  # see FunnelLimits.zone
    own: bool = False

    @property
    def zone_label(self) -> str:
        return ZONES[self.zone]


@dataclass
class Funnel:
    """Each structure's score against its number of audits, with Spiegelhalter's 95 % and
    99.8 % limits around the national mean (docs/scoring.md §4)."""

    target: float
    sigma: float
    points: list[FunnelPoint]
    limits: list[FunnelLimits]  # one per number of audits present, ascending

    def limits_at(self, n: int) -> FunnelLimits:
        return funnel_limits(self.target, self.sigma, n)

    @property
    def rows(self) -> list[dict]:
        """The plot as a table: per number of audits, the limits and how many structures
        fall in each zone."""
        out = []
        for limits in self.limits:
            zones = [p.zone for p in self.points if p.audits == limits.n]
            out.append(
                {
                    "audits": limits.n,
                    "limits": limits,
                    "structures": len(zones),
                    "above": sum(z.startswith("above") for z in zones),
                    "above998": zones.count("above998"),
                    "below": sum(z.startswith("below") for z in zones),
                    "below998": zones.count("below998"),
                }
            )
        return out

    @property
    def own(self) -> FunnelPoint | None:
        return next((p for p in self.points if p.own), None)

    @property
    def own_limits(self) -> FunnelLimits | None:
        own = self.own
        return self.limits_at(own.audits) if own else None


def funnel(rows, target: float | None, own_pk: int | None = None) -> Funnel | None:
    """``rows``: (pk, score, score_low, score_high, audits) of every structure of a
    result set; ``target``: the national mean. Each structure's standard error is read
    from its 90 % bootstrap interval, and the spread of one audit is pooled from them."""
    rows = [r for r in rows if r[1] is not None and r[4]]
    if not rows or target is None:
        return None
    errors = [
        (high - low) / (2 * Z90) if low is not None and high is not None else math.nan
        for _, _, low, high, _ in rows
    ]
    sigma = funnel_sigma(errors, [r[4] for r in rows])
    if not math.isfinite(sigma) or sigma <= 0:
        return None
    by_n = {n: funnel_limits(target, sigma, n) for n in sorted({r[4] for r in rows})}
    points = [
        FunnelPoint(score, audits, by_n[audits].zone(score), pk == own_pk)
        for pk, score, _, _, audits in rows
    ]
    return Funnel(target, sigma, points, list(by_n.values()))
