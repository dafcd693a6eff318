"""Measuring a workbook before reading it.

calamine allocates, in Rust, the whole rectangle from A1 to the farthest filled cell of a
sheet at once; a failed allocation aborts the process, which Python cannot catch. An XLSX
of two kilobytes whose only far cell is XFD1048576 asks for 512 Go. So the sheet that will
be read is measured first, streamed from the zip chunk by chunk (constant memory), and
refused as soon as it passes the row or cell limit. The declared ``<dimension ref>`` gives
a quick refusal but is never trusted: the filled cells are measured too, so a sheet whose
dimension is absent or lies is caught all the same.

- XLSX: cells carrying their reference first are measured from the references alone, by
  regular expressions (``_XlsxScan``); a sheet with any other cell goes through expat
  (``_XlsxSheet``), which places cells as a reader does.
- ODS: expat, expanding repeated rows and cells (``_OdsTable``).
- XLS (BIFF8): the cell records of the first sheet (``_check_xls``).
"""

import io
import re
import struct
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Protocol
from xml.parsers import expat

from barometre.engine.errors import TableError

# The uncompressed XML of the sheet read (with its shared strings) may hold this many bytes
# per cell allowed: beyond, the file is a decompression bomb rather than a table.
BYTES_PER_CELL = 100
_CHUNK = 1024 * 1024
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def column_letters(index: int) -> str:
    """1 → A, 16384 → XFD."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


_REFERENCE = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})$")


def _parse_reference(reference: str) -> tuple[int, int] | None:
    """``XFD1048576`` → (row 1048576, column 16384); None when not a cell reference."""
    found = _REFERENCE.match(reference.strip().upper())
    if not found:
        return None
    return int(found.group(2)), _column_index(found.group(1))


class _Extent:
    """The farthest filled row and column seen so far, refused past the limits."""

    def __init__(self, *, max_rows: int, max_cells: int, declared: bool = False):
        self.max_rows = max_rows
        self.max_cells = max_cells
        self.rows = 0
        self.columns = 0
        self.cells = 0
        self.what = "déclare s'étendre" if declared else "s'étend"

    def reach(self, row: int, column: int, count: int = 1) -> None:
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)
        self.cells += count
        area = self.rows * self.columns
        if self.rows <= self.max_rows and max(area, self.cells) <= self.max_cells:
            return
        corner = f"{column_letters(self.columns)}{self.rows}"
        if self.rows > self.max_rows:
            raise TableError(
                f"La feuille lue {self.what} jusqu'à la ligne {_number(self.rows)} "
                f"(cellule {corner}), au-delà de la limite de {_number(self.max_rows)} "
                "lignes par import : rien n'a été lu ni enregistré. Supprimez les lignes "
                "remplies sous le tableau, ou découpez le fichier."
            )
        raise TableError(
            f"La feuille lue {self.what} jusqu'à la cellule {corner}, soit "
            f"{_number(max(area, self.cells))} cellules à lire, au-delà de la limite de "
            f"{_number(self.max_cells)} cellules par import : rien n'a été lu ni "
            "enregistré. Supprimez les cellules remplies hors du tableau, ou découpez "
            "le fichier."
        )


def check_workbook_extent(content: bytes, *, max_rows: int, max_cells: int) -> None:
    """Raise TableError (French) when the first sheet of this XLSX/ODS/XLS workbook would
    exceed ``max_rows`` rows or ``max_cells`` cells once read; read nothing otherwise."""
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        _check_xls(content, max_rows=max_rows, max_cells=max_cells)
        return
    damaged = TableError("Le classeur est illisible ou endommagé (ni XLSX, ni XLS, ni ODS valide).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = _Parts(archive)
    except (zipfile.BadZipFile, ValueError):
        raise damaged from None
    budget = max_cells * BYTES_PER_CELL
    if parts.get("xl/workbook.bin"):
        raise _XLSB
    measured = False
    if parts.get("_rels/.rels") or parts.get("xl/workbook.xml"):
        measured = True
        sheets, strings = _xlsx_parts(parts)
        for sheet in sheets:
            try:
                extent = _Extent(max_rows=max_rows, max_cells=max_cells)
                budget = _stream(archive, sheet, _XlsxScan(extent), budget)
            except _NeedsParser:
                extent = _Extent(max_rows=max_rows, max_cells=max_cells)
                budget = _stream(archive, sheet, _XlsxSheet(extent).parser(), budget)
        for part in strings:
            extent = _Extent(max_rows=max_rows, max_cells=max_cells)
            budget = _stream(archive, part, _SharedStringsScan(extent), budget)
    # Also when the file is an XLSX too: a reader that fails on one format tries the next.
    content_part = parts.get("content.xml")
    if content_part and _is_ods(archive, parts):
        measured = True
        extent = _Extent(max_rows=max_rows, max_cells=max_cells)
        _stream(archive, content_part, _OdsTable(extent).parser(), budget)
    if not measured:
        raise damaged


_XLSB = TableError(
    "Les classeurs binaires Excel (XLSB) ne sont pas acceptés : enregistrez le "
    "fichier au format XLSX."
)


def _unusual(what: str) -> TableError:
    return TableError(
        f"Le classeur est organisé de façon inhabituelle ({what}) : il n'a pas été lu. "
        "Ouvrez-le dans votre tableur et enregistrez-le de nouveau au format XLSX."
    )


class _Parts:
    """The members of the zip as the reader finds them: calamine looks a part up by its
    name compared without case, backslashes read as slashes. Two members that are one
    name for it are refused: the measure could read one and the reader the other."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names: dict[str, str] = {}
        for name in archive.namelist():
            key = _key(name)
            if key in self.names:
                twins = f"« {name} »"
                if self.names[key] != name:
                    twins = f"« {self.names[key]} » et « {name} » (à la casse près)"
                raise TableError(
                    f"Le classeur contient deux parties du même nom, {twins} : il n'a pas "
                    "été lu. Ouvrez-le dans votre tableur et enregistrez-le de nouveau."
                )
            self.names[key] = name

    def get(self, path: str) -> str | None:
        """The member a reader opens for this part path, or None."""
        return self.names.get(_key(path))


