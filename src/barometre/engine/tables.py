"""Reading spreadsheets the way French offices write them.

XLSX/XLS/ODS through python-calamine; CSV in UTF-8 (with or without BOM) or CP1252,
separated by ``;``, ``,`` or tabs. File-level problems raise :class:`TableError` with a
French message; row-level problems are collected as :class:`InputProblem` so that an import
can report all of them at once and write nothing.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from barometre.engine.errors import InputProblem, TableError
from barometre.engine.extent import check_workbook_extent
from barometre.engine.sandbox import read_workbook_rows

# TableError is defined in engine.errors and re-exported here: the apps that read a table
# catch it from the module they read with.
__all__ = [
    "DEFAULT_MAX_CELLS",
    "DEFAULT_MAX_ROWS",
    "MAX_CELL_CHARS",
    "Table",
    "TableError",
    "cell_text",
    "check_table",
    "neutralize",
    "normalize_header",
    "parse_date",
    "parse_int",
    "read_table",
    "size_label",
]

_SIGNATURES = {
    b"%PDF": "un document PDF",
    b"\x89PNG": "une image PNG",
    b"\xff\xd8\xff": "une image JPEG",
    b"GIF8": "une image GIF",
    b"\x7fELF": "un programme exécutable",
    b"MZ": "un programme exécutable Windows",
    b"\x1f\x8b": "une archive compressée gzip",
}
_ZIP = b"PK\x03\x04"
# Limits of one import (the platform passes its settings, see docs/configuration.md).
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_CELLS = 2_000_000
# Excel's own limit for the text of one cell.
MAX_CELL_CHARS = 32_767
_OLE = b"\xd0\xcf\x11\xe0"


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, object]]]
    problems: list[InputProblem] = field(default_factory=list)
    format: str = "csv"


def normalize_header(name: object) -> str:
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return text


def size_label(n: int) -> str:
    if n < 1024:
        return f"{n} octets"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} Ko".replace(".", ",")
    return f"{n / (1024 * 1024):.1f} Mo".replace(".", ",")


def check_table(
    content: bytes,
    *,
    max_bytes: int,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> bool:
    """Everything that can be known of a file without reading it, raised as TableError:
    emptiness, size, a known non-table signature, and the extent of a workbook (see
    engine/extent.py). Cheap: an upload is checked before it is stored. Returns whether
    the file is a workbook (otherwise it is read as CSV)."""
    if not content:
        raise TableError("Le fichier est vide.")
    if len(content) > max_bytes:
        raise TableError(
            f"Le fichier pèse {size_label(len(content))}, au-delà de la limite de "
            f"{size_label(max_bytes)}."
        )
    head = content[:8]
    for signature, what in _SIGNATURES.items():
        if head.startswith(signature):
            raise TableError(
                f"Ce fichier est {what}, pas un tableur : envoyez un fichier XLSX ou CSV."
            )
    if head.startswith(_ZIP) or head.startswith(_OLE):
        check_workbook_extent(content, max_rows=max_rows, max_cells=max_cells)
        return True
    if b"\x00" in content[:4096]:
        raise TableError(
            "Ce fichier contient des données binaires, ce n'est pas un tableur : "
            "envoyez un fichier XLSX ou CSV."
        )
    return False


def read_table(
    content: bytes,
    filename: str = "",
    *,
    max_bytes: int,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> Table:
    """Read the first sheet of a workbook, or a CSV file. The file is measured before it
    is read: more than ``max_rows`` rows (header included) or ``max_cells`` cells is
    refused with a TableError, so that no reader ever allocates for a bomb; and a
    workbook is read by calamine in a child process under resource limits
    (engine/sandbox.py), so that a file the measure did not foresee fails this import
    alone, with a French message naming the file."""
    limits = {"max_rows": max_rows, "max_cells": max_cells}
    if check_table(content, max_bytes=max_bytes, **limits):
        return _read_workbook(content, filename)
    return _read_csv(content, **limits)


def _read_workbook(content: bytes, filename: str) -> Table:
    rows = read_workbook_rows(content, filename)
    if rows is None:
        raise TableError("Le classeur ne contient aucune feuille.")
    return _build_table(rows, "xlsx")


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    _refuse_mixed_encodings(content)
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


_ENCODINGS = {True: "UTF-8", False: "Windows-1252 (ANSI)"}


def _refuse_mixed_encodings(content: bytes) -> None:
    """The file is not UTF-8 as a whole. If some of its accented lines are, it mixes two
    encodings (rows pasted from two sources): decoding it all as CP1252 would store
    « SÃ©lestat ». Name the first line whose encoding differs from the lines above it."""
    first: tuple[int, bool] | None = None
    for number, line in enumerate(content.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError:
            utf8 = False
        if first is None:
            first = (number, utf8)
        elif utf8 != first[1]:
            raise TableError(
                f"Le fichier mélange deux encodages : la ligne {number} est en "
                f"{_ENCODINGS[utf8]}, alors que les lignes accentuées précédentes (dès la "
                f"ligne {first[0]}) sont en {_ENCODINGS[first[1]]}. Rien n'a été lu : "
                "enregistrez tout le fichier dans un seul encodage (« CSV UTF-8 » "
                "conseillé) et envoyez-le de nouveau."
            )


def _guess_separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ";"


def _read_csv(content: bytes, *, max_rows: int, max_cells: int) -> Table:
    text = _decode(content)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    separator = _guess_separator(first_line)
    # The csv module's own limit (131 072 characters, process-wide) fails with an English
    # message that names no cell; it is raised to the file's size, never lowered, and
    # _build_table refuses long cells by row and column against MAX_CELL_CHARS.
    if csv.field_size_limit() <= len(text):
        csv.field_size_limit(len(text) + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in reader:
            rows.append(row)
            cells += len(row)
            if len(rows) > max_rows:
                raise TableError(
                    f"Le fichier dépasse la limite de {_number(max_rows)} lignes par import "
                    "(en-tête compris) : rien n'a été lu ni enregistré. Découpez le fichier."
                )
            if cells > max_cells:
                raise TableError(
                    f"Le fichier dépasse la limite de {_number(max_cells)} cellules par import "
                    f"(atteinte à la ligne {reader.line_num}) : rien n'a été lu ni enregistré. "
                    "Découpez le fichier."
                )
    except csv.Error:  # the module is lenient: hardly anything is left to fail here
        raise TableError(
            f"Le fichier CSV est mal formé à la ligne {reader.line_num} (guillemets ou "
            "séparateurs incohérents)."
        ) from None
    return _build_table(rows, "csv")


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _long_cell(row: int, raw: Sequence[object], columns: list[str]) -> InputProblem | None:
    for index, value in enumerate(raw):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            column = columns[index] if index < len(columns) else f"n° {index + 1}"
            return InputProblem(
                row,
                column,
                "",
                f"la cellule contient {_number(len(value))} caractères, au-delà de la limite "
                f"de {_number(MAX_CELL_CHARS)} caractères par cellule",
            )
    return None


def _build_table(raw_rows: Sequence[Sequence[object]], fmt: str) -> Table:
    # Skip blank lines above the header, as spreadsheet users often leave some.
    start = 0
    while start < len(raw_rows) and all(_blank(v) for v in raw_rows[start]):
        start += 1
    if start == len(raw_rows):
        raise TableError("Le fichier ne contient aucune donnée (ni en-tête, ni ligne).")
    header = raw_rows[start]
    if long := _long_cell(start + 1, header, []):
        raise TableError(str(long))
    while header and _blank(header[-1]):
        header = header[:-1]
    columns = [normalize_header(h) for h in header]
    seen: set[str] = set()
    for index, name in enumerate(columns):
        if not name:
            raise TableError(f"La colonne n° {index + 1} de l'en-tête n'a pas de nom.")
        if name in seen:
            raise TableError(f"La colonne « {name} » apparaît deux fois dans l'en-tête.")
        seen.add(name)
    table = Table(columns=columns, rows=[], format=fmt)
    for offset, raw in enumerate(raw_rows[start + 1 :], start=start + 2):
        if all(_blank(v) for v in raw):
            continue
        if long := _long_cell(offset, raw, columns):
            table.problems.append(long)
            continue
        extra = [v for v in raw[len(columns) :] if not _blank(v)]
        if extra:
            table.problems.append(
                InputProblem(
                    offset,
                    None,
                    "",
                    f"la ligne a {len(columns) + len(extra)} cellules remplies pour "
                    f"{len(columns)} colonnes d'en-tête (séparateur ou guillemets en trop ?)",
                )
            )
            continue
        values = {name: (raw[i] if i < len(raw) else None) for i, name in enumerate(columns)}
        table.rows.append((offset, values))
    return table


# Cell parsers: they accept what spreadsheets hold (typed values from XLSX, text from CSV)
# and raise ValueError with a French reason.

# One apostrophe before what a spreadsheet would run (``'=SOMME(A1)``), or before a text
# that itself starts with such an apostrophe (``''-`` is the text ``'-``).
_NEUTRALIZED = re.compile(r"^'(?='*[=+\-@])")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u00a0", " ").strip()
    # Undo the protection our exports add against formula injection.
    return _NEUTRALIZED.sub("", text)


def parse_int(value: object) -> int | None:
    if isinstance(value, bool):
        raise ValueError("nombre entier attendu")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("nombre entier attendu")
        return int(value)
    text = re.sub(r"[\s\u202f]", "", cell_text(value))
    if not text:
        return None
    text = re.sub(r",0+$", "", text)
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError("nombre entier attendu")
    return int(text)


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("date attendue au format jj/mm/aaaa")


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Protect a cell against formula injection (OWASP: prefix with an apostrophe);
    ``cell_text`` removes that apostrophe again when the file comes back."""
    if isinstance(value, str) and (
        value.startswith(_FORMULA_STARTS) or _NEUTRALIZED.match(value) is not None
    ):
        return "'" + value  # a text such as « '- » keeps its apostrophe through the round trip
    return value
