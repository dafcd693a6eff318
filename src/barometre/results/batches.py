"""All the PDF reports of a result version, built in the background into one ZIP file with
visible progress. A batch already on its way is reused (a double click builds once); a
failed or killed batch leaves no file and can be requested again."""

import os
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from barometre.campaigns.lifecycle import can_run
from barometre.core.background import stale
from barometre.core.errors import Refused
from barometre.results.internal import internal_report
from barometre.results.models import ReportBatch, ResultSet, StructureResult
from barometre.results.pdf import write_reports_zip
from barometre.results.reports import structure_report

ACTIVE = (ReportBatch.Status.QUEUED, ReportBatch.Status.RUNNING)


def request_batch(result_set: ResultSet, *, by) -> ReportBatch:
    from barometre.results.tasks import build_report_batch

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
    with tempfile.TemporaryFile() as handle:
        internal = result_set.edition.owner_id is not None
        build_report = internal_report if internal else structure_report
        reports = (build_report(r) for r in results.iterator())
        count = write_reports_zip(handle, reports, progress, processes=processes())
        handle.seek(0)
        batch.refresh_from_db()
        name = f"rapports-{result_set.edition.year}-v{result_set.version}.zip"
        batch.file.save(name, File(handle), save=False)
    batch.total, batch.done = count, count
    batch.status, batch.finished_at = ReportBatch.Status.READY, timezone.now()
    batch.save()
    return batch
