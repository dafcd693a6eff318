"""Turning a long table of answers (one row per audit × criterion) into raw values and
points, with every problem reported by row, column and reason.

Input columns (see docs/formats.md): structure, category, department, channel, audit,
auditor, criterion, value, sent_at, replied_at, and optionally certified, double_of, row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from barometre.engine.calendars import DayUnit, days_between_many
from barometre.engine.errors import InputProblem
from barometre.engine.grid import NUMERIC_MEASURES, Criterion, Grid, MeasureType
from barometre.engine.territory import TERRITORIES

YES = ["oui", "yes", "o", "y", "1", "vrai", "true", "x"]
NO = ["non", "no", "n", "0", "faux", "false"]
NOT_APPLICABLE = ["na", "n/a", "sans objet", "so", "non applicable", "nc"]

REQUIRED_COLUMNS = ["structure", "channel", "audit", "criterion"]
TEXT_COLUMNS = [
    "structure",
    "category",
    "department",
    "channel",
    "audit",
    "auditor",
    "criterion",
    "value",
    "double_of",
]
MAX_PROBLEMS = 500


@dataclass
class PreparedAnswers:
    """Checked answers: ``answers`` has one row per (audit, scored criterion) present, with
    ``raw`` (the number measured; for yes/no and scales, the points of the level),
    ``code`` (the categorical answer, for agreement) and ``na``; ``audits`` one row per
    audit."""

    answers: pl.DataFrame
    audits: pl.DataFrame
    problems: list[InputProblem]


def _criteria_table(grid: Grid) -> pl.DataFrame:
    rows = [
        {
            "criterion": c.id,
            "crit_channel": c.channel,
            "mtype": c.measure.type.value,
            "na_allowed": c.not_applicable,
            "day_unit": c.measure.day_unit.value if c.measure.type == MeasureType.DELAY else "",
        }
        for c in grid.criteria
    ]
    return pl.DataFrame(rows)


def _levels_table(grid: Grid) -> pl.DataFrame:
    rows = [
        {"criterion": c.id, "code_key": lv.code.lower(), "level_points": lv.points}
        for c in grid.criteria
        if c.measure.type == MeasureType.SCALE
        for lv in c.measure.levels
    ]
    schema = {"criterion": pl.String, "code_key": pl.String, "level_points": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def normalize_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Give the input every expected column with its type; ``row`` numbers rows from 2
    (a header on row 1) when the caller did not say where rows came from."""
    if "row" not in frame.columns:
        frame = frame.with_row_index("row", offset=2)
    for column in TEXT_COLUMNS:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
        elif frame.schema[column] != pl.String:
            frame = frame.with_columns(pl.col(column).cast(pl.String))
    for column in ("sent_at", "replied_at"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Datetime("us")).alias(column))
    if "certified" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Boolean).alias("certified"))
    return frame.with_columns(pl.col("row").cast(pl.Int64))


def _problems_from(
    frame: pl.DataFrame, column: str, message: str, value_col: str | None = None
) -> list[InputProblem]:
    value_col = value_col or column
    out: list[InputProblem] = []
    for row, value in frame.select("row", value_col).head(MAX_PROBLEMS).iter_rows():
        out.append(InputProblem(row, column, "" if value is None else str(value), message))
    return out


