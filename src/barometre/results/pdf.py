"""The results' PDF documents: a structure's report, the batch of every report, the
national synthesis."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import time
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

from django.db import connections
from django.utils.text import slugify

from barometre.core.pdf import html_digest, html_to_pdf, render_html, render_pdf
from barometre.results import charts
from barometre.results.internal import InternalReport
from barometre.results.reports import NationalSynthesis, StructureReport


def _series(rows, own_label: str | None = "Votre structure") -> dict[str, list]:
    series = {}
    if own_label:
        series[own_label] = [r.score for r in rows]
    series["Moyenne de la catégorie"] = [r.category for r in rows]
    series["Moyenne nationale"] = [r.national for r in rows]
    return series


def structure_html(report: StructureReport) -> str:
    """The confidential report of one structure, as the HTML its PDF is laid out from."""
    figures = {
        "channels": charts.bars(
            [r.label for r in report.channels], _series(report.channels), title="Scores par canal"
        ),
        "determinants": charts.bars(
            [r.label for r in report.determinants],
            _series(report.determinants),
            title="Scores par déterminant",
        ),
        "stages": charts.bars(
            [r.label for r in report.stages],
            _series(report.stages),
            title="Scores par étape du parcours",
        ),
    }
    return render_html("results/pdf/structure.html", {"report": report, "charts": figures})


def report_html(report: StructureReport | InternalReport) -> str:
    if isinstance(report, InternalReport):
        return render_html("results/pdf/internal.html", {"report": report})
    return structure_html(report)


def report_pdf(report: StructureReport | InternalReport) -> bytes:
    return html_to_pdf(report_html(report))


def synthesis_pdf(synthesis: NationalSynthesis) -> bytes:
    q3 = synthesis.national.get("q3")
    figures = {
        "categories": charts.bars(
            [c.category for c in synthesis.published_categories],
            {"Score moyen": [c.mean for c in synthesis.published_categories]},
            title="Score moyen par catégorie",
        ),
        "channels": charts.bars(
            [c.label for c in synthesis.published_channels],
            {"Score moyen": [c.score for c in synthesis.published_channels]},
            title="Score moyen par canal",
        ),
        "histogram": charts.histogram(
            synthesis.histogram, marker=q3, marker_label="quartile supérieur dès"
        ),
    }
    return render_pdf(
        "results/pdf/synthesis.html", {"s": synthesis, "charts": figures, "tens": range(0, 100, 10)}
    )


def report_filename(report: StructureReport | InternalReport) -> str:
    """``rapport-2025-…`` for a national edition; ``rapport-interne-2022-11-…`` for an
    internal campaign, which must not share the national report's name and may come back
    several times a year (its month tells them apart)."""
    if isinstance(report, InternalReport):
        prefix = f"rapport-interne-{report.edition.fieldwork_starts:%Y-%m}"
    else:
        prefix = f"rapport-{report.edition.year}"
    return f"{prefix}-{slugify(report.structure.name)[:60]}-{report.structure.identifier}.pdf"


@dataclass
class Rendered:
    """One report of a batch: its file name, the digest of its HTML and its PDF (None
    when the previous batch already holds the PDF of that digest)."""

    name: str
    digest: str
    content: bytes | None


def _render(report: StructureReport | InternalReport, reusable: frozenset[str]) -> Rendered:
    html = report_html(report)
    digest = html_digest(html)
    content = None if digest in reusable else html_to_pdf(html)
    return Rendered(report_filename(report), digest, content)


def _forget_connections() -> None:
    """In a forked process: leave the parent's database connections alone (closing them
    would end the parent's sessions); a query here would open its own."""
    for connection in connections.all(initialized_only=True):
        connection.connection = None


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _renderer_start(parent: int) -> None:
    """In a forked renderer: end with the parent, whatever kills it (``kill -9`` of the
    worker included: each renderer holds some 255 MB), and obey SIGTERM again (the fork
    inherits the worker's handler, which waits for the task in hand: here, for ever)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    _forget_connections()


def renderer_pool(processes: int) -> ProcessPoolExecutor:
    """Forked, the processes start with what the parent loaded (templates, fonts, the
    Pango and WeasyPrint modules) and receive complete reports: they never query."""
    return ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_renderer_start,
        initargs=(os.getpid(),),
    )


def _rendered(reports: Iterable, processes: int, reusable: frozenset[str]):
    render = partial(_render, reusable=reusable)
    if processes <= 1:
        yield from map(render, reports)
        return
    with renderer_pool(processes) as pool:
        yield from pool.map(render, reports)


def previous_reports(source: BinaryIO | None) -> dict[str, bytes]:
    """The PDFs of an earlier batch's ZIP file by the digest of their HTML (written in
    each entry's comment), to be reused when a report's HTML has not changed."""
    if source is None:
        return {}
    found = {}
    try:
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                digest = info.comment.decode("ascii", "replace")
                if len(digest) == 64:
                    found[digest] = archive.read(info)
    except zipfile.BadZipFile:  # an unreadable file: every report is laid out again
        return {}
    return found


@dataclass
class BatchCount:
    reports: int = 0
    rendered: int = 0  # the others were taken from the previous batch


def write_reports_zip(
    target: BinaryIO,
    reports: Iterable[StructureReport | InternalReport],
    progress: Callable[[int], None] | None = None,
    *,
    processes: int = 1,
    previous: dict[str, bytes] | None = None,
) -> BatchCount:
    """Write every report into a ZIP file, rendered by ``processes`` processes, in the
    order of ``reports``; ``progress(done)`` is called after each one. A report whose
    HTML is the same as one of ``previous`` (see ``previous_reports``) is not laid out
    again: its PDF is taken from there."""
    previous = previous or {}
    count = BatchCount()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed
        for rendered in _rendered(reports, processes, frozenset(previous)):
            info = zipfile.ZipInfo(rendered.name, date_time=time.localtime()[:6])
            info.comment = rendered.digest.encode("ascii")
            if rendered.content is None:
                archive.writestr(info, previous[rendered.digest])
            else:
                archive.writestr(info, rendered.content)
                count.rendered += 1
            count.reports += 1
            if progress:
                progress(count.reports)
    return count
