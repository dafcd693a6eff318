"""One audit explained criterion by criterion gives the score the edition's scoring gives,
and says which rule applied."""

import pytest

from barometre.engine import explain_audit, score_edition

from .helpers import answers, audit, small_grid
from .test_scoring_golden import QUICK


def _both(rows):
    frame = answers(rows)
    scored = score_edition(small_grid(), frame, options=QUICK).audits
    return explain_audit(small_grid(), frame), scored["channel_score"].to_list()


def test_a_plain_audit_explains_each_point_and_matches_the_edition_score():
    explained, (score,) = _both(
        audit(
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
    )
    assert explained.score == pytest.approx(score) == pytest.approx(100 * 4.75 / 7)
    lines = {line.criterion.id: line for line in explained.lines}
    assert (lines["phone.rings"].answer, lines["phone.rings"].points) == ("4", 0.5)
    assert lines["phone.wait"].answer == "50 s"
    assert lines["phone.quality"].earned == pytest.approx(1.5)  # weight 3 × 0.5
    assert not lines["phone.ivr"].counted
    assert lines["phone.ivr"].note == "sans objet : hors du calcul"
    assert [(c.id, text) for c, text in explained.observations] == [("phone.note", "Agent pressé")]
    assert explained.cap is None


def test_a_failed_prerequisite_and_a_knock_out_are_said_in_words():
    explained, (score,) = _both(audit("A1", "phone", {"phone.answered": "non", "phone.ivr": "oui"}))
    assert explained.score == pytest.approx(score) == pytest.approx(12.5)
    lines = {line.criterion.id: line for line in explained.lines}
    assert lines["phone.rings"].points == 0
    assert lines["phone.rings"].note.startswith("prérequis non rempli (")
    assert lines["phone.rings"].note.endswith(") : noté 0")
    assert lines["phone.answered"].knocked_out
    assert "critère éliminatoire non rempli : score du canal plafonné à 20" in (
        lines["phone.answered"].note
    )
    assert explained.cap == 20
