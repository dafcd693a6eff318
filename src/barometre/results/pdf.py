"""The results' PDF documents: a structure's report, the batch of every report, the
national synthesis."""

from __future__ import annotations

import io
import multiprocessing
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import BinaryIO

from django.db import connections
from django.utils.text import slugify

from barometre.core.pdf import render_pdf
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


def structure_pdf(report: StructureReport) -> bytes:
    """The confidential report of one structure."""
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
    return render_pdf("results/pdf/structure.html", {"report": report, "charts": figures})


def internal_pdf(report: InternalReport) -> bytes:
    """The report of an internal campaign: the structure's calls against its target."""
    return render_pdf("results/pdf/internal.html", {"report": report})


def report_pdf(report: StructureReport | InternalReport) -> bytes:
    if isinstance(report, InternalReport):
        return internal_pdf(report)
    return structure_pdf(report)


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
    return (
        f"rapport-{report.edition.year}-{slugify(report.structure.name)[:60]}-"
        f"{report.structure.identifier}.pdf"
    )


def rendered_report(report: StructureReport | InternalReport) -> tuple[str, bytes]:
    return report_filename(report), report_pdf(report)


def _forget_connections() -> None:
    """In a forked process: leave the parent's database connections alone (closing them
    would end the parent's sessions); a query here would open its own."""
    for connection in connections.all(initialized_only=True):
        connection.connection = None


def _rendered(reports: Iterable[StructureReport], processes: int):
    if processes <= 1:
        yield from map(rendered_report, reports)
        return
    # Forked, the processes start with what the parent loaded (templates, fonts, the
    # Pango and WeasyPrint modules) and receive complete reports: they never query.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        processes, mp_context=context, initializer=_forget_connections
    ) as pool:
        yield from pool.map(rendered_report, reports)


def write_reports_zip(
    target: BinaryIO,
    reports: Iterable[StructureReport],
    progress: Callable[[int], None] | None = None,
    *,
    processes: int = 1,
) -> int:
    """Write every report into a ZIP file, rendered by ``processes`` processes, in the
    order of ``reports``; ``progress(done)`` is called after each one. Returns the
    number of reports."""
    done = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed
        for done, (name, content) in enumerate(_rendered(reports, processes), start=1):
            archive.writestr(name, content)
            if progress:
                progress(done)
    return done


def reports_zip(reports, progress: Callable[[int], None] | None = None) -> bytes:
    buffer = io.BytesIO()
    write_reports_zip(buffer, reports, progress)
    return buffer.getvalue()
