"""Satisfactory calls per stage (docs/scoring.md §9), Django-free."""

import pytest

from barometre.engine import EngineError, RankingOptions, parse_grid, score_edition

from .helpers import answers, audit

GRID = """
id: calls
title: Appels
satisfaction: {threshold: 75, target: 85}
channels:
  - {id: phone, label: Téléphone, planned_audits: 20}
stages:
  - {id: ivr, label: Serveur vocal}
  - {id: after_transfer, label: Après transfert}
determinants:
  - {id: quality, label: Qualité}
criteria:
  - {id: ivr.clear, label: Clair, channel: phone, stage: ivr, determinant: quality,
     measure: {type: yes_no}, not_applicable: true}
  - {id: transfer.answered, label: Pris en charge, channel: phone, stage: after_transfer,
     determinant: quality, measure: {type: yes_no}, not_applicable: true}
  - {id: transfer.courteous, label: Courtois, channel: phone, stage: after_transfer,
     determinant: quality, measure: {type: yes_no}, not_applicable: true}
"""


def _calls(ivr: list[str], transfer: list[tuple[str, str]]):
    rows = []
    for i in range(20):
        values = {
            "ivr.clear": ivr[i],
            "transfer.answered": transfer[i][0],
            "transfer.courteous": transfer[i][1],
        }
        rows += audit(f"A{i}", "phone", values)
    return answers(rows)


def test_seed_004_rates_where_the_stage_does_not_apply_to_every_call():
    # 17 calls reached a voice server, 15 understood it: 88,2 %. 12 calls were
    # transferred, 11 well handled: 91,7 % (a call with one of two criteria met scores 50).
    ivr = ["oui"] * 15 + ["non"] * 2 + ["so"] * 3
    transfer = [("oui", "oui")] * 11 + [("oui", "non")] + [("so", "so")] * 8
    results = score_edition(
        parse_grid(GRID), _calls(ivr, transfer), options=RankingOptions(resamples=10)
    )
    rows = {r["stage"]: (r["satisfied"], r["calls"]) for r in results.satisfaction.to_dicts()}
    assert rows == {"ivr": (15, 17), "after_transfer": (11, 12)}
    assert (round(100 * 15 / 17, 1), round(100 * 11 / 12, 1)) == (88.2, 91.7)
    met = {r["criterion"]: (r["met"], r["audits"]) for r in results.criteria.to_dicts()}
    assert met == {
        "ivr.clear": (15, 17),
        "transfer.answered": (12, 12),
        "transfer.courteous": (11, 12),
    }


def test_a_score_equal_to_the_threshold_is_satisfactory():
    grid = parse_grid(GRID.replace("threshold: 75", "threshold: 50"))
    transfer = [("oui", "non")] * 20  # 50 out of 100 at the stage
    results = score_edition(
        grid, _calls(["oui"] * 20, transfer), options=RankingOptions(resamples=10)
    )
    rows = {r["stage"]: (r["satisfied"], r["calls"]) for r in results.satisfaction.to_dicts()}
    assert rows["after_transfer"] == (20, 20)


def test_the_rule_defaults_to_75_and_85_and_is_checked():
    grid = parse_grid(GRID.replace("satisfaction: {threshold: 75, target: 85}\n", ""))
    assert (grid.satisfaction.threshold, grid.satisfaction.target) == (75, 85)
    with pytest.raises(EngineError, match=r"satisfaction\.target"):
        parse_grid(GRID.replace("target: 85", "target: 185"))
