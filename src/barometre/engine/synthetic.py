"""Synthetic national editions for benchmarks and tests: plausible answers for a grid,
generated with numpy from a seed (same seed, same edition).

Each structure has a latent quality, each auditor a small bias; auditors skip the answers
that depend on a failed prerequisite, as they would in the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TypedDict

import numpy as np
import polars as pl

from barometre.engine.grid import Criterion, Grid, MeasureType
from barometre.engine.territory import DEPARTMENTS

CATEGORIES = [
    ("Villes de plus de 50\u202f000 habitants", 0.08),
    ("Villes de 20\u202f000 à 49\u202f999 habitants", 0.14),
    ("Villes de moins de 20\u202f000 habitants", 0.30),
    ("Intercommunalités", 0.14),
    ("Départements", 0.08),
    ("Régions", 0.02),
    ("France Services", 0.10),
    ("Services sociaux et de santé", 0.07),
    ("Développement économique et tourisme", 0.04),
    ("Services de l'État", 0.03),
]


class _Part(TypedDict):
    """The answers of one criterion of one channel, before they become a frame."""

    structure: np.ndarray
    audit: np.ndarray
    auditor: np.ndarray
    channel: str
    criterion: str
    value: np.ndarray
    sent_at: np.ndarray | None
    replied_at: np.ndarray | None


def synthetic_answers(
    grid: Grid,
    n_structures: int,
    *,
    seed: int = 0,
    n_auditors: int | None = None,
    start: dt.date = dt.date(2025, 5, 5),
    double_coded_share: float = 0.0,
) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n_auditors = n_auditors or max(40, n_structures // 9)
    departments = np.array(list(DEPARTMENTS))
    cat_names = np.array([c for c, _ in CATEGORIES])
    cat_p = np.array([p for _, p in CATEGORIES])
    s_category = rng.choice(len(cat_names), size=n_structures, p=cat_p / cat_p.sum())
    s_department = rng.integers(0, len(departments), size=n_structures)
    s_quality = rng.beta(5, 3, size=n_structures)
    s_certified = rng.random(n_structures) < 0.25
    s_quality = np.clip(s_quality + 0.06 * s_certified, 0, 1)
    a_bias = rng.normal(0, 0.04, size=n_auditors)

    parts: list[_Part] = []
    audit_counter = 0
    for channel in grid.channels:
        present = np.ones(n_structures, dtype=bool)
        if channel.id == "social":
            present = rng.random(n_structures) < 0.8
        elif channel.id == "reviews":
            present = rng.random(n_structures) < 0.9
        audited = np.repeat(np.flatnonzero(present), channel.planned_audits)
        n = len(audited)
        audit_ids = np.arange(audit_counter, audit_counter + n)
        audit_counter += n
        auditors = rng.integers(0, n_auditors, size=n)
        p = np.clip(s_quality[audited] + a_bias[auditors], 0.02, 0.98)
        sent = np.datetime64(start) + rng.integers(0, 60, size=n).astype("timedelta64[D]")
        for criterion_id, keep, values, sent_at, replied_at in channel_answers(
            grid, channel.id, p, rng, sent
        ):
            parts.append(
                {
                    "structure": audited[keep],
                    "audit": audit_ids[keep],
                    "auditor": auditors[keep],
                    "channel": channel.id,
                    "criterion": criterion_id,
                    "value": values[keep],
                    "sent_at": sent_at[keep] if sent_at is not None else None,
                    "replied_at": replied_at[keep] if replied_at is not None else None,
                }
            )
    frames = []
    for part in parts:
        n = len(part["structure"])
        frame = pl.DataFrame(
            {
                "structure_i": part["structure"],
                "audit_i": part["audit"],
                "auditor_i": part["auditor"],
                "criterion": np.full(n, part["criterion"], dtype=object),
                "channel": np.full(n, part["channel"], dtype=object),
                "value": part["value"],
                "sent_at": part["sent_at"]
                if part["sent_at"] is not None
                else np.full(n, np.datetime64("NaT", "us"), dtype="datetime64[us]"),
                "replied_at": part["replied_at"]
                if part["replied_at"] is not None
                else np.full(n, np.datetime64("NaT", "us"), dtype="datetime64[us]"),
            },
            schema_overrides={"criterion": pl.String, "channel": pl.String, "value": pl.String},
        )
        frames.append(frame)
    answers = pl.concat(frames)
    structures = pl.DataFrame(
        {
            "structure_i": np.arange(n_structures),
            "structure": [f"S{i:06d}" for i in range(n_structures)],
            "category": cat_names[s_category],
            "department": departments[s_department],
            "certified": s_certified,
        }
    )
    answers = (
        answers.join(structures, on="structure_i")
        .with_columns(
            pl.format("A{}", pl.col("audit_i")).alias("audit"),
            pl.format("E{}", pl.col("auditor_i")).alias("auditor"),
            pl.lit(None, dtype=pl.String).alias("double_of"),
        )
        .sort("audit_i", "criterion")
    )
    if double_coded_share > 0:
        answers = _double_code(answers, double_coded_share, rng, n_auditors)
    return answers.select(
        "structure",
        "category",
        "department",
        "certified",
        "channel",
        "audit",
        "auditor",
        "criterion",
        "value",
        "sent_at",
        "replied_at",
        "double_of",
    )


# One criterion's answers of a channel: (criterion id, answered mask, values, sent_at,
# replied_at), the two dates only for a delay criterion counted in working days.
type Answers = tuple[str, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]


def channel_answers(
    grid: Grid,
    channel_id: str,
    p: np.ndarray,
    rng: np.random.Generator,
    sent: np.ndarray,
    *,
    bias: Mapping[str, float] | None = None,
    delay_factor: Mapping[str, float] | None = None,
) -> list[Answers]:
    """Plausible answers of ``len(p)`` audits of one channel, one criterion at a time in
    prerequisite order: ``(criterion id, answered mask, values, sent_at, replied_at)``.

    ``p`` is each audit's chance of a good answer (the structure's quality plus the
    auditor's bias), ``sent`` each audit's day (datetime64). Criteria that depend on a
    failed prerequisite are left unanswered, as an auditor would; free-text criteria get
    no value. ``bias`` moves the chance of one criterion (criterion id → added to ``p``),
    ``delay_factor`` stretches the delays of one criterion."""
    bias = bias or {}
    delay_factor = delay_factor or {}
    n = len(p)
    failed: dict[str, np.ndarray] = {}
    out: list[Answers] = []
    for criterion in grid.prerequisite_order(channel_id):
        skip = np.zeros(n, dtype=bool)
        for pre in criterion.prerequisites:
            skip |= failed.get(pre, np.zeros(n, dtype=bool))
        chance = np.clip(p + bias[criterion.id], 0.02, 0.98) if criterion.id in bias else p
        values, sent_at, replied_at = _values(
            criterion, chance, rng, sent, delay_factor.get(criterion.id, 1.0)
        )
        if criterion.measure.type in {MeasureType.YES_NO, MeasureType.SCALE}:
            failed[criterion.id] = skip | (values == "non") | (values == "wrong")
        out.append((criterion.id, ~skip, values, sent_at, replied_at))
    return out


def _values(
    criterion: Criterion,
    p: np.ndarray,
    rng: np.random.Generator,
    sent: np.ndarray,
    delay_factor: float = 1.0,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    n = len(p)
    kind = criterion.measure.type
    u = rng.random(n)
    sent_at: np.ndarray | None = None
    replied_at: np.ndarray | None = None
    if kind == MeasureType.YES_NO:
        values = np.where(u < p, "oui", "non").astype(object)
        if criterion.not_applicable:
            values[rng.random(n) < 0.3] = "sans objet"
    elif kind == MeasureType.SCALE:
        codes = [lv.code for lv in sorted(criterion.measure.levels, key=lambda lv: -lv.points)]
        # Better structures get better levels: the level index grows as u exceeds p.
        idx = np.minimum(
            (np.maximum(u - p, 0) / max(1e-9, 1 - p.mean()) * len(codes)), len(codes) - 1
        )
        values = np.array(codes, dtype=object)[idx.astype(int)]
        if criterion.not_applicable:
            values[rng.random(n) < 0.15] = "sans objet"
    elif kind == MeasureType.COUNT:
        values = (1 + rng.poisson(6 * (1 - p))).astype(str).astype(object)
    elif kind == MeasureType.DURATION:
        scale = 240 if criterion.measure.unit == "seconds" else 45
        values = (
            np.round(rng.exponential(scale * (1 - p) + 1), 0).astype(int).astype(str).astype(object)
        )
    elif kind == MeasureType.RATIO:
        values = np.round(np.clip(rng.beta(2 + 8 * p, 2 + 8 * (1 - p)), 0, 1), 2).astype(str)
        values = np.char.replace(values.astype(str), ".", ",").astype(object)
        if criterion.not_applicable:
            values[rng.random(n) < 0.1] = "sans objet"
    elif kind == MeasureType.DELAY:
        days = np.round(rng.exponential((12 * (1 - p) + 0.5) * delay_factor)).astype(int)
        if criterion.measure.day_unit.value == "calendar_days":
            values = days.astype(str).astype(object)
            if criterion.not_applicable:
                values[rng.random(n) < 0.1] = "sans objet"
        else:
            hours = rng.integers(8, 18, size=n).astype("timedelta64[h]")
            sent_at = (sent + hours).astype("datetime64[us]")
            replied_at = (sent + days.astype("timedelta64[D]") + hours).astype("datetime64[us]")
            values = np.full(n, None, dtype=object)
    else:
        values = np.full(n, None, dtype=object)
    return values, sent_at, replied_at


def _double_code(
    answers: pl.DataFrame, share: float, rng: np.random.Generator, n_auditors: int
) -> pl.DataFrame:
    audits = answers["audit"].unique().sort()
    chosen = audits.sample(fraction=share, seed=int(rng.integers(1 << 31)))
    copy = answers.filter(pl.col("audit").is_in(chosen.implode()))
    flip = rng.random(copy.height) < 0.1
    values = copy["value"].to_numpy().copy()
    yes_no = np.isin(values, ["oui", "non"])
    values[flip & yes_no] = np.where(values[flip & yes_no] == "oui", "non", "oui")
    second = copy.with_columns(
        pl.Series("value", values, dtype=pl.String),
        pl.col("audit").alias("double_of"),
        (pl.col("audit") + "-bis").alias("audit"),
        pl.format("E{}", (pl.col("auditor").str.slice(1).cast(pl.Int64) + 1) % n_auditors).alias(
            "auditor"
        ),
    )
    return pl.concat([answers, second])
