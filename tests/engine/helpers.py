"""A small grid exercising every measure type and rule, and builders for answer tables."""

import polars as pl

from barometre.engine import parse_grid

SMALL_GRID = """
id: test-grid
title: Grille de test
channels:
  - {id: phone, label: Téléphone}
  - {id: email, label: Courriel}
stages:
  - {id: access, label: Accès}
  - {id: handling, label: Traitement}
determinants:
  - {id: accessibility, label: Accessibilité}
  - {id: reactivity, label: Réactivité}
  - {id: quality, label: Qualité}
criteria:
  - {id: phone.answered, label: Abouti, channel: phone, stage: access,
     determinant: accessibility, weight: 2, measure: {type: yes_no}, knock_out: {cap: 20}}
  - {id: phone.rings, label: Sonneries, channel: phone, stage: access, determinant: reactivity,
     measure: {type: count}, prerequisites: [phone.answered],
     scoring: {type: thresholds, steps: [{bound: 3, points: 1}, {bound: 5, points: 0.5}]}}
  - {id: phone.wait, label: Attente, channel: phone, stage: access, determinant: reactivity,
     measure: {type: duration, unit: seconds}, prerequisites: [phone.answered],
     scoring: {type: linear, best: 0, worst: 200}}
  - {id: phone.ivr, label: SVI, channel: phone, stage: access, determinant: accessibility,
     measure: {type: yes_no}, not_applicable: true}
  - id: phone.quality
    label: Réponse
    channel: phone
    stage: handling
    determinant: quality
    weight: 3
    prerequisites: [phone.answered]
    knock_out: {cap: 50}
    measure:
      type: scale
      levels:
        - {code: complete, label: Complète, points: 1}
        - {code: partial, label: Partielle, points: 0.5}
        - {code: wrong, label: Erronée, points: 0}
  - {id: phone.note, label: Observations, channel: phone, stage: handling,
     determinant: quality, measure: {type: text}}
  - {id: email.replied, label: Répondu, channel: email, stage: handling,
     determinant: reactivity, measure: {type: yes_no}}
  - {id: email.delay, label: Délai, channel: email, stage: handling, determinant: reactivity,
     weight: 2, measure: {type: delay, unit: working_days}, prerequisites: [email.replied],
     scoring: {type: thresholds, steps: [{bound: 2, points: 1}, {bound: 5, points: 0.75},
     {bound: 10, points: 0.5}]}}
  - {id: email.quality, label: Qualité, channel: email, stage: handling, determinant: quality,
     measure: {type: yes_no}, prerequisites: [email.replied]}
  - {id: email.reviews, label: Avis répondus, channel: email, stage: handling,
     determinant: quality, measure: {type: ratio},
     scoring: {type: thresholds, direction: ge, steps: [{bound: 0.8, points: 1},
     {bound: 0.5, points: 0.5}]}, not_applicable: true}
"""


def small_grid():
    return parse_grid(SMALL_GRID)


def answers(rows: list[dict], **defaults) -> pl.DataFrame:
    """Rows as dicts; structure/department/auditor/category default to one structure."""
    base = {"structure": "S1", "category": "Villes", "department": "75", "auditor": "E1"}
    base |= defaults
    full = [{**base, **r} for r in rows]
    columns = [
        "structure",
        "category",
        "department",
        "channel",
        "audit",
        "auditor",
        "criterion",
        "value",
        "sent_at",
        "replied_at",
        "double_of",
        "certified",
    ]
    data = {c: [r.get(c) for r in full] for c in columns}
    return pl.DataFrame(
        data,
        schema={
            **{c: pl.String for c in columns},
            "sent_at": pl.Datetime("us"),
            "replied_at": pl.Datetime("us"),
            "certified": pl.Boolean,
        },
    )


def audit(audit_id: str, channel: str, values: dict[str, str], **extra) -> list[dict]:
    return [
        {"audit": audit_id, "channel": channel, "criterion": c, "value": v, **extra}
        for c, v in values.items()
    ]
