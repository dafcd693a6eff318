"""Hand-computed scores for every measure type and rule (see docs/scoring.md)."""

import datetime as dt

import polars as pl
import pytest

from barometre.engine import InputRejected, RankingOptions, parse_grid, score_edition

from .helpers import answers, audit, small_grid

QUICK = RankingOptions(resamples=200, min_channels=1, min_coverage=0)


def audit_score(rows, **kw) -> float:
    result = score_edition(small_grid(), answers(rows, **kw), options=QUICK)
    return result.audits["channel_score"].to_list()


def test_yes_no_count_linear_scale_and_not_applicable():
    # answered yes (2×1) + rings 4 → 0.5 (1×0.5) + wait 50 s → 0.75 (1×0.75)
    # + IVR not applicable (left out) + quality partial (3×0.5) = 4.75 / 7
    rows = audit(
        "A1",
        "phone",
        {
            "phone.answered": "oui",
            "phone.rings": "4",
            "phone.wait": "50",
            "phone.ivr": "sans objet",
            "phone.quality": "partial",
            "phone.note": "Agent pressé",
        },
    )
    assert audit_score(rows) == [pytest.approx(100 * 4.75 / 7)]


def test_not_answered_call_scores_zero_and_is_capped():
    # Failed prerequisite: rings, wait and quality score 0 even though nothing was noted,
    # and the knock-out caps the audit at 20; the IVR (yes) still counts: 1 / 8 → 12.5.
    rows = audit("A1", "phone", {"phone.answered": "non", "phone.ivr": "oui"})
    assert audit_score(rows) == [pytest.approx(12.5)]


def test_a_knock_out_caps_the_channel_score():
    rows = audit(
        "A1",
        "phone",
        {
            "phone.answered": "oui",
            "phone.rings": "1",
            "phone.wait": "0",
            "phone.ivr": "oui",
            "phone.quality": "wrong",
        },
    )
    # 5 / 8 = 62.5 without the cap; a wrong answer caps at 50.
    assert audit_score(rows) == [50.0]


def test_delay_from_timestamps_in_working_days_with_the_calendar():
    sent = dt.datetime(2025, 4, 17, 10, 0)  # Thursday before Easter
    replied = dt.datetime(2025, 4, 22, 9, 0)  # Tuesday after Easter Monday
    rows = audit(
        "A1",
        "email",
        {
            "email.replied": "oui",
            "email.delay": None,
            "email.quality": "oui",
            "email.reviews": "85 %",
        },
        sent_at=sent,
        replied_at=replied,
    )
    # Paris: Friday 18 and Tuesday 22 → 2 working days → 1 point.
    assert audit_score(rows, department="75") == [100.0]
    # Metz: Good Friday is a holiday → 1 working day → still 1 point; with a reply on
    # Friday 25 April it becomes 4 (Paris: 5) working days → 0.75.
    rows[1]["replied_at"] = dt.datetime(2025, 4, 25, 9, 0)
    rows[0]["replied_at"] = rows[2]["replied_at"] = rows[3]["replied_at"] = rows[1]["replied_at"]
    # replied yes (1) + delay 0.75×2 + quality 1 + ratio ≥ 0.8 (1) = 4.5 / 5
    assert audit_score(rows, department="57") == [pytest.approx(90.0)]


def test_no_reply_never_raises_a_score():
    replied = audit(
        "A1",
        "email",
        {
            "email.replied": "oui",
            "email.delay": "12",
            "email.quality": "non",
            "email.reviews": "0,2",
        },
    )
    no_reply = audit("A1", "email", {"email.replied": "non", "email.reviews": "0,2"})
    # With a late, wrong reply: 1 + 0 + 0 + 0 = 1 / 5 = 20; without any: 0 / 5 = 0.
    assert audit_score(replied) == [pytest.approx(20.0)]
    assert audit_score(no_reply) == [0.0]


def test_ratio_thresholds_ge_and_percent_notation():
    for value, expected in [("0,8", 100.0), ("80 %", 100.0), ("0.5", 50.0), ("49%", 0.0)]:
        rows = audit(
            "A1",
            "email",
            {
                "email.replied": "oui",
                "email.delay": "1",
                "email.quality": "oui",
                "email.reviews": value,
            },
        )
        # 4 of 5 points guaranteed, the ratio brings 0, 0.5 or 1 of the last one.
        assert audit_score(rows) == [pytest.approx(80 + expected / 5)], value


