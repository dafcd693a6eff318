"""Hostile spreadsheets, made in the test (a few kilobytes each), and a way to read them
without risking the test run.

A reader that allocates for a far cell aborts the process from Rust (SIGABRT), which
Python cannot catch: ``in_child`` runs the reading in a forked child, under a memory cap,
so that an abort fails the test instead of killing pytest. The child inherits the test's
database connection and data; it reports back through a pipe and exits without cleanup.
"""

import io
import json
import os
import resource
import zipfile

import pytest

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _address_space() -> int:
    """The bytes of address space this process already holds (``VmSize``)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def in_child(function, *args, memory_bytes: int = 2 * 1024**3):
    """``function(*args)`` run in a forked child; its JSON-able result, or the failure of
    the test when the child dies from a signal (abort, out of memory). The child may take
    ``memory_bytes`` more than the test process already holds: a long run has loaded
    libraries and models (the French model of name masking, some 300 MB) that the reading
    does not use."""
    limit = _address_space() + memory_bytes
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        code = 0
        try:
            _prepare_nothing()
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            report = {"result": function(*args)}
        except BaseException as exc:  # reported to the parent, which fails the test
            report = {"error": f"{type(exc).__name__}: {exc}"}
            code = 1
        with os.fdopen(write_end, "w") as pipe:
            json.dump(report, pipe, default=str)
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        text = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        pytest.fail(f"the reading killed its process (signal {os.WTERMSIG(status)})")
    report = json.loads(text)
    if "error" in report:
        pytest.fail(f"the reading raised {report['error']}")
    return report["result"]


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
    '.org/package/2006/content-types"><Default Extension="rels" ContentType="'
    'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension='
    '"xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
    'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)


def _relationships(kind: str, target: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{_RELS}/{kind}" Target="{target}"/></Relationships>'
    )


def _workbook() -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" '
        f'xmlns:r="{_RELS}"><sheets><sheet name="Feuille1" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )


def _sheet(sheet_data: str, dimension: str | None = None) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{declared}'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    )


def _zip(parts: list[tuple[str, str]]) -> bytes:
    """The parts in this order; zipfile lets two of them share a name up to case."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            archive.writestr(name, text)
    return buffer.getvalue()


def _prepare_nothing() -> None:
    """The child shares the parent's PostgreSQL session: a statement it prepared (psycopg
    prepares one run five times) would exist on the server unknown to the parent, whose
    next preparation of that name then fails. The child prepares none."""
    from django.db import connection

    if connection.vendor == "postgresql" and connection.connection is not None:
        connection.connection.prepare_threshold = None


def xlsx(sheet_data: str, dimension: str | None = None) -> bytes:
    """A minimal XLSX whose first sheet holds ``sheet_data`` (the inside of <sheetData>)."""
    return _zip(
        [
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _relationships("officeDocument", "xl/workbook.xml")),
            ("xl/workbook.xml", _workbook()),
            ("xl/_rels/workbook.xml.rels", _relationships("worksheet", "worksheets/sheet1.xml")),
            ("xl/worksheets/sheet1.xml", _sheet(sheet_data, dimension)),
        ]
    )


_INNOCENT = '<row r="1"><c r="A1" t="inlineStr"><is><t>identifiant</t></is></c></row>'
_FAR = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>identifiant</t></is></c></row>'
    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
)


def second_workbook_xlsx() -> bytes:
    """An innocent ``xl/`` workbook (what a measure expecting ``xl/workbook.xml`` reads)
    beside a ``bomb/`` workbook with a far cell, the one ``_rels/.rels`` points to."""
    return _zip(
        [
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _relationships("officeDocument", "bomb/workbook.xml")),
            ("xl/workbook.xml", _workbook()),
            ("xl/_rels/workbook.xml.rels", _relationships("worksheet", "worksheets/sheet1.xml")),
            ("xl/worksheets/sheet1.xml", _sheet(_INNOCENT)),
            ("bomb/workbook.xml", _workbook()),
            ("bomb/_rels/workbook.xml.rels", _relationships("worksheet", "worksheets/sheet1.xml")),
            ("bomb/worksheets/sheet1.xml", _sheet(_FAR)),
        ]
    )


def case_twin_xlsx() -> bytes:
    """An innocent ``xl/worksheets/sheet1.xml`` followed by a far cell in
    ``XL/Worksheets/Sheet1.xml``: one name for a reader that ignores case."""
    return _zip(
        [
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _relationships("officeDocument", "xl/workbook.xml")),
            ("xl/workbook.xml", _workbook()),
            ("xl/_rels/workbook.xml.rels", _relationships("worksheet", "worksheets/sheet1.xml")),
            ("xl/worksheets/sheet1.xml", _sheet(_INNOCENT)),
            ("XL/Worksheets/Sheet1.xml", _sheet(_FAR)),
        ]
    )


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def far_cell_xlsx(header: str = "identifiant", *, dimension: str | None = None) -> bytes:
    """A header in A1 and one cell at XFD1048576: 512 Go for a reader that trusts it."""
    return xlsx(
        f'<row r="1">{text_cell("A1", header)}</row>'
        f'<row r="1048576">{text_cell("XFD1048576", "x")}</row>',
        dimension,
    )


def many_rows_xlsx(rows: int = 300_000, header: str = "identifiant") -> bytes:
    """``rows`` data rows without row or cell references (so no dimension to trust)."""
    body = '<row><c t="inlineStr"><is><t>x</t></is></c></row>' * rows
    return xlsx(f'<row><c t="inlineStr"><is><t>{header}</t></is></c></row>{body}')


def many_rows_csv(rows: int = 300_000, header: str = "identifiant") -> bytes:
    return (header + "\r\n" + "x\r\n" * rows).encode()


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods(table_rows: str) -> bytes:
    """A minimal ODS whose first table holds ``table_rows``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:'
            'oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
            'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
            '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
        )
        archive.writestr(
            "content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
            'office:version="1.2"><office:body><office:spreadsheet>'
            f'<table:table table:name="Feuille1">{table_rows}</table:table>'
            "</office:spreadsheet></office:body></office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def ods_cell(text: str, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{repeated}>'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def ods_row(cells: str, repeat: int = 1) -> str:
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{repeated}>{cells}</table:table-row>"
