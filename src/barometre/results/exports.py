"""Exports of a result set (columns declared as data) and the open-data aggregates.

XLSX by default (one sheet per table); CSV on request as a ZIP of one file per table
(UTF-8 with BOM, ``;``, decimal comma). Text cells are neutralised against formulas.
Scores, points, coverage, probabilities and interval bounds are exported to 4 decimals
(the stored values keep the engine's precision). The open data holds only published,
national aggregates: no structure is identified."""

import json
import zipfile
from collections.abc import Iterable, Iterator

from django.utils import timezone

from barometre.core.exporting import Column, csv_chunks, write_csv, write_xlsx_sheets
from barometre.core.figures import round_half_up
from barometre.results import figures, publication, stored
from barometre.results.models import ResultSet
from barometre.results.palmares import palmares
from barometre.results.stored import MeanKey, ScoredPart


def _col(header: str, key: str) -> Column:
    return Column(header, lambda row: row.get(key))


# Rows are read from the database in chunks as the file is written: memory does not grow
# with the number of structures (issue 22, item 4). Each long table reads one part of the
# results' ``details`` only, by the database's JSON key lookup.
CHUNK = 500
# Scores and bounds are stored as computed (float32 noise included: 60.17803192138672);
# a cell shows them to this many decimals.
DECIMALS = 4


def _exported(value: float | None) -> float | None:
    return _published(value, DECIMALS)


def _long(
    result_set: ResultSet, part: ScoredPart, label: str, labels: dict[str, str]
) -> Iterator[dict]:
    """One row per structure and grid item (channel, stage, determinant or criterion): its
    id, as in the grid, and its French label."""
    rows = (
        result_set.structures.order_by("structure__name", "structure_id")
        .values_list("structure__identifier", "structure__name", stored.detail_lookup(part))
        .iterator(chunk_size=CHUNK)
    )
    for identifier, name, scores in rows:
        for key, score in sorted((scores or {}).items()):
            yield {
                "identifiant": identifier,
                "structure": name,
                label: key,
                "libelle": labels.get(key, ""),
                "score": _exported(score),
            }


def _structure_row(r) -> dict:
    # A score over fewer audits than the minimum is not exported as if it were large.
    score = figures.structure_score(r)
    return {
        "identifiant": r.structure.identifier,
        "structure": r.structure.name,
        "categorie": r.category,
        "score": score.exported(_exported(r.score)),
        "bas": score.exported(_exported(r.score_low)),
        "haut": score.exported(_exported(r.score_high)),
        "audits": r.audits,
        "couverture": _exported(r.coverage),
        "rang": r.rank,
        "rang_bas": r.rank_low,
        "rang_haut": r.rank_high,
        "p_premier": _exported(r.p_first),
        "indiscernable": r.tied_with_leader,
        "eligible": r.eligible,
    }


def _figure_row(f) -> dict:
    return {
        "label": f.label,
        "kind": {"rate": "taux", "mean": "moyenne"}[f.kind],
        "value": f.exported(_exported(f.value)),
        "low": None if f.small else _exported(f.low),
        "high": None if f.small else _exported(f.high),
        "numerator": f.numerator,
        "n": f.n,
        "n_unit": f.n_unit,
        "unit": f.unit or "part (0 à 1)",
    }


def _palmares_rows(result_set: ResultSet) -> Iterator[dict]:
    """The public palmarès as ``results.palmares`` decides it: per category in rank
    order, the ranked structures that accepted publication, with their distinction
    (« Lauréat », « 2e de sa catégorie », « 3e de sa catégorie », « Mention du jury ») and
    the jury's note for the laureate. Its rankings are already in memory (without the
    results' details): the rows are made from them rather than read a second time."""
    for category in palmares(result_set, public=True):
        for r in category.participants:
            yield {
                **_structure_row(r),
                "rang": None,
                "distinction": "Participante (catégorie trop petite pour un classement)",
                "note_du_jury": "",
            }
        awards = {a.result.structure_id: a for a in category.awards}
        for r in category.ranking:
            award = awards.get(r.structure_id)
            yield {
                **_structure_row(r),
                "distinction": (
                    f"{award.title} ({award.choice})"
                    if award and award.choice
                    else award.title
                    if award
                    else ""
                ),
                "note_du_jury": award.jury_note if award else "",
            }


