"""Channel key figures computed from raw measures, each with numerator, denominator and a
95 % interval (Wilson for rates, normal approximation for means).

A figure is computed when the grid tags a criterion with its tag (``key_figures``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from barometre.engine.grid import Grid
from barometre.engine.stats import Estimate, mean_interval, wilson


@dataclass(frozen=True)
class KeyFigureSpec:
    id: str
    label: str
    tag: str
    kind: Literal["rate_yes", "mean", "share_at_most", "channel_mean"]
    threshold: float | None = None
    unit: str = "%"
    n_unit: str = ""  # what the denominator counts: "appels", "structures"…

    @property
    def is_rate(self) -> bool:
        return self.kind in ("rate_yes", "share_at_most")


KEY_FIGURES = [
    KeyFigureSpec(
        "phone_first_attempt",
        "Appels aboutis dès le premier appel",
        "phone_first_attempt",
        "rate_yes",
        n_unit="appels",
    ),
    KeyFigureSpec(
        "phone_mean_rings",
        "Nombre moyen de sonneries des appels aboutis",
        "phone_rings",
        "mean",
        unit="sonneries",
        n_unit="appels décrochés",
    ),
    KeyFigureSpec(
        "phone_within_5_rings",
        "Appels décrochés en 5 sonneries au plus",
        "phone_rings",
        "share_at_most",
        5,
        n_unit="appels décrochés",
    ),
    KeyFigureSpec(
        "email_answered",
        "Courriels ayant reçu une réponse",
        "email_answered",
        "rate_yes",
        n_unit="courriels",
    ),
    KeyFigureSpec(
        "email_within_10_days",
        "Courriels répondus en 10 jours ouvrés au plus (parmi les courriels répondus)",
        "email_reply_delay",
        "share_at_most",
        10,
        n_unit="courriels répondus",
    ),
    KeyFigureSpec(
        "mail_answered",
        "Courriers ayant reçu une réponse",
        "mail_answered",
        "rate_yes",
        n_unit="courriers",
    ),
    KeyFigureSpec(
        "mail_within_15_days",
        "Courriers répondus en 15 jours ouvrés au plus (parmi les courriers répondus)",
        "mail_reply_delay",
        "share_at_most",
        15,
        n_unit="courriers répondus",
    ),
    KeyFigureSpec(
        "social_answered",
        "Messages privés sur les réseaux sociaux répondus",
        "social_answered",
        "rate_yes",
        n_unit="messages",
    ),
    KeyFigureSpec(
        "social_within_3_days",
        "Messages privés répondus en 3 jours au plus (parmi les répondus)",
        "social_reply_delay",
        "share_at_most",
        3,
        n_unit="messages répondus",
    ),
    KeyFigureSpec(
        "website_online_procedures",
        "Sites avec une rubrique de démarches en ligne",
        "website_online_procedures",
        "rate_yes",
        n_unit="sites",
    ),
    KeyFigureSpec(
        "website_digital_help",
        "Sites avec une aide numérique (FAQ, conversation, tutoriel)",
        "website_digital_help",
        "rate_yes",
        n_unit="sites",
    ),
    KeyFigureSpec(
        "visit_mean_score",
        "Score moyen de l'accueil physique (par structure)",
        "visit",
        "channel_mean",
        unit="/ 100",
        n_unit="structures",
    ),
]


def key_figures(
    grid: Grid, answers: pl.DataFrame, scored_audits: pl.DataFrame, channels: pl.DataFrame
) -> list[tuple[KeyFigureSpec, Estimate]]:
    """``answers``: prepared answers (raw values) of the scored audits; ``channels``:
    per-structure channel scores."""
    tagged: dict[str, list[str]] = {}
    for criterion in grid.criteria:
        for tag in criterion.key_figures:
            tagged.setdefault(tag, []).append(criterion.id)
    wanted = [c for ids in tagged.values() for c in ids]
    audited = answers.filter(pl.col("criterion").is_in(wanted)).join(
        scored_audits.select("audit"), on="audit", how="semi"
    )
    out = []
    for spec in KEY_FIGURES:
        if spec.kind == "channel_mean":
            values = channels.filter(pl.col("channel") == spec.tag)["score"].to_numpy()
            if len(values):
                out.append((spec, mean_interval(values, low=0.0, high=100.0)))
            continue
        if spec.tag not in tagged:
            continue
        rows = audited.filter(pl.col("criterion").is_in(tagged[spec.tag]))
        if spec.kind == "rate_yes":
            # Denominator: every audit of the channel; a missing answer counts as "no".
            channel = grid.criteria_by_id[tagged[spec.tag][0]].channel
            n = scored_audits.filter(pl.col("channel") == channel).height
            yes = int(rows.filter(pl.col("raw") == 1.0)["audit"].n_unique())
            out.append((spec, wilson(yes, n)))
            continue
        # A delay or a ring count describes a reply or a pick-up: only audits whose
        # prerequisites ("replied", "answered") are "yes" count, whatever else was typed.
        prerequisites = {p for c in tagged[spec.tag] for p in grid.criteria_by_id[c].prerequisites}
        for prerequisite in sorted(prerequisites):
            met = answers.filter((pl.col("criterion") == prerequisite) & (pl.col("raw") == 1.0))
            rows = rows.join(met.select("audit"), on="audit", how="semi")
        raw = rows["raw"].drop_nulls().drop_nans().to_numpy()
        if spec.kind == "mean":
            out.append((spec, mean_interval(raw, low=0.0)))  # rings, days: never below 0
        else:
            out.append((spec, wilson(int(np.sum(raw <= spec.threshold)), len(raw))))
    return [(spec, est) for spec, est in out if est.denominator > 0 or not math.isnan(est.value)]
