"""Small, honest statistics: Wilson intervals for rates, normal intervals for means,
Cohen's kappa for agreement, and a seeded stratified bootstrap over audits."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054
Z90 = 1.6448536269514722
Z998 = 3.090232306167813  # two-sided 99.8 %: the funnel plot's outer limits


@dataclass(frozen=True)
class Estimate:
    """A figure with its sample: ``value`` is a rate in [0, 1] or a mean."""

    value: float
    low: float
    high: float
    numerator: float
    denominator: int

    def percent(self) -> tuple[float, float, float]:
        return (100 * self.value, 100 * self.low, 100 * self.high)


def wilson(successes: int, n: int, z: float = Z95) -> Estimate:
    """Wilson score interval for a proportion (good for small samples and rates near 0/1)."""
    if n <= 0:
        return Estimate(math.nan, math.nan, math.nan, successes, n)
    if not 0 <= successes <= n:
        raise ValueError(f"successes={successes} hors de [0, {n}]")
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), successes, n)


def mean_interval(
    values: Sequence[float] | np.ndarray,
    z: float = Z95,
    *,
    low: float | None = None,
    high: float | None = None,
) -> Estimate:
    """Mean with a normal-approximation interval, kept within the values' bounds.

    Without bounds the interval is the mean ± z·s/√n. Scores out of 100 and counts cannot
    leave their range, and the symmetric interval of a few values near a bound would
    (« 44,5 – 118,0 » for three structures): with ``low`` and ``high`` the interval is
    computed on the logit of the value's place between them, with ``low`` only on the
    log of its distance to it, and brought back (the delta method), so it never leaves
    the range. A single value has no interval (NaN bounds); when every value is the same,
    or the mean lies on a bound, the bounds are the mean itself: no spread was measured,
    and the outputs say so rather than print a width of zero (``Figure.interval``)."""
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    n = len(arr)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0.0, 0)
    mean = float(arr.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, float(arr.sum()), 1)
    flat = Estimate(mean, mean, mean, float(arr.sum()), n)  # no spread measured
    se = float(arr.std(ddof=1)) / math.sqrt(n)
    if se == 0:
        return flat
    if low is not None and high is not None:
        span = high - low
        p = (mean - low) / span
        if not 0 < p < 1:
            return flat
        centre, half = math.log(p / (1 - p)), z * se / span / (p * (1 - p))
        lo, hi = (low + span / (1 + math.exp(-x)) for x in (centre - half, centre + half))
    elif low is not None:
        d = mean - low
        if d <= 0:
            return flat
        centre, half = math.log(d), z * se / d
        lo, hi = low + math.exp(centre - half), low + math.exp(centre + half)
    else:
        lo, hi = mean - z * se, mean + z * se
    return Estimate(mean, lo, hi, float(arr.sum()), n)


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> tuple[float, float, int]:
    """Cohen's kappa between two coders' categorical answers; returns (kappa, observed
    agreement, n). Kappa is NaN when chance agreement is total (a single category)."""
    if len(first) != len(second):
        raise ValueError("les deux codages doivent avoir la même longueur")
    n = len(first)
    if n == 0:
        return (math.nan, math.nan, 0)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    c1, c2 = Counter(first), Counter(second)
    expected = sum(c1[k] * c2.get(k, 0) for k in c1) / (n * n)
    if expected >= 1.0:
        return (math.nan, observed, n)
    return ((observed - expected) / (1 - expected), observed, n)


@dataclass(frozen=True)
class FunnelLimits:
    """Control limits of a funnel plot at one sample size ``n``."""

    n: float  # a number of audits; fractional on a chart's drawn curve
    low95: float
    high95: float
    low998: float
    high998: float

    def zone(self, value: float) -> str:
        """Where a value lies: ``above998``, ``above95``, ``inside``, ``below95``,
        ``below998``."""
        if value > self.high998:
            return "above998"
        if value > self.high95:
            return "above95"
        if value < self.low998:
            return "below998"
        if value < self.low95:
            return "below95"
        return "inside"


def funnel_limits(target: float, sigma: float, n: float) -> FunnelLimits:
    """Spiegelhalter's funnel-plot limits for a mean of ``n`` observations whose standard
    deviation is ``sigma``: target ± z·sigma/√n, with z for 95 % and 99.8 % (two-sided)."""
    if n <= 0:
        raise ValueError(f"n={n} : une limite de contrôle demande au moins une observation")
    if not sigma >= 0:
        raise ValueError(f"sigma={sigma} : un écart-type est positif")
    half = sigma / math.sqrt(n)
    return FunnelLimits(
        n, target - Z95 * half, target + Z95 * half, target - Z998 * half, target + Z998 * half
    )


def funnel_sigma(standard_errors: Sequence[float], sizes: Sequence[int]) -> float:
    """The standard deviation of one observation that the funnel's limits use, from the
    units' own standard errors: each unit of ``n`` observations with standard error ``se``
    gives σ² ≈ n·se², and the units are pooled (root mean square). Units without a
    finite standard error or with ``n`` ≤ 0 are left out; NaN when none remains."""
    pooled = [
        n * se * se
        for se, n in zip(standard_errors, sizes, strict=True)
        if n > 0 and se is not None and math.isfinite(se)
    ]
    return math.sqrt(sum(pooled) / len(pooled)) if pooled else math.nan


def quartiles(values: np.ndarray) -> tuple[float, float, float]:
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    if len(arr) == 0:
        return (math.nan, math.nan, math.nan)
    q1, q2, q3 = np.quantile(arr, [0.25, 0.5, 0.75])
    return (float(q1), float(q2), float(q3))


def _compositions(k: int) -> tuple[np.ndarray, np.ndarray]:
    """All ways k draws with replacement among k items can fall (counts per item), with
    their multinomial probabilities."""
    rows = [c for c in itertools.product(range(k + 1), repeat=k) if sum(c) == k]
    counts = np.array(rows, dtype=np.float32)
    coef = np.array(
        [math.factorial(k) / math.prod(math.factorial(int(x)) for x in row) for row in rows]
    )
    return counts, (coef / k**k).astype(np.float64)


_MAX_COMPOSITION_SIZE = 6  # 462 compositions; larger groups draw audits one by one


def bootstrap_structure_scores(
    audit_scores: np.ndarray,
    group_sizes: np.ndarray,
    group_structure: np.ndarray,
    group_channel: np.ndarray,
    channel_weights: np.ndarray,
    n_structures: int,
    *,
    resamples: int = 1000,
    seed: int = 2025,
    batch: int = 50,
) -> np.ndarray:
    """Resample audits with replacement within each (structure, channel) group and
    recompute each structure's global score as the weighted mean of its channel means.

    ``audit_scores`` is ordered by group (each group's audits contiguous); for each group,
    ``group_sizes`` is its number of audits, ``group_structure`` its structure index and
    ``group_channel`` its channel index into ``channel_weights``. Returns an array
    (resamples, n_structures) of float32; the same seed gives the same intervals.

    The mean of k draws among k audits depends only on how many times each audit is
    drawn, so small groups draw one multinomial composition instead of k audits.
    """
    rng = np.random.default_rng(seed)
    scores = audit_scores.astype(np.float32)
    sizes = group_sizes.astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    n_channels = len(channel_weights)
    weights = np.asarray(channel_weights, dtype=np.float32)
    present = np.zeros((n_structures, n_channels), dtype=bool)
    present[group_structure, group_channel] = True
    weight_sums = (present * weights).sum(axis=1)
    # (kind, values, target, cumulative probabilities of the compositions or None)
    classes: list[tuple[str, np.ndarray, np.ndarray, np.ndarray | None]] = []
    for size in np.unique(sizes):
        members = np.flatnonzero(sizes == size)
        values = scores[starts[members][:, None] + np.arange(size)[None, :]]
        target = group_structure[members] * n_channels + group_channel[members]
        if size == 1:
            classes.append(("fixed", values[:, 0], target, None))
        elif size <= _MAX_COMPOSITION_SIZE:
            counts, probs = _compositions(int(size))
            possible = values @ counts.T / size  # (groups, compositions)
            classes.append(("composition", possible, target, np.cumsum(probs)[:-1]))
        else:
            classes.append(("draws", values, target, None))
    out = np.empty((resamples, n_structures), dtype=np.float32)
    # Absent channels stay at 0 and carry no weight; present ones are overwritten, except
    # groups of one audit, whose mean never changes: they are written once.
    means = np.zeros((batch, n_structures * n_channels), dtype=np.float32)
    for kind, values, target, _ in classes:
        if kind == "fixed":
            means[:, target] = values
    done = 0
    while done < resamples:
        b = min(batch, resamples - done)
        for kind, values, target, cumulative in classes:
            n = len(target)
            if kind == "composition":
                assert cumulative is not None  # set for every composition class
                pick = np.searchsorted(cumulative, rng.random((b, n)))
                flat = pick + (np.arange(n) * values.shape[1])[None, :]
                means[:b, target] = values.ravel()[flat]
            elif kind == "draws":
                k = values.shape[1]
                draws = rng.integers(0, k, size=(b, n, k))
                flat = draws + (np.arange(n) * k)[None, :, None]
                means[:b, target] = values.ravel()[flat].mean(axis=2)
        grid = means[:b].reshape(b, n_structures, n_channels)
        out[done : done + b] = (grid @ weights) / weight_sums
        done += b
    return out