def tables(result_set: ResultSet) -> list[tuple[str, list[Column], Iterable[object]]]:
    """The tables of the export, each row read as it is written (generators: each
    table is read once)."""
    light = result_set.structures.select_related("structure").defer("details")
    structures = (_structure_row(r) for r in light.iterator(chunk_size=CHUNK))
    structure_cols = [
        _col(h, k)
        for h, k in [
            ("identifiant", "identifiant"),
            ("structure", "structure"),
            ("categorie", "categorie"),
            ("score_sur_100", "score"),
            ("intervalle_90_bas", "bas"),
            ("intervalle_90_haut", "haut"),
            ("audits", "audits"),
            ("couverture", "couverture"),
            ("rang", "rang"),
            ("rang_au_mieux", "rang_bas"),
            ("rang_au_pire", "rang_haut"),
            ("probabilite_premier", "p_premier"),
            ("indiscernable_du_premier", "indiscernable"),
            ("eligible", "eligible"),
        ]
    ]
    palmares_cols = [
        _col(h, k)
        for h, k in [
            ("categorie", "categorie"),
            ("rang", "rang"),
            ("identifiant", "identifiant"),
            ("structure", "structure"),
            ("score_sur_100", "score"),
            ("intervalle_90_bas", "bas"),
            ("intervalle_90_haut", "haut"),
            ("audits", "audits"),
            ("distinction", "distinction"),
            ("note_du_jury", "note_du_jury"),
        ]
    ]
    grid = result_set.grid.parsed()

    def long_cols(label):
        return [
            _col("identifiant", "identifiant"),
            _col("structure", "structure"),
            _col(label, label),
            _col("libelle", "libelle"),
            _col("score_sur_100", "score"),
        ]

    def long_table(title: str, part: ScoredPart, label: str, items) -> tuple:
        labels = {item.id: item.label for item in items}
        columns = long_cols(label)
        if part == "criteria":
            columns = [*columns[:4], _col("points_0_a_1", "score")]
        return (title, columns, _long(result_set, part, label, labels))

    figures_cols = [
        _col(h, k)
        for h, k in [
            ("indicateur", "label"),
            ("nature", "kind"),
            ("valeur", "value"),
            ("ic95_bas", "low"),
            ("ic95_haut", "high"),
            ("numerateur", "numerator"),
            ("effectif", "n"),
            ("effectif_compte", "n_unit"),
            ("unite", "unit"),
        ]
    ]
    return [
        ("Structures", structure_cols, structures),
        long_table("Canaux", "channels", "canal", grid.channels),
        long_table("Étapes", "stages", "etape", grid.stages),
        long_table("Déterminants", "determinants", "determinant", grid.determinants),
        long_table("Critères", "criteria", "critere", grid.criteria),
        ("Chiffres clés", figures_cols, map(_figure_row, publication.key_figures(result_set))),
        ("Palmarès", palmares_cols, _palmares_rows(result_set)),
    ]


def _csv_name(title: str) -> str:
    return title.lower().replace("é", "e").replace("è", "e").replace(" ", "-") + ".csv"


def rows_estimate(result_set: ResultSet) -> int:
    """About as many rows as the workbook has: per structure, its own row and one per
    channel, stage, determinant and criterion of the grid."""
    grid = result_set.grid.parsed()
    per_structure = 2 + len(grid.channel_ids) + len(grid.criteria)
    return result_set.structures.count() * per_structure


def result_sheets(result_set_id: int) -> list:
    """The sheets of the XLSX export (``core.deferred`` builds a large one in the
    background from this)."""
    return tables(ResultSet.objects.select_related("edition", "grid").get(pk=result_set_id))


def export_results(result_set: ResultSet, fmt: str = "xlsx") -> bytes:
    if fmt != "csv":
        return write_xlsx_sheets(tables(result_set))
    return b"".join(results_csv_zip_chunks(result_set))


