"""A structure's published indicators in the shape of the Services Publics+ open-data
results (the portal's *export-resultats*), so that it can feed them to the national
platform, with the Table Schema that describes the file.

Only what the transparency page publishes goes out: the indicators the manager made
public, each with its latest year that has a publishable value (a small sample is left
out, as on the page)."""

import csv
import io
import json

from django.utils import timezone

from barometre.engine.tables import neutralize
from barometre.improvement import dashboard
from barometre.improvement.models import Indicator
from barometre.structures.models import Structure

UNITS = {
    Indicator.Unit.PERCENT: "%",
    Indicator.Unit.DAYS: "jours",
    Indicator.Unit.COUNT: "nombre",
}
FREQUENCIES = ["Mensuelle", "Trimestrielle", "Annuelle"]

# (name, type, French description, constraints): the columns of the SP+ results export.
SP_RESULTS_FIELDS = [
    (
        "code_sp_structure",
        "string",
        "Code de la structure sur la plateforme Services Publics+",
        {"required": True},
    ),
    ("intitule_de_la_structure", "string", "Nom de la structure", {"required": True}),
    ("typologie", "string", "Type de structure", {"required": True}),
    (
        "code_sp_de_l_indicateur",
        "string",
        "Code stable de l'indicateur dans la structure",
        {"required": True},
    ),
    (
        "titre_original_de_l_indicateur",
        "string",
        "Intitulé de l'indicateur tel que publié",
        {"required": True},
    ),
    (
        "valeur",
        "number",
        "Valeur de la dernière année publiable (point décimal)",
        {"required": True},
    ),
    ("unite", "string", "Unité de la valeur", {"required": True, "enum": list(UNITS.values())}),
    (
        "frequence",
        "string",
        "Période que couvre la valeur",
        {"required": True, "enum": FREQUENCIES},
    ),
    (
        "date_de_mise_a_jour",
        "date",
        "Date de mise à jour de la valeur (AAAA-MM-JJ)",
        {"required": True},
    ),
]


def sp_results_rows(structure: Structure) -> list[dict]:
    year = timezone.localdate().year
    years = [year - 2, year - 1, year]
    rows = []
    for row in dashboard.dashboard(structure, years, year):
        indicator = row.indicator
        if not indicator.public:
            continue
        published = [
            (y, cell)
            for y, cell in zip(years, row.cells, strict=True)
            if cell.value is not None and not cell.small
        ]
        if not published:
            continue
        last_year, cell = published[-1]
        rows.append(
            {
                "code_sp_structure": structure.sp_code,
                "intitule_de_la_structure": structure.name,
                "typologie": structure.get_kind_display(),
                "code_sp_de_l_indicateur": indicator.code,
                "titre_original_de_l_indicateur": indicator.label,
                "valeur": cell.exported(indicator.unit),
                "unite": UNITS[indicator.unit],
                "frequence": "Annuelle",
                "date_de_mise_a_jour": _updated(indicator, last_year).isoformat(),
            }
        )
    return rows


def _updated(indicator: Indicator, year: int):
    """When an entered value was last entered; a computed one is as of today."""
    entered = [v.entered_at for v in indicator.values.all() if v.year == year]
    return timezone.localtime(max(entered)).date() if entered else timezone.localdate()


def sp_results_csv(structure: Structure) -> bytes:
    """The file as the SP+ portal exports it: ``;`` between cells, a decimal point. Text
    that a spreadsheet would run as a formula is neutralised, as in every export."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([name for name, *_ in SP_RESULTS_FIELDS])
    for row in sp_results_rows(structure):
        writer.writerow([neutralize(row[name]) for name, *_ in SP_RESULTS_FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sp_results_schema() -> str:
    """Frictionless Table Schema of ``sp_results_csv``."""
    schema = {
        "title": "Résultats d'une structure au format Services Publics+",
        "fields": [
            {"name": name, "type": kind, "description": description, "constraints": constraints}
            for name, kind, description, constraints in SP_RESULTS_FIELDS
        ],
        "missingValues": [""],
        "primaryKey": ["code_sp_structure", "code_sp_de_l_indicateur"],
    }
    return json.dumps(schema, ensure_ascii=False, indent=2)