def test_seed_000_global_is_the_mean_of_its_channels():
    """Loir-et-Cher 2025: phone 80, e-mail 78, mail 77, website 67, social 85 → 77."""
    grid = parse_grid(
        """
id: seed-000
title: Cinq canaux
channels: [{id: phone, label: T}, {id: email, label: C}, {id: mail, label: P},
           {id: website, label: S}, {id: social, label: R}]
stages: [{id: handling, label: Traitement}]
determinants: [{id: quality, label: Qualité}]
criteria:
"""
        + "".join(
            f"  - {{id: {c}.score, label: Note, channel: {c}, stage: handling,"
            f" determinant: quality, measure: {{type: ratio}},"
            f" scoring: {{type: linear, best: 1, worst: 0}}}}\n"
            for c in ["phone", "email", "mail", "website", "social"]
        )
    )
    scores = {"phone": "0,80", "email": "0,78", "mail": "0,77", "website": "0,67", "social": "0,85"}
    rows = [r for c, v in scores.items() for r in audit(f"A-{c}", c, {f"{c}.score": v})]
    result = score_edition(grid, answers(rows), options=QUICK)
    assert result.channel_scores("S1") == pytest.approx(
        {"phone": 80, "email": 78, "mail": 77, "website": 67, "social": 85}
    )
    assert result.structure("S1")["global"] == pytest.approx(77.4)
    assert round(result.structure("S1")["global"]) == 77


def test_channel_score_is_the_mean_of_audits_and_absent_channels_do_not_count():
    rows = audit(
        "A1",
        "email",
        {"email.replied": "oui", "email.delay": "1", "email.quality": "oui", "email.reviews": "na"},
    )
    rows += audit("A2", "email", {"email.replied": "non", "email.reviews": "na"})
    result = score_edition(small_grid(), answers(rows), options=QUICK)
    assert result.channel_scores("S1") == {"email": pytest.approx(50.0)}
    structure = result.structure("S1")
    assert structure["global"] == pytest.approx(50.0)
    assert structure["channels_missing"] == ["phone"]
    assert structure["audits"] == 2


def test_stage_and_determinant_scores():
    rows = audit(
        "A1",
        "phone",
        {
            "phone.answered": "oui",
            "phone.rings": "9",
            "phone.wait": "0",
            "phone.ivr": "non",
            "phone.quality": "complete",
        },
    )
    result = score_edition(small_grid(), answers(rows), options=QUICK)
    stages = dict(result.stages.select("stage", "score").iter_rows())
    # access: answered 2 + rings 0 + wait 1 + ivr 0 = 3 / 5; handling: quality 3/3.
    assert stages == pytest.approx({"access": 60.0, "handling": 100.0})
    determinants = dict(result.determinants.select("determinant", "score").iter_rows())
    assert determinants == pytest.approx(
        {"accessibility": 200 / 3, "reactivity": 50.0, "quality": 100.0}
    )


def test_missing_answers_are_reported_and_scored_conservatively():
    rows = audit(
        "A1",
        "phone",
        {
            "phone.answered": "oui",
            "phone.rings": "1",
            "phone.wait": "0",
            "phone.quality": "complete",
        },
    )
    result = score_edition(small_grid(), answers(rows), options=QUICK)
    # The IVR may be not applicable: a missing answer leaves it out (7 / 7).
    assert result.audits["channel_score"].to_list() == [100.0]
    assert any("phone.ivr" in str(w) and "sans objet" in str(w) for w in result.warnings)