class _Outbox:
    """A write-only file whose written bytes are taken out as they come (``zipfile``
    writes a stream without seeking: each member's sizes follow its data)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def results_csv_zip_chunks(result_set: ResultSet) -> Iterator[bytes]:
    """The ZIP of one CSV file per table, in chunks as it is written, for a streamed
    response: the first bytes leave before the last tables are written."""
    outbox = _Outbox()
    # Opened by name, a member would be dated 01/01/1980: date it when it is written.
    written = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(outbox, "w", zipfile.ZIP_DEFLATED) as archive:
        for title, columns, rows in tables(result_set):
            entry = zipfile.ZipInfo(_csv_name(title), date_time=written)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(entry, "w") as member:
                for chunk in csv_chunks(columns, rows):
                    member.write(chunk)
                    yield outbox.take()
    yield outbox.take()


# Open data: one row per (category, figure) of a published national result set.
OPEN_DATA_FIELDS = [
    ("edition", "string", "Nom de l'édition du baromètre"),
    ("annee", "integer", "Année de l'édition"),
    ("version", "integer", "Version publiée des résultats"),
    ("perimetre", "string", "« national » ou nom de la catégorie de structures"),
    ("indicateur", "string", "Identifiant stable de l'indicateur"),
    ("libelle", "string", "Libellé de l'indicateur"),
    ("valeur", "number", "Valeur (part entre 0 et 1, score sur 100 ou moyenne)"),
    (
        "ic95_bas",
        "number",
        "Borne basse de l'intervalle de confiance à 95 % (chiffres clés et "
        "scores moyens ; vide sinon)",
    ),
    ("ic95_haut", "number", "Borne haute de l'intervalle de confiance à 95 % (vide si sans objet)"),
    (
        "effectif",
        "integer",
        "Nombre d'observations sur lequel porte la valeur (appels, courriels, structures…)",
    ),
    (
        "diffusion",
        "string",
        "Vide si la valeur est publiée ; « effectif insuffisant (n = …) » "
        "quand l'effectif est sous le minimum de publication (valeur et intervalle vides)",
    ),
]
_STATS: list[tuple[MeanKey, str, str]] = [
    ("mean", "score_moyen", "Score moyen sur 100"),
    ("median", "score_median", "Score médian sur 100"),
    ("q3", "seuil_quart_superieur", "Seuil du quart supérieur (3e quartile)"),
    ("mean_certified", "score_moyen_labellisees", "Score moyen des structures labellisées"),
    (
        "mean_not_certified",
        "score_moyen_non_labellisees",
        "Score moyen des structures non labellisées",
    ),
]


def _published(value, decimals: int):
    return None if value is None else float(round_half_up(value, decimals))


def _open_row(base: dict, scope: str, code: str, label: str, figure, decimals: int) -> dict:
    small = figure.small
    return {
        **base,
        "perimetre": scope,
        "indicateur": code,
        "libelle": label,
        "valeur": None if small else _published(figure.value, decimals),
        "ic95_bas": None if small else _published(figure.low, decimals),
        "ic95_haut": None if small else _published(figure.high, decimals),
        "effectif": figure.n,
        "diffusion": figure.public if small else "",
    }


def open_data_rows(result_set: ResultSet) -> list[dict]:
    """Each value with the number of observations it was computed from: the certified mean
    counts the certified structures, a rate its denominator. A category with fewer
    structures than the minimum is left out: its aggregates would all but name them."""
    edition = result_set.edition
    base = {"edition": edition.name, "annee": edition.year, "version": result_set.version}
    intervals = figures.mean_intervals(result_set.structures.values_list("category", "score"))
    rows = []
    for stats in publication.category_rows(result_set):
        scope = "national" if stats["category"] == "(national)" else stats["category"]
        if not stats["published"]:
            continue
        for key, code, label in _STATS:
            if stats.get(key) is not None:
                interval = intervals.get(stats["category"]) if key == "mean" else None
                figure = figures.category_mean(stats, key, interval=interval)
                rows.append(_open_row(base, scope, code, label, figure, 2))
    for figure in publication.key_figures(result_set):
        rows.append(
            _open_row(
                base, "national", figure.id, figure.label, figure, 4 if figure.kind == "rate" else 2
            )
        )
    return rows


def open_data_csv(result_set: ResultSet) -> bytes:
    columns = [_col(name, name) for name, _, _ in OPEN_DATA_FIELDS]
    return write_csv(columns, open_data_rows(result_set))


def table_schema() -> str:
    """Frictionless Table Schema of the open-data CSV."""
    schema = {
        "fields": [
            {"name": name, "type": kind, "description": description}
            # The CSV is written the French way: decimal comma, ";" between cells.
            | ({"decimalChar": ","} if kind == "number" else {})
            for name, kind, description in OPEN_DATA_FIELDS
        ],
        "missingValues": [""],
        "primaryKey": ["perimetre", "indicateur"],
    }
    return json.dumps(schema, ensure_ascii=False, indent=2)
