"""Running the engine on files: the long answers table in, a results workbook out."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import polars as pl
import xlsxwriter

from barometre.engine.errors import InputProblem, InputRejected
from barometre.engine.french import plural
from barometre.engine.results import EditionResults
from barometre.engine.tables import TableError, cell_text, neutralize, read_table

# File column (French, as documented in docs/formats.md) → engine column.
ANSWER_COLUMNS = {
    "structure": "structure",
    "categorie": "category",
    "departement": "department",
    "canal": "channel",
    "audit": "audit",
    "enqueteur": "auditor",
    "critere": "criterion",
    "valeur": "value",
    "envoye_le": "sent_at",
    "repondu_le": "replied_at",
    "certifiee": "certified",
    "double_de": "double_of",
}
# English names are accepted too (exports of other tools).
ALIASES = {engine: engine for engine in ANSWER_COLUMNS.values()}
REQUIRED = ["structure", "canal", "audit", "critere", "valeur"]
_TRUE = {"oui", "yes", "1", "vrai", "true", "x"}
_FALSE = {"non", "no", "0", "faux", "false", ""}
# Limits of `barometre score`, run by its user on their own files; the platform passes
# its own, smaller ones (docs/configuration.md).
MAX_BYTES = 200 * 1024 * 1024
MAX_ROWS = 2_000_000
MAX_CELLS = 30_000_000


def _parse_datetime(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12, 0))
    text = cell_text(value)
    if not text:
        return None
    patterns = (
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d",
    )
    for pattern in patterns:
        try:
            parsed = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        # A date without time is taken at noon, so a same-day reply is never "before".
        return parsed.replace(hour=12) if len(text) <= 10 else parsed
    raise ValueError("date attendue au format jj/mm/aaaa hh:mm")


def read_answers(
    content: bytes,
    filename: str = "",
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    max_cells: int = MAX_CELLS,
) -> pl.DataFrame:
    """Read the long answers table; raise InputRejected listing every problem."""
    try:
        table = read_table(
            content, filename, max_bytes=max_bytes, max_rows=max_rows, max_cells=max_cells
        )
    except TableError as exc:
        raise InputRejected([InputProblem(None, None, "", str(exc))]) from None
    names = {c: ANSWER_COLUMNS.get(c) or ALIASES.get(c) for c in table.columns}
    problems = [InputProblem(p.row, p.column or "", p.value, p.message) for p in table.problems]
    missing = [c for c in REQUIRED if ANSWER_COLUMNS[c] not in names.values()]
    if missing:
        found = ", ".join(table.columns)
        raise InputRejected(
            [
                InputProblem(
                    None,
                    "en-tête",
                    "",
                    f"colonne{plural(len(missing))} obligatoire{plural(len(missing))} "
                    f"absente{plural(len(missing))} : "
                    f"{', '.join(missing)} (colonnes trouvées : {found})",
                )
            ]
        )
    data: dict[str, list[object]] = {engine: [] for engine in ANSWER_COLUMNS.values()}
    rows: list[int] = []
    for row, values in table.rows:
        record: dict[str, object] = {engine: None for engine in ANSWER_COLUMNS.values()}
        for column, engine in names.items():
            if engine is None:
                continue
            raw = values.get(column)
            if engine in ("sent_at", "replied_at"):
                try:
                    record[engine] = _parse_datetime(raw)
                except ValueError as exc:
                    problems.append(InputProblem(row, column, cell_text(raw), str(exc)))
            elif engine == "certified":
                text = cell_text(raw).lower()
                if text not in _TRUE | _FALSE:
                    problems.append(InputProblem(row, column, cell_text(raw), "oui ou non attendu"))
                record[engine] = text in _TRUE
            else:
                text = cell_text(raw)
                record[engine] = text or None
        rows.append(row)
        for engine, value in record.items():
            data[engine].append(value)
    if problems:
        raise InputRejected(problems)
    if not rows:
        raise InputRejected([InputProblem(None, None, "", "le fichier n'a aucune ligne")])
    schema: dict[str, pl.DataType | type[pl.DataType]]
    schema = {engine: pl.String for engine in ANSWER_COLUMNS.values()}
    schema |= {
        "sent_at": pl.Datetime("us"),
        "replied_at": pl.Datetime("us"),
        "certified": pl.Boolean,
    }
    return pl.DataFrame(data, schema=schema).with_columns(pl.Series("row", rows, dtype=pl.Int64))


def _clean(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return neutralize(value)


def _sheet(
    workbook: xlsxwriter.Workbook, title: str, frame: pl.DataFrame, headers: dict[str, str]
) -> None:
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True})
    columns = [c for c in headers if c in frame.columns]
    for j, column in enumerate(columns):
        sheet.write_string(0, j, headers[column], bold)
        sheet.set_column(j, j, max(12, min(40, len(headers[column]) + 2)))
    for i, row in enumerate(frame.select(columns).iter_rows(), start=1):
        for j, value in enumerate(row):
            value = _clean(value)
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(i, j, value)
            else:
                sheet.write(i, j, value)
    sheet.freeze_panes(1, 0)


def write_results(results: EditionResults, path: str | Path, problems: list[InputProblem]) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    structures = results.structures.with_columns(pl.col("global").round(1))
    _sheet(
        workbook,
        "Structures",
        structures,
        {
            "structure": "Structure",
            "category": "Catégorie",
            "department": "Département",
            "global": "Score global /100",
            "score_low": "Intervalle 90 % bas",
            "score_high": "Intervalle 90 % haut",
            "audits": "Audits",
            "channels_audited": "Canaux audités",
            "coverage": "Couverture",
            "channels_missing": "Canaux sans audit",
            "certified": "Labellisée",
        },
    )
    channels = results.channels.pivot(on="channel", index="structure", values="score")
    _sheet(
        workbook,
        "Canaux",
        channels,
        {"structure": "Structure"} | {c: c for c in channels.columns if c != "structure"},
    )
    _sheet(
        workbook,
        "Canaux (détail)",
        results.channels,
        {
            "structure": "Structure",
            "channel": "Canal",
            "score": "Score /100",
            "audits": "Audits",
            "sd": "Écart-type",
        },
    )
    _sheet(
        workbook,
        "Déterminants",
        results.determinants,
        {
            "structure": "Structure",
            "determinant": "Déterminant",
            "score": "Score /100",
            "channels": "Canaux",
        },
    )
    _sheet(
        workbook,
        "Étapes",
        results.stages,
        {"structure": "Structure", "stage": "Étape", "score": "Score /100", "channels": "Canaux"},
    )
    _sheet(
        workbook,
        "Critères",
        results.criteria,
        {
            "structure": "Structure",
            "criterion": "Critère",
            "points": "Points moyens (0 à 1)",
            "audits": "Audits",
        },
    )
    figures = pl.DataFrame(
        [
            {
                "label": spec.label,
                "kind": "taux" if spec.is_rate else "moyenne",
                "value": est.value,
                "low": est.low,
                "high": est.high,
                # A rate is k / n; a mean shows only the n values it averaged.
                "numerator": est.numerator if spec.is_rate else None,
                "denominator": est.denominator,
                "counted": spec.n_unit,
                "unit": spec.unit,
            }
            for spec, est in results.key_figures
        ]
    )
    _sheet(
        workbook,
        "Chiffres clés",
        figures,
        {
            "label": "Chiffre clé",
            "kind": "Nature",
            "value": "Valeur",
            "low": "IC 95 % bas",
            "high": "IC 95 % haut",
            "numerator": "Numérateur (taux)",
            "denominator": "Effectif (n)",
            "counted": "Effectif compté en",
            "unit": "Unité",
        },
    )
    _sheet(
        workbook,
        "Classements",
        results.rankings,
        {
            "category": "Catégorie",
            "rank": "Rang",
            "structure": "Structure",
            "global": "Score",
            "score_low": "Score bas (90 %)",
            "score_high": "Score haut (90 %)",
            "rank_low": "Rang au mieux",
            "rank_high": "Rang au pire",
            "p_first": "Probabilité d'être 1er",
            "tied_with_leader": "Indiscernable du 1er",
            "eligible": "Éligible",
            "audits": "Audits",
        },
    )
    _sheet(
        workbook,
        "Catégories",
        results.categories,
        {
            "category": "Catégorie",
            "structures": "Structures",
            "mean": "Moyenne",
            "median": "Médiane",
            "q1": "1er quartile",
            "q3": "Seuil du quart supérieur",
            "mean_certified": "Moyenne labellisées",
            "mean_not_certified": "Moyenne non labellisées",
        },
    )
    _sheet(
        workbook,
        "Enquêteurs",
        results.auditors,
        {
            "auditor": "Enquêteur",
            "audits": "Audits",
            "mean_deviation": "Écart moyen",
            "low": "IC 95 % bas",
            "high": "IC 95 % haut",
            "flag": "Signalement",
        },
    )
    _sheet(
        workbook,
        "Accord",
        results.agreement,
        {
            "criterion": "Critère",
            "pairs": "Doubles codages",
            "agreement": "Accord observé",
            "kappa": "Kappa de Cohen (sans objet compris)",
            "pairs_applicable": "Doubles codages applicables",
            "agreement_applicable": "Accord observé (applicables)",
            "kappa_applicable": "Kappa de Cohen (paires applicables)",
        },
    )
    problem_rows = pl.DataFrame(
        [
            {"row": p.row, "column": p.column, "value": p.value, "message": p.message}
            for p in problems
        ]
        or None,
        schema={"row": pl.Int64, "column": pl.String, "value": pl.String, "message": pl.String},
    )
    _sheet(
        workbook,
        "Problèmes",
        problem_rows,
        {"row": "Ligne", "column": "Colonne", "value": "Valeur", "message": "Problème"},
    )
    workbook.close()
