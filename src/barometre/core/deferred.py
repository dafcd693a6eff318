"""Large XLSX exports built in the background, with progress and a download link.

A CSV export streams (``downloads.streamed_download``); an XLSX workbook is a ZIP archive
whose parts are complete only at the end, so a large one is written by a background task
into a file (XlsxWriter's constant-memory mode: memory does not grow with the rows), while
the user watches its progress page. Small exports stay immediate: ``in_background`` says
which, from an estimate of the rows against ``BAROMETRE_EXPORT_BACKGROUND_ROWS``.

An export file holds what its user could see (audit observations, contacts of the
registry), so it is not kept: each new request first deletes the exports, and their files,
finished more than ``BAROMETRE_EXPORT_KEEP_HOURS`` ago, or abandoned by a dead worker."""

import datetime as dt
import logging

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string

from barometre.core.background import failure_recorded, stale
from barometre.core.disk import DiskFull, is_disk_full, named_temporary_file
from barometre.core.exporting import write_xlsx_file
from barometre.core.models import ExportFile

PROGRESS_EVERY = 2000  # rows between two progress records
DISK_FULL = "espace disque insuffisant : l'export n'a pas été enregistré. Réessayez plus tard."
logger = logging.getLogger(__name__)


def in_background(rows: int) -> bool:
    return rows > settings.BAROMETRE_EXPORT_BACKGROUND_ROWS


def request_export(
    builder: str, arguments: dict, *, title: str, filename: str, rows: int, by, back_url=""
) -> ExportFile:
    """Queue the export (``builder``: the dotted path of a function of ``arguments`` that
    returns the workbook's sheets). The same export already on its way for the same user
    is reused: a double click builds once."""
    purge_expired()
    running = (
        ExportFile.objects.filter(
            requested_by=by,
            builder=builder,
            arguments=arguments,
            status__in=(ExportFile.Status.QUEUED, ExportFile.Status.RUNNING),
        )
        .order_by("-requested_at")
        .first()
    )
    if running is not None and not stale(running.requested_at, running.heartbeat):
        return running
    export = ExportFile.objects.create(
        title=title,
        builder=builder,
        arguments=arguments,
        filename=filename,
        back_url=back_url,
        total=rows,
        requested_by=by,
    )
    build_export.enqueue(export.pk)
    return export


def workbook_response(
    request,
    *,
    rows: int,
    immediate,
    builder: str,
    arguments: dict,
    title: str,
    filename: str,
    back_url: str = "",
):
    """The answer to a request for an XLSX export: the workbook at once (``immediate()``
    gives its bytes) when it is small, otherwise a background export and a redirect to its
    progress page."""
    from django.shortcuts import redirect

    from barometre.core.downloads import download

    if not in_background(rows):
        return download(immediate(), filename)
    export = request_export(
        builder,
        arguments,
        title=title,
        filename=filename,
        rows=rows,
        by=request.user,
        back_url=back_url,
    )
    return redirect("export_status", pk=export.pk)


def purge_expired(now=None) -> int:
    """Delete the exports finished (or last heard of) more than the keeping time ago, and
    their files; return how many. A file already gone from the storage is not an error."""
    now = now or timezone.now()
    limit = now - dt.timedelta(hours=settings.BAROMETRE_EXPORT_KEEP_HOURS)
    expired = [
        export
        for export in ExportFile.objects.filter(requested_at__lt=limit)
        if (export.finished_at or export.heartbeat or export.requested_at) < limit
    ]
    for export in expired:
        if export.file:
            export.file.delete(save=False)
        export.delete()
    return len(expired)


def _record_progress(pk: int, done: int) -> None:
    ExportFile.objects.filter(pk=pk).update(done=done, heartbeat=timezone.now())


def build(export: ExportFile) -> ExportFile:
    ExportFile.objects.filter(pk=export.pk).update(
        status=ExportFile.Status.RUNNING, done=0, heartbeat=timezone.now()
    )

    def progress(done: int) -> None:
        # The rows are still being read on this connection: on SQLite, a write from a
        # connection whose read began before another connection wrote is refused at once
        # ("database is locked", whatever the busy timeout). A progress record is only
        # news for the user: one that cannot be written is skipped, never the export.
        try:
            _record_progress(export.pk, done)
        except DatabaseError as exc:
            logger.warning("export %s: progress not recorded (%s)", export.pk, exc)

    sheets = import_string(export.builder)(**export.arguments)
    try:
        with named_temporary_file(suffix=".xlsx") as handle:
            written = write_xlsx_file(sheets, handle.name, progress=progress, every=PROGRESS_EVERY)
            handle.seek(0)
            export.file.save(export.filename, File(handle), save=False)
    except (DiskFull, OSError) as exc:  # no file is left: neither temporary nor stored
        if not is_disk_full(exc):
            raise
        ExportFile.objects.filter(pk=export.pk).update(
            status=ExportFile.Status.FAILED, error=DISK_FULL, finished_at=timezone.now()
        )
        export.refresh_from_db()
        return export
    finally:
        # Rows read lazily end their read now, even after a failure, so that the
        # failure itself can be recorded.
        for _title, _columns, rows in sheets:
            close = getattr(rows, "close", None)
            if close is not None:
                close()
    export.done = export.total = written
    export.status, export.finished_at = ExportFile.Status.READY, timezone.now()
    export.save()
    return export


@task
def build_export(export_id: int) -> str:
    export = ExportFile.objects.get(pk=export_id)
    with failure_recorded(ExportFile, export_id):
        return build(export).status