def prepare_answers(grid: Grid, frame: pl.DataFrame) -> PreparedAnswers:
    frame = normalize_frame(frame)
    problems: list[InputProblem] = []

    for column in REQUIRED_COLUMNS:
        empty = frame.filter(pl.col(column).is_null() | (pl.col(column) == ""))
        problems += _problems_from(empty, column, "valeur obligatoire manquante")
    bad_dept = frame.filter(
        pl.col("department").is_not_null()
        & ~pl.col("department").is_in(list(TERRITORIES))
        & (pl.col("department") != "")
    )
    problems += _problems_from(
        bad_dept, "department", "code de département inconnu (ex. 45, 2A, 974)"
    )
    unknown_channel = frame.filter(
        pl.col("channel").is_not_null() & ~pl.col("channel").is_in(grid.channel_ids)
    )
    problems += _problems_from(
        unknown_channel,
        "channel",
        f"canal inconnu ; canaux de la grille : {', '.join(grid.channel_ids)}",
    )

    criteria = _criteria_table(grid)
    frame = frame.join(criteria, on="criterion", how="left")
    unknown = frame.filter(pl.col("mtype").is_null() & pl.col("criterion").is_not_null())
    problems += _problems_from(unknown, "criterion", f"critère absent de la grille {grid.id}")
    wrong_channel = frame.filter(
        pl.col("mtype").is_not_null() & (pl.col("crit_channel") != pl.col("channel"))
    )
    problems += _problems_from(
        wrong_channel, "criterion", "ce critère appartient à un autre canal que celui de la ligne"
    )

    per_audit = frame.group_by("audit").agg(
        pl.col("structure").n_unique().alias("n_structure"),
        pl.col("channel").n_unique().alias("n_channel"),
        pl.col("auditor").n_unique().alias("n_auditor"),
        pl.col("row").min().alias("first_row"),
        (pl.col("criterion").n_unique() < pl.len()).alias("repeated"),
    )
    # Only audits that repeat a criterion are searched for the duplicate rows.
    repeated = per_audit.filter("repeated").select("audit")
    if repeated.height:
        duplicates = frame.join(repeated, on="audit", how="semi", nulls_equal=True)
        duplicates = duplicates.filter(pl.struct("audit", "criterion").is_duplicated()).sort("row")
        duplicates = duplicates.filter(pl.struct("audit", "criterion").is_first_distinct().not_())
        problems += _problems_from(duplicates, "criterion", "réponse en double pour cet audit")
    inconsistent = per_audit.filter(
        (pl.col("n_structure") > 1) | (pl.col("n_channel") > 1) | (pl.col("n_auditor") > 1)
    )
    for audit, row in inconsistent.select("audit", "first_row").iter_rows():
        problems.append(
            InputProblem(
                row,
                "audit",
                audit,
                "un même audit porte plusieurs structures, canaux ou enquêteurs",
            )
        )

    frame = frame.filter(
        pl.col("mtype").is_not_null() & (pl.col("mtype") != MeasureType.TEXT.value)
    )
    # Values are normalised once per distinct value, then joined back: a national edition
    # has millions of answers but only a few hundred distinct values.
    distinct = frame.select(pl.col("value").unique()).with_columns(
        pl.col("value").str.to_lowercase().str.strip_chars().alias("v")
    )
    numeric_text = pl.col("v").str.replace_all(r"[\s\u202f]", "").str.replace(",", ".")
    distinct = distinct.with_columns(
        pl.col("v").is_in(NOT_APPLICABLE).fill_null(False).alias("na"),
        pl.when(pl.col("v").is_in(YES))
        .then(1.0)
        .when(pl.col("v").is_in(NO))
        .then(0.0)
        .alias("yes_no"),
        numeric_text.str.ends_with("%").fill_null(False).alias("percent"),
        numeric_text.str.strip_suffix("%").cast(pl.Float64, strict=False).alias("number"),
    )
    frame = frame.join(distinct, on="value", how="left", nulls_equal=True)
    na_refused = frame.filter(pl.col("na") & ~pl.col("na_allowed"))
    problems += _problems_from(
        na_refused, "value", "« sans objet » n'est pas permis pour ce critère", "value"
    )

    # Raw values by measure type; for yes/no and scales the raw value is the points.
    levels = _levels_table(grid)
    frame = frame.join(
        levels, left_on=["criterion", "v"], right_on=["criterion", "code_key"], how="left"
    )
    frame = frame.with_columns(
        pl.when(pl.col("mtype") == "yes_no")
        .then(pl.col("yes_no"))
        .when(pl.col("mtype") == "scale")
        .then(pl.col("level_points"))
        .when((pl.col("mtype") == "ratio") & pl.col("percent"))
        .then(pl.col("number") / 100)
        .otherwise(pl.col("number"))
        .alias("raw"),
        pl.when(pl.col("mtype").is_in(["yes_no", "scale"]))
        .then(pl.col("v"))
        .otherwise(None)
        .alias("code"),
    )

    # Delays from the two timestamps, with the structure's calendar.
    has_dates = (
        (pl.col("mtype") == "delay")
        & pl.col("sent_at").is_not_null()
        & pl.col("replied_at").is_not_null()
    )
    backwards = frame.filter(has_dates & (pl.col("replied_at") < pl.col("sent_at")))
    for row, sent, replied in (
        backwards.select("row", "sent_at", "replied_at").head(MAX_PROBLEMS).iter_rows()
    ):
        problems.append(
            InputProblem(
                row,
                "replied_at",
                f"{replied:%d/%m/%Y %H:%M}",
                f"réponse datée avant son envoi (envoyé le {sent:%d/%m/%Y %H:%M})",
            )
        )
    frame = _compute_delays(
        frame, has_dates & (pl.col("replied_at") >= pl.col("sent_at")), problems
    )

    answered = pl.col("v").is_not_null() & (pl.col("v") != "") & ~pl.col("na")
    invalid = frame.filter(
        answered
        & pl.col("raw").is_null()
        & ~((pl.col("mtype") == "delay") & pl.col("sent_at").is_not_null())
    )
    for row, mtype, raw_value, criterion in (
        invalid.select("row", "mtype", "value", "criterion").head(MAX_PROBLEMS).iter_rows()
    ):
        problems.append(InputProblem(row, "value", raw_value, _expected(grid, criterion, mtype)))
    negative = frame.filter(
        pl.col("mtype").is_in([m.value for m in NUMERIC_MEASURES]) & (pl.col("raw") < 0)
    )
    problems += _problems_from(
        negative, "value", "une valeur négative n'a pas de sens ici", "value"
    )
    bad_ratio = frame.filter((pl.col("mtype") == "ratio") & (pl.col("raw") > 1))
    problems += _problems_from(
        bad_ratio, "value", "une part s'écrit entre 0 et 1 ou en pourcentage (ex. 80 %)", "value"
    )

    audits = (
        frame.sort("row")
        .group_by("audit", maintain_order=True)
        .agg(
            pl.col("structure").first(),
            pl.col("channel").first(),
            pl.col("auditor").first(),
            pl.col("category").first(),
            pl.col("department").first(),
            pl.col("certified").first(),
            pl.col("double_of").first(),
        )
    )
    keep = ["row", "audit", "structure", "channel", "criterion", "raw", "code", "na"]
    return PreparedAnswers(frame.select(keep), audits, problems)