def _key(name: str) -> str:
    return name.replace("\\", "/").lower()


_WORKBOOK = "xl/workbook.xml"
# Relationship types end with these names, whatever the schema version before them.
_OFFICE_DOCUMENT = "/officedocument"
_SHARED_STRINGS = "/sharedstrings"


def _xlsx_parts(parts: _Parts) -> tuple[list[str], list[str]]:
    """The members an XLSX reader may take for the first sheet and for the shared strings.

    The workbook is the one ``_rels/.rels`` points to (the reader follows it); only the
    usual ``xl/workbook.xml`` is accepted, as readers that ignore ``_rels/.rels`` read
    that one. A target that readers resolve in different ways is measured in each."""
    package = parts.get("_rels/.rels")
    if not package:
        raise _unusual("la partie « _rels/.rels » manque")
    targets = [t for kind, _, t in _relationships(parts, package) if kind == _OFFICE_DOCUMENT]
    if len(targets) != 1:
        raise _unusual(f"{len(targets)} documents principaux déclarés au lieu d'un")
    if targets[0].lower().endswith(".bin"):
        raise _XLSB
    if targets[0].removeprefix("/").lower() != _WORKBOOK:
        raise _unusual(f"son classeur est « {targets[0]} » au lieu de « {_WORKBOOK} »")
    workbook = parts.get(_WORKBOOK)
    if not workbook:
        raise _unusual(f"la partie « {_WORKBOOK} » manque")
    sheet_ids = _sheet_ids(parts, workbook)
    if not sheet_ids:
        raise TableError("Le classeur ne contient aucune feuille.")
    relations = parts.get("xl/_rels/workbook.xml.rels")
    found = _relationships(parts, relations) if relations else []
    first = [target for _, rid, target in found if rid == sheet_ids[0]]
    sheets = [m for target in first[:1] for p in _readings(target) if (m := parts.get(p))]
    if not sheets:
        raise TableError("Le classeur est illisible ou endommagé (ni XLSX, ni XLS, ni ODS valide).")
    strings = {m for p in ["xl/sharedStrings.xml"] if (m := parts.get(p))}
    for kind, _, target in found:
        if kind == _SHARED_STRINGS:
            strings |= {m for p in _readings(target) if (m := parts.get(p))}
    return list(dict.fromkeys(sheets)), sorted(strings)


def _readings(target: str) -> set[str]:
    """The part paths readers make of a target of ``xl/_rels/workbook.xml.rels``: relative
    to ``xl/`` as the standard says, or kept as it is when it starts with ``xl/`` as
    calamine does. Dots and backslashes, which a reader may or may not resolve, are
    refused."""
    segments = target.replace("\\", "/").split("/")
    if "\\" in target or "." in segments or ".." in segments:
        raise _unusual(f"une partie désignée par « {target} »")
    if target.startswith("/"):
        return {target[1:]}
    readings = {f"xl/{target}"}
    if target.lower().startswith("xl/"):
        readings.add(target)
    return readings