BAD = [
    (
        {"criterion": "phone.unknown", "value": "oui"},
        "criterion",
        "critère absent de la grille test-grid",
    ),
    (
        {"criterion": "email.replied", "value": "oui"},
        "criterion",
        "ce critère appartient à un autre canal que celui de la ligne",
    ),
    (
        {"criterion": "phone.answered", "value": "peut-être"},
        "value",
        "oui, non ou sans objet attendu",
    ),
    (
        {"criterion": "phone.quality", "value": "excellent"},
        "value",
        "niveau inconnu ; niveaux possibles : complete, partial, wrong",
    ),
    (
        {"criterion": "phone.rings", "value": "trois"},
        "value",
        "nombre attendu (virgule décimale acceptée)",
    ),
    (
        {"criterion": "phone.rings", "value": "-2"},
        "value",
        "une valeur négative n'a pas de sens ici",
    ),
    (
        {"criterion": "phone.answered", "value": "sans objet"},
        "value",
        "« sans objet » n'est pas permis pour ce critère",
    ),
    (
        {"criterion": "phone.answered", "value": "oui", "department": "99"},
        "department",
        "code de département inconnu (ex. 45, 2A, 974)",
    ),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD, ids=[b[2][:25] for b in BAD])
def test_bad_rows_are_rejected_with_row_column_and_reason(row, column, message):
    rows = [{"audit": "A1", "channel": "phone", **row}]
    with pytest.raises(InputRejected) as caught:
        score_edition(small_grid(), answers(rows), options=QUICK)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.message) == (2, column, message)


def test_a_reply_dated_before_its_sending_is_rejected():
    rows = audit(
        "A1",
        "email",
        {"email.replied": "oui", "email.delay": None},
        sent_at=dt.datetime(2025, 5, 12, 9),
        replied_at=dt.datetime(2025, 5, 9, 17),
    )
    with pytest.raises(InputRejected) as caught:
        score_edition(small_grid(), answers(rows), options=QUICK)
    assert str(caught.value.problems[0]) == (
        "Ligne 3, colonne « replied_at » (valeur « 09/05/2025 17:00 ») : réponse datée avant "
        "son envoi (envoyé le 12/05/2025 09:00)"
    )


def test_duplicate_answers_and_inconsistent_audits_are_rejected():
    rows = audit("A1", "phone", {"phone.answered": "oui"}) * 2
    rows += [
        {
            "audit": "A1",
            "channel": "phone",
            "criterion": "phone.ivr",
            "value": "oui",
            "structure": "S2",
        }
    ]
    with pytest.raises(InputRejected) as caught:
        score_edition(small_grid(), answers(rows), options=QUICK)
    messages = {p.message for p in caught.value.problems}
    assert "réponse en double pour cet audit" in messages
    assert "un même audit porte plusieurs structures, canaux ou enquêteurs" in messages


def test_double_coded_audits_do_not_count_in_scores():
    rows = audit(
        "A1",
        "email",
        {"email.replied": "oui", "email.delay": "1", "email.quality": "oui", "email.reviews": "na"},
    )
    rows += audit(
        "A1-bis",
        "email",
        {"email.replied": "non", "email.reviews": "na"},
        double_of="A1",
        auditor="E2",
    )
    result = score_edition(small_grid(), answers(rows), options=QUICK)
    assert result.audits["audit"].to_list() == ["A1"]
    agreement = dict(result.agreement.select("criterion", "agreement").iter_rows())
    assert agreement["email.replied"] == 0.0 and agreement["email.reviews"] == 1.0


def test_results_do_not_depend_on_row_order():
    rows = audit(
        "A1",
        "phone",
        {
            "phone.answered": "oui",
            "phone.rings": "4",
            "phone.wait": "80",
            "phone.ivr": "non",
            "phone.quality": "partial",
        },
    )
    rows += audit(
        "A2",
        "email",
        {
            "email.replied": "oui",
            "email.delay": "6",
            "email.quality": "oui",
            "email.reviews": "0,6",
        },
    )
    one = score_edition(small_grid(), answers(rows), options=QUICK)
    two = score_edition(small_grid(), answers(rows[::-1]), options=QUICK)
    assert one.structures["global"].to_list() == two.structures["global"].to_list()
    assert one.structures["score_low"].to_list() == two.structures["score_low"].to_list()
    assert isinstance(one.structures, pl.DataFrame)


def test_an_edition_without_any_scored_answer_is_refused():
    rows = audit("A1", "phone", {"phone.note": "rien à signaler"})
    with pytest.raises(InputRejected) as caught:
        score_edition(small_grid(), answers(rows), options=QUICK)
    assert "aucun audit noté" in str(caught.value.problems[0])
