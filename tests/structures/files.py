"""Builders for spreadsheet files as users produce them."""

import io

from openpyxl import Workbook

HEADER = [
    "identifiant",
    "nom",
    "type",
    "departement",
    "population",
    "commune",
    "telephone",
    "courriel",
    "label_marianne",
]
ROWS = [
    [
        "45234",
        "Mairie d'Orléans",
        "Commune",
        "45",
        "116 617",
        "Orléans",
        "02 38 79 22 22",
        "accueil@orleans.example.fr",
        "15/03/2021",
    ],
    ["57463", "Ville de Metz", "commune", "57", "121000", "Metz", "+33 3 87 55 50 00", "", ""],
    [
        "13000548700017",
        "Préfecture du Loiret",
        "Préfecture",
        "45",
        "",
        "Orléans",
        "02 38 81 40 00",
        "pref-qualite@example.fr | accueil@example.fr",
        "",
    ],
]


def csv_bytes(rows=None, header=None, *, sep=";", encoding="utf-8", bom=False) -> bytes:
    lines = [sep.join(header or HEADER)] + [sep.join(r) for r in (rows or ROWS)]
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows=None, header=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER)
    for row in rows or ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