def _relationships(parts: _Parts, member: str) -> list[tuple[str, str, str]]:
    """(type's last segment in lower case, id, target) of each relationship of a part."""
    found: list[tuple[str, str, str]] = []
    parser = _parser()

    def on_relation(name: str, attributes: dict[str, str]) -> None:
        if _local(name) == "Relationship":
            values = _attributes(attributes)
            kind = values.get("Type", "").lower()
            found.append((kind[kind.rfind("/") :], values.get("Id", ""), values.get("Target", "")))

    parser.StartElementHandler = on_relation
    _stream(parts.archive, member, parser, 16 * _CHUNK)
    return found


def _sheet_ids(parts: _Parts, workbook: str) -> list[str]:
    """The relationship ids of the sheets, in the workbook's order: the first is read."""
    sheet_ids: list[str] = []
    parser = _parser()

    def on_workbook(name: str, attributes: dict[str, str]) -> None:
        if _local(name) == "sheet":
            sheet_ids.append(_attributes(attributes).get("id", ""))

    parser.StartElementHandler = on_workbook
    _stream(parts.archive, workbook, parser, 16 * _CHUNK)
    return sheet_ids


def _is_ods(archive: zipfile.ZipFile, parts: _Parts) -> bool:
    mimetype = parts.get("mimetype")
    return not mimetype or archive.read(mimetype)[:100].startswith(_ODS_MIME)


def _parser(*, namespaces: bool = True) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" " if namespaces else None)

    def refuse(*_args: object) -> None:
        # Spreadsheet XML never declares a DOCTYPE: one here is an entity bomb.
        raise TableError("Le classeur contient une déclaration XML interdite (DOCTYPE).")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _attributes(attributes: dict[str, str]) -> dict[str, str]:
    return {_local(k): v for k, v in attributes.items()}


class _Feedable(Protocol):
    """What ``_stream`` feeds: an expat parser or one of the quick scans below."""

    def Parse(self, chunk: bytes, final: bool, /) -> object: ...


def _stream(archive: zipfile.ZipFile, name: str, parser: _Feedable, budget: int) -> int:
    """Feed one zip member to ``parser`` chunk by chunk; return the budget left."""
    try:
        with archive.open(name) as member:
            while chunk := member.read(_CHUNK):
                budget -= len(chunk)
                if budget < 0:
                    raise TableError(
                        "Le classeur décompressé est démesuré au regard de la limite de "
                        "cellules par import : rien n'a été lu ni enregistré."
                    )
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, KeyError, OSError, EOFError):
        raise TableError(
            "Le classeur est illisible ou endommagé (ni XLSX, ni XLS, ni ODS valide)."
        ) from None
    return budget


class _NeedsParser(Exception):
    """The quick scan met a cell it cannot place by itself: measure with the parser."""


_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_CELL_TAG = re.compile(rb"<" + _PREFIX + rb"c[\s/>]")
# The reference first, as every common writer puts it; any other cell (reference later or
# absent, prefixed tag) makes the counts differ and the sheet goes to the parser.
_CELL_REFERENCE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>')
_STRING_TAG = re.compile(rb"<" + _PREFIX + rb"si[\s/>]")
_DIMENSION = re.compile(rb"<" + _PREFIX + rb'dimension\s[^>]*?\bref="([^"]{1,40})"')
_DECLARATION = re.compile(rb"<!DOCTYPE|<!ENTITY")


class _Scan(ABC):
    """Regular expressions over the XML, chunk by chunk, counted in C: ten times faster
    than calling Python for every element, which a sheet of a million cells needs."""

    def __init__(self, extent: _Extent):
        self.extent = extent
        self.carry = b""
        self.first = True

    def Parse(self, chunk: bytes, final: bool) -> None:  # the name of expat's method
        data = self.carry + chunk
        cut = len(data) if final else data.rfind(b">") + 1
        self.carry, data = data[cut:], data[:cut]
        if self.first:
            if _DECLARATION.search(data[:4096]):
                raise TableError("Le classeur contient une déclaration XML interdite (DOCTYPE).")
            self.begin(data)
        self.first = False
        self.scan(data)

    def begin(self, data: bytes) -> None:  # noqa: B027 - optional hook, nothing by default
        """The first chunk, before it is scanned."""

    @abstractmethod
    def scan(self, data: bytes) -> None:
        """Measure one chunk of the sheet's XML."""


