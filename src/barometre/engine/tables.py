"""Reading spreadsheets the way French offices write them.

XLSX/XLS/ODS through python-calamine; CSV in UTF-8 (with or without BOM) or CP1252,
separated by ``;``, ``,`` or tabs. File-level problems raise :class:`TableError` with a
French message; row-level problems are collected as :class:`Problem` so that an import
can report all of them at once and write nothing.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from python_calamine import CalamineWorkbook

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
_OLE = b"\xd0\xcf\x11\xe0"


class TableError(Exception):
    """The file as a whole cannot be read as a table."""


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    value: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"ligne {self.row}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        prefix = ", ".join(where)
        shown = f" (valeur « {self.value} »)" if self.value else ""
        return f"{prefix.capitalize()}{shown} : {self.message}" if prefix else self.message


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, object]]]
    problems: list[Problem] = field(default_factory=list)
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


def read_table(content: bytes, filename: str = "", *, max_bytes: int) -> Table:
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
        return _read_workbook(content)
    if b"\x00" in content[:4096]:
        raise TableError(
            "Ce fichier contient des données binaires, ce n'est pas un tableur : "
            "envoyez un fichier XLSX ou CSV."
        )
    return _read_csv(content)


def _read_workbook(content: bytes) -> Table:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not workbook.sheet_names:
            raise TableError("Le classeur ne contient aucune feuille.")
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except TableError:
        raise
    except Exception:
        raise TableError(
            "Le classeur est illisible ou endommagé (ni XLSX, ni XLS, ni ODS valide)."
        ) from None
    return _build_table([list(r) for r in rows], "xlsx")


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _guess_separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ";"


def _read_csv(content: bytes) -> Table:
    text = _decode(content)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    separator = _guess_separator(first_line)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as exc:
        raise TableError(f"Le fichier CSV est mal formé : {exc}.") from None
    return _build_table(rows, "csv")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _build_table(raw_rows: list[list[object]], fmt: str) -> Table:
    # Skip blank lines above the header, as spreadsheet users often leave some.
    start = 0
    while start < len(raw_rows) and all(_blank(v) for v in raw_rows[start]):
        start += 1
    if start == len(raw_rows):
        raise TableError("Le fichier ne contient aucune donnée (ni en-tête, ni ligne).")
    header = raw_rows[start]
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
        extra = [v for v in raw[len(columns) :] if not _blank(v)]
        if extra:
            table.problems.append(
                Problem(
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

_NEUTRALIZED = re.compile(r"^'(?=[=+\-@])")


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


def parse_decimal(value: object) -> Decimal | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = re.sub(r"[\s\u202f]", "", cell_text(value)).replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError("nombre attendu (virgule décimale acceptée)") from None


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
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
