"""One audit explained criterion by criterion, with the same rules that score an edition
(``scoring.channel_matrix`` and ``scoring.dimension_scores``): what a validator reads
before deciding, and what an auditor's report can cite."""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from barometre.engine.answers import prepare_answers
from barometre.engine.errors import EngineError, InputProblem
from barometre.engine.grid import Criterion, Grid, MeasureType
from barometre.engine.scoring import channel_matrix, dimension_scores

DAY_UNITS = {
    "working_days": ("jour ouvré", "jours ouvrés"),
    "business_days": ("jour ouvrable", "jours ouvrables"),
    "calendar_days": ("jour", "jours"),
}
UNITS = {"seconds": "s", "minutes": "min"}


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of the audited channel: the answer as the auditor gave it, the points
    it earns (in [0, 1], ``None`` when it does not count) and why."""

    criterion: Criterion
    answer: str  # in words ("Oui", a level's label, "3 sonneries", "sans objet", "—")
    points: float | None
    counted: bool  # in the denominator of the channel score
    note: str  # the rule that applied, in a sentence ("" for a plain answer)
    knocked_out: bool = False

    @property
    def earned(self) -> float | None:
        return None if self.points is None else self.points * self.criterion.weight


@dataclass(frozen=True)
class Explained:
    channel: str
    lines: list[CriterionLine]
    observations: list[tuple[Criterion, str]]  # free-text criteria and what was written
    score: float | None  # the channel score of this audit, cap applied
    raw_score: float | None
    cap: float | None  # the knock-out cap when one applied
    stages: list[tuple[str, float]]  # (label, score) where a criterion of the stage applies
    determinants: list[tuple[str, float]]
    problems: list[InputProblem]


def _clean(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _answer_text(criterion: Criterion, value: str | None, raw: float | None) -> str:
    measure = criterion.measure
    if value is not None and value.strip().lower() == "sans objet":
        return "sans objet"
    if measure.type == MeasureType.DELAY and raw is not None:
        one, many = DAY_UNITS[measure.day_unit.value]
        return f"{_number(raw)} {one if abs(raw) < 2 else many}"
    if value is None or value == "":
        return "—"
    if measure.type == MeasureType.YES_NO:
        return {"oui": "Oui", "non": "Non"}.get(value.lower(), value)
    if measure.type == MeasureType.SCALE:
        labels = {lv.code: lv.label for lv in measure.levels}
        return labels.get(value, value)
    unit = UNITS.get(measure.unit, measure.unit)
    return f"{value} {unit}".strip()


def explain_audit(grid: Grid, frame: pl.DataFrame) -> Explained:
    """``frame``: the engine's input rows of one audit (``read_answers`` columns: one row
    per criterion answered, with the sending and reply dates for computed delays)."""
    audits = frame["audit"].unique()
    if len(audits) != 1:
        raise EngineError("explain_audit attend les réponses d'un seul audit")
    channel = frame["channel"][0]
    prepared = prepare_answers(grid, frame)
    if prepared.audits.height == 0:  # only free text, or no answer the grid accepts
        reasons = " ; ".join(p.message for p in prepared.problems) or "aucune réponse notée"
        raise EngineError(f"rien à noter dans cet audit : {reasons}")
    criteria = grid.prerequisite_order(channel)
    given = {
        row["criterion"]: row["value"]
        for row in frame.select("criterion", "value").iter_rows(named=True)
    }
    raws = {
        row["criterion"]: _clean(row["raw"])
        for row in prepared.answers.select("criterion", "raw").iter_rows(named=True)
    }
    m = channel_matrix(criteria, prepared.audits["audit"], prepared.answers)
    columns = dimension_scores(grid, criteria, m)
    by_id = {c.id: c for c in criteria}
    lines = []
    for j, criterion in enumerate(criteria):
        points = _clean(m.points[0, j])
        counted = bool(m.applicable[0, j])
        note = ""
        if m.prerequisite_failed[0, j]:
            failed = [by_id[p].label for p in criterion.prerequisites if p in by_id]
            note = f"prérequis non rempli ({' ; '.join(failed)}) : noté 0"
        elif m.missing[0, j]:
            note = (
                "sans réponse : compté sans objet"
                if criterion.not_applicable
                else "sans réponse : noté 0"
            )
        elif not counted:
            note = "sans objet : hors du calcul"
        knocked = bool(m.knocked_out[0, j])
        if knocked and criterion.knock_out is not None:  # only such a criterion knocks out
            cap = criterion.knock_out.cap
            note = (note + " ; " if note else "") + (
                f"critère éliminatoire non rempli : score du canal plafonné à {_number(cap)}"
            )
        answer = _answer_text(criterion, given.get(criterion.id), raws.get(criterion.id))
        lines.append(CriterionLine(criterion, answer, points, counted, note, knocked))
    observations = [
        (c, given[c.id])
        for c in grid.criteria
        if c.channel == channel and not c.scored and (given.get(c.id) or "").strip()
    ]
    raw_score = _clean(columns["channel_raw"][0])
    cap = float(columns["cap"][0])
    score = None if raw_score is None else min(raw_score, cap)
    stages = [(s.label, _clean(columns[f"stage:{s.id}"][0])) for s in grid.stages]
    determinants = [(d.label, _clean(columns[f"det:{d.id}"][0])) for d in grid.determinants]
    return Explained(
        channel=channel,
        lines=lines,
        observations=observations,
        score=score,
        raw_score=raw_score,
        cap=cap if cap < 100 else None,
        stages=[(label, v) for label, v in stages if v is not None],
        determinants=[(label, v) for label, v in determinants if v is not None],
        problems=prepared.problems,
    )