class _XlsxScan(_Scan):
    """Every cell written with its own reference (what Excel, LibreOffice and the
    libraries write): the farthest filled one is found from the references alone. A cell
    without one (its place follows from the cells before it) needs the parser."""

    def begin(self, data: bytes) -> None:
        # The declared dimension, for a refusal that names it; never trusted otherwise.
        declared = _DIMENSION.search(data)
        if declared:
            _XlsxSheet(self.extent).dimension(declared.group(1).decode("ascii", "replace"))

    def scan(self, data: bytes) -> None:
        found = _CELL_REFERENCE.findall(data)
        if len(found) != len(_CELL_TAG.findall(data)):
            raise _NeedsParser
        filled = [(letters, number) for letters, number, empty in found if not empty]
        if not filled:
            return
        letters, numbers = zip(*filled, strict=True)
        row = max(map(int, set(numbers)))
        column = max(map(_column_index, {x.decode() for x in set(letters)}))
        self.extent.reach(row, column, count=len(filled))


class _SharedStringsScan(_Scan):
    """A shared-strings table holding more strings than cells allowed is a bomb too."""

    def scan(self, data: bytes) -> None:
        count = len(_STRING_TAG.findall(data))
        if count:
            self.extent.reach(1, 1, count=count)


class _XlsxSheet:
    """Streams ``<row>`` and ``<c>``: a cell counts when it holds a value or a formula."""

    def __init__(self, extent: _Extent):
        self.extent = extent
        self.row = 0
        self.column = 0
        self.cell: tuple[int, int] | None = None
        self.filled = False

    def parser(self) -> expat.XMLParserType:
        parser = _parser()
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        return parser

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "dimension":
            self.dimension(attributes.get("ref", ""))
        elif tag == "row":
            number = attributes.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column = 0
        elif tag == "c":
            found = _parse_reference(attributes.get("r", ""))
            if found:
                self.row, self.column = found
            else:
                self.column += 1
            self.cell, self.filled = (self.row, self.column), False
        elif tag in ("v", "is", "f") and self.cell:
            self.filled = True

    def end(self, name: str) -> None:
        if _local(name) == "c" and self.cell:
            if self.filled:
                self.extent.reach(*self.cell)
            self.cell = None

    def dimension(self, reference: str) -> None:
        corner = _parse_reference(reference.split(":")[-1])
        if corner:
            declared = _Extent(
                max_rows=self.extent.max_rows, max_cells=self.extent.max_cells, declared=True
            )
            declared.reach(*corner, count=0)


class _OdsTable:
    """Streams the first ``table:table`` of an ODS ``content.xml``, expanding repeated
    rows and cells; a cell counts when it has a value type or a paragraph. Names are
    compared without their prefix, whatever it is bound to: a reader matching the usual
    prefixes sees no more than this."""

    def __init__(self, extent: _Extent):
        self.extent = extent
        self.tables = 0
        self.inside = False  # in the first table
        self.row = 0
        self.row_repeat = 1
        self.column = 0
        self.filled = False
        self.row_filled_to = 0

    def parser(self) -> expat.XMLParserType:
        parser = _parser(namespaces=False)
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        return parser

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = name[name.find(":") + 1 :]
        if tag == "p":
            self.filled = True
        elif tag == "table-cell" or tag == "covered-table-cell":
            repeat, self.filled = 1, False
            for key, value in attributes.items():
                key = key[key.find(":") + 1 :]
                if key == "number-columns-repeated":
                    repeat = _repeat(value)
                elif key == "value-type":
                    self.filled = True
            self.column += repeat
        elif tag == "table-row":
            self.row_repeat, self.column, self.row_filled_to = 1, 0, 0
            for key, value in attributes.items():
                if key[key.find(":") + 1 :] == "number-rows-repeated":
                    self.row_repeat = _repeat(value)
        elif tag == "table":
            self.tables += 1
            self.inside = self.tables == 1

    def end(self, name: str) -> None:
        if not self.inside:
            return
        tag = name[name.find(":") + 1 :]
        if tag == "table-cell" or tag == "covered-table-cell":
            if self.filled:
                self.row_filled_to = self.column
            self.filled = False
        elif tag == "table-row":
            first = self.row + 1
            self.row += self.row_repeat
            if self.row_filled_to:
                # The first row of the repeated block already tells the width.
                self.extent.reach(first, self.row_filled_to, count=self.row_filled_to)
                self.extent.reach(self.row, self.row_filled_to, count=0)
        elif tag == "table":
            self.inside = False