def _expected(grid: Grid, criterion: str, mtype: str) -> str:
    if mtype == "yes_no":
        return "oui, non ou sans objet attendu"
    if mtype == "scale":
        codes = ", ".join(lv.code for lv in grid.criteria_by_id[criterion].measure.levels)
        return f"niveau inconnu ; niveaux possibles : {codes}"
    if mtype == "delay":
        return "nombre de jours attendu, ou les dates d'envoi et de réponse"
    return "nombre attendu (virgule décimale acceptée)"


def _compute_delays(
    frame: pl.DataFrame, mask: pl.Expr, problems: list[InputProblem]
) -> pl.DataFrame:
    frame = frame.with_row_index("_i")
    rows = frame.filter(mask).select("_i", "department", "day_unit", "sent_at", "replied_at")
    if rows.height == 0:
        return frame.drop("_i")
    missing_dept = rows.filter(pl.col("department").is_null() | (pl.col("department") == ""))
    if missing_dept.height:
        problems.append(
            InputProblem(
                None,
                "department",
                "",
                "département manquant : il décide du calendrier des jours ouvrés",
            )
        )
    rows = rows.filter(pl.col("department").is_in(list(TERRITORIES)))
    index_parts, value_parts = [], []
    for (department, unit), part in rows.group_by(["department", "day_unit"]):
        starts = part["sent_at"].dt.date().to_numpy().astype("datetime64[D]")
        ends = part["replied_at"].dt.date().to_numpy().astype("datetime64[D]")
        index_parts.append(part["_i"].to_numpy())
        value_parts.append(days_between_many(starts, ends, department, DayUnit(unit)).astype(float))
    if not index_parts:
        return frame.drop("_i")
    computed = pl.DataFrame(
        {"_i": np.concatenate(index_parts).astype(np.uint32), "_delay": np.concatenate(value_parts)}
    )
    frame = frame.join(computed, on="_i", how="left")
    return frame.with_columns(pl.coalesce("_delay", "raw").alias("raw")).drop("_i", "_delay")


