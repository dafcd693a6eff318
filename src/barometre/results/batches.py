"""All the PDF reports of a result version, built in the background into one ZIP file with
visible progress. A batch already on its way is reused (a double click builds once); a
failed or killed batch leaves no file and can be requested again.

The figures every report shares (every structure's score, the category and national
intervals, the key figures) are read once for the batch; a report whose HTML is the same
as in the edition's last finished batch is not laid out again, its PDF is taken from that
batch's ZIP file (so a batch requested again after one structure's results changed lays
out that structure's report only)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from barometre.campaigns.lifecycle import can_run
from barometre.core.background import failure_recorded, stale
from barometre.core.disk import DiskFull, is_disk_full, temporary_file
from barometre.core.errors import Refused
from barometre.results.internal import InternalReport, internal_report
from barometre.results.models import ReportBatch, ResultSet, StructureResult
from barometre.results.pdf import previous_reports, write_reports_zip
from barometre.results.reports import StructureReport, shared_figures, structure_report

DISK_FULL = (
    "espace disque insuffisant : le lot n'a pas été enregistré. Libérez de la place puis "
    "relancez-le."
)

ACTIVE = (ReportBatch.Status.QUEUED, ReportBatch.Status.RUNNING)


def request_batch(result_set: ResultSet, *, by) -> ReportBatch:
    if not can_run(by, result_set.edition):
        raise Refused(["seuls ceux qui conduisent l'édition produisent ses rapports"])
    if result_set.status != ResultSet.Status.READY:
        raise Refused(["seuls des résultats calculés donnent des rapports"])
    with transaction.atomic():
        ResultSet.objects.select_for_update().get(pk=result_set.pk)
        running = result_set.batches.filter(status__in=ACTIVE).first()
        if running and not stale(running.requested_at, running.heartbeat):
            return running
        if running:  # its worker was killed: mark it and start again
            ReportBatch.objects.filter(pk=running.pk).update(
                status=ReportBatch.Status.FAILED, error="Interrompu (traitement arrêté)."
            )
        batch = ReportBatch.objects.create(
            result_set=result_set, requested_by=by, total=result_set.structures.count()
        )
    build_report_batch.enqueue(batch.pk)
    return batch


def processes() -> int:
    """How many processes render a batch: ``BAROMETRE_REPORT_PROCESSES``, or one per core."""
    return settings.BAROMETRE_REPORT_PROCESSES or os.cpu_count() or 1


@contextmanager
def _previous_file(batch: ReportBatch):
    """The ZIP file of the edition's latest finished batch, whose reports are reused when
    their HTML has not changed (None when there is none, or its file is gone)."""
    previous = (
        ReportBatch.objects.filter(
            result_set__edition=batch.result_set.edition_id, status=ReportBatch.Status.READY
        )
        .exclude(pk=batch.pk)
        .exclude(file="")
        .order_by("-finished_at", "-pk")
        .first()
    )
    if previous is None:
        yield None
        return
    try:
        handle = previous.file.open("rb")
    except OSError:
        yield None
        return
    with handle:
        yield handle


def build(batch: ReportBatch) -> ReportBatch:
    ReportBatch.objects.filter(pk=batch.pk).update(status=ReportBatch.Status.RUNNING, done=0)
    results = (
        StructureResult.objects.filter(result_set=batch.result_set_id)
        .select_related("result_set__edition", "result_set__grid", "structure")
        .order_by("category", "structure__name")
    )

    def progress(done: int) -> None:
        ReportBatch.objects.filter(pk=batch.pk).update(done=done, heartbeat=timezone.now())

    result_set = batch.result_set
    reports: Iterator[InternalReport | StructureReport]
    if result_set.edition.owner_id is not None:
        reports = (internal_report(r) for r in results.iterator())
    else:
        shared = shared_figures(result_set)  # once for every report
        reports = (structure_report(r, shared) for r in results.iterator())
    try:
        with temporary_file() as handle, _previous_file(batch) as previous:
            count = write_reports_zip(
                handle,
                reports,
                progress,
                processes=processes(),
                previous=previous_reports(previous),
            ).reports
            handle.seek(0)
            batch.refresh_from_db()
            name = f"rapports-{result_set.edition.year}-v{result_set.version}.zip"
            batch.file.save(name, File(handle), save=False)
    except (DiskFull, OSError) as exc:  # no file is left: neither temporary nor stored
        if not is_disk_full(exc):
            raise
        ReportBatch.objects.filter(pk=batch.pk).update(
            status=ReportBatch.Status.FAILED, error=DISK_FULL, finished_at=timezone.now()
        )
        batch.refresh_from_db()
        return batch
    batch.total, batch.done = count, count
    batch.status, batch.finished_at = ReportBatch.Status.READY, timezone.now()
    batch.save()
    return batch


@task
def build_report_batch(batch_id: int) -> str:
    batch = ReportBatch.objects.select_related("result_set__edition").get(pk=batch_id)
    with failure_recorded(ReportBatch, batch_id):
        return build(batch).status