def _repeat(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 1


# XLS (BIFF8 in an OLE compound file): the Workbook stream is a sequence of records
# (type, length, data). Cell records start with (row, column) as 16-bit integers.
_CELL_RECORDS = {0x0006, 0x00BD, 0x00BE, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E}
_MULTIPLE = {0x00BD, 0x00BE}  # MULRK, MULBLANK: several cells, the last column at the end
_BOF, _EOF = 0x0809, 0x000A


def _check_xls(content: bytes, *, max_rows: int, max_cells: int) -> None:
    """Every worksheet is measured: the order of the sheets in the stream need not be the
    order of the workbook, and the first in the workbook is the one read."""
    stream = _ole_stream(content, ("Workbook", "Book"))
    extent = None
    for kind, data in _records(stream):
        if kind == _BOF:
            substream = struct.unpack_from("<H", data, 2)[0] if len(data) >= 4 else 0
            worksheet = substream == 0x0010
            extent = _Extent(max_rows=max_rows, max_cells=max_cells) if worksheet else None
        elif kind == _EOF:
            extent = None
        elif extent and kind in _CELL_RECORDS and len(data) >= 4:
            row, column = struct.unpack_from("<HH", data)
            last = column
            if kind in _MULTIPLE and len(data) >= 6:
                last = max(column, struct.unpack_from("<H", data, len(data) - 2)[0])
            extent.reach(row + 1, last + 1, count=last - column + 1)


def _records(stream: bytes) -> Iterator[tuple[int, bytes]]:
    offset = 0
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        yield kind, stream[offset + 4 : offset + 4 + length]
        offset += 4 + length


def _ole_stream(content: bytes, wanted: tuple[str, ...]) -> bytes:
    """The named stream of an OLE compound file (enough of the format for XLS)."""
    damaged = TableError("Le classeur XLS est illisible ou endommagé.")
    try:
        shift = struct.unpack_from("<H", content, 30)[0]
        mini_shift = struct.unpack_from("<H", content, 32)[0]
        sector = 1 << shift
        if sector not in (512, 4096) or mini_shift != 6:
            raise damaged
        (
            fat_sectors,
            directory_start,
            _,
            mini_cutoff,
            mini_fat_start,
            mini_fat_count,
            difat_start,
            difat_count,
        ) = struct.unpack_from("<IIIIIIII", content, 44)
        difat = list(struct.unpack_from("<109I", content, 76))
        next_difat, visited = difat_start, set[int]()
        while next_difat < 0xFFFFFFFA and len(visited) <= difat_count:
            if next_difat in visited:
                raise damaged
            visited.add(next_difat)
            difat_sector = struct.unpack_from(
                f"<{sector // 4}I", content, (next_difat + 1) * sector
            )
            difat += difat_sector[:-1]
            next_difat = difat_sector[-1]
        fat: list[int] = []
        for index in difat[:fat_sectors]:
            fat += struct.unpack_from(f"<{sector // 4}I", content, (index + 1) * sector)

        def chain(start: int) -> bytes:
            parts: list[bytes] = []
            current, seen = start, set[int]()
            while current < 0xFFFFFFFA:
                if current in seen or current >= len(fat):
                    raise damaged
                seen.add(current)
                parts.append(content[(current + 1) * sector : (current + 2) * sector])
                current = fat[current]
            return b"".join(parts)

        directory = chain(directory_start)
        entries = [directory[i : i + 128] for i in range(0, len(directory), 128)]
        root = entries[0]
        for entry in entries:
            name_length = struct.unpack_from("<H", entry, 64)[0]
            name = entry[: max(0, name_length - 2)].decode("utf-16-le", "replace")
            if name not in wanted:
                continue
            start, size = struct.unpack_from("<IQ", entry, 116)
            if sector == 512:  # version 3 files leave the high half undefined
                size &= 0xFFFFFFFF
            if size >= mini_cutoff:
                return chain(start)[:size]
            mini_stream = chain(struct.unpack_from("<I", root, 116)[0])
            mini_fat: list[int] = []
            if mini_fat_count:
                raw = chain(mini_fat_start)
                mini_fat = list(struct.unpack_from(f"<{len(raw) // 4}I", raw))
            parts: list[bytes] = []
            current = start
            while current < 0xFFFFFFFA and len(parts) <= len(mini_fat):
                parts.append(mini_stream[current * 64 : (current + 1) * 64])
                current = mini_fat[current] if current < len(mini_fat) else 0xFFFFFFFE
            return b"".join(parts)[:size]
    except (struct.error, IndexError):
        raise damaged from None
    raise TableError("Le classeur XLS ne contient pas de feuille de calcul lisible.")