# ---------------------------------------------------------------- canonical stored form

CANONICAL_YES, CANONICAL_NO, CANONICAL_NOT_APPLICABLE = "oui", "non", "sans objet"


@dataclass
class CanonicalAnswers:
    """Each row's answer in its canonical stored form (``values``, by row), as
    :func:`prepare_answers` reads it: ``oui``/``non``, a level's code as the grid writes
    it, ``sans objet``, a number with a decimal comma (a share as ``80 %``), free text as
    typed (without surrounding blanks, as a form field gives it). Blank answers are left
    out; a row with a problem has no value."""

    values: dict[int, str]
    problems: list[InputProblem]


def _number_text(value: float) -> str:
    text = f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _canonical(criterion: Criterion, raw: float | None, code: str | None, na: bool) -> str | None:
    if na:
        return CANONICAL_NOT_APPLICABLE
    if raw is None:
        return None
    kind = criterion.measure.type
    if kind == MeasureType.YES_NO:
        return CANONICAL_YES if raw == 1 else CANONICAL_NO
    if kind == MeasureType.SCALE:
        return next(lv.code for lv in criterion.measure.levels if lv.code.lower() == code)
    if not math.isfinite(raw):
        return None
    if kind == MeasureType.RATIO:
        return f"{_number_text(raw * 100)} %"
    return _number_text(raw)


def canonical_answers(grid: Grid, frame: pl.DataFrame) -> CanonicalAnswers:
    """The answers of a long table (as :func:`prepare_answers` takes it) in their canonical
    stored form, with the problems of :func:`prepare_answers`: every road that stores
    answers (the audit form, the API, an audit file, the demo) stores these."""
    frame = normalize_frame(frame)
    prepared = prepare_answers(grid, frame)
    problems = list(prepared.problems)
    refused = {p.row for p in problems if p.column in ("value", "criterion")}
    parsed = {
        row: (raw, code, na)
        for row, raw, code, na in prepared.answers.select("row", "raw", "code", "na").iter_rows()
    }
    by_id = grid.criteria_by_id
    memo: dict[tuple[str, float | None, str | None, bool], str | None] = {}
    values: dict[int, str] = {}
    for row, criterion_id, value in frame.select("row", "criterion", "value").iter_rows():
        criterion = by_id.get(criterion_id)
        if criterion is None or value is None or not value.strip() or row in refused:
            continue
        if criterion.measure.type == MeasureType.TEXT:
            values[row] = value.strip()  # free text as typed, without surrounding blanks
            continue
        if row not in parsed:
            continue
        key = (criterion_id, *parsed[row])
        if key not in memo:
            memo[key] = _canonical(criterion, *parsed[row])
        text = memo[key]
        if text is None:
            problems.append(
                InputProblem(
                    row, "value", value, _expected(grid, criterion_id, criterion.measure.type)
                )
            )
            continue
        values[row] = text
    return CanonicalAnswers(values, problems)


def prerequisite_failed(criterion: Criterion, value: str | None) -> bool:
    """Whether an answer to a prerequisite fails it: an answer that scores 0 points
    (« non », a level worth 0 such as « wrong »), as :func:`scoring.channel_matrix` scores
    it. Not answered or « sans objet » does not fail it."""
    if value is None:
        return False
    text = value.strip().lower()
    if criterion.measure.type == MeasureType.YES_NO:
        return text in NO
    if criterion.measure.type == MeasureType.SCALE:
        return any(lv.code.lower() == text and lv.points == 0 for lv in criterion.measure.levels)
    return False


def prerequisite_blocks(grid: Grid, criterion: Criterion, answers: dict[str, str]) -> bool:
    """Whether one of ``criterion``'s prerequisites failed in ``answers`` (by criterion):
    the criterion then scores 0 and need not be answered."""
    return any(
        prerequisite_failed(grid.criteria_by_id[p], answers.get(p)) for p in criterion.prerequisites
    )
