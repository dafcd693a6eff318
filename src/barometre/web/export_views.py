"""A background export's progress page and its file, for the user who asked for it only
(anyone else gets a 404, so that another user's exports are not revealed)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from barometre.core.background import STALE_AFTER
from barometre.core.models import ExportFile
from barometre.core.navigation import crumbs, link


def _own(request, pk: int) -> ExportFile:
    export = ExportFile.objects.filter(pk=pk, requested_by=request.user).first()
    if export is None:
        raise Http404("Export introuvable.")
    return export


def export_list(request):
    """The user's own background exports still kept (``BAROMETRE_EXPORT_KEEP_HOURS``): a
    progress page left can be found again here."""
    from django.conf import settings

    from barometre.core.deferred import purge_expired

    purge_expired()
    return render(
        request,
        "web/exports.html",
        {
            "exports": ExportFile.objects.filter(requested_by=request.user).defer("arguments"),
            "keep_hours": settings.BAROMETRE_EXPORT_KEEP_HOURS,
            **crumbs("Mes exports"),
        },
    )


def export_status(request, pk: int):
    export = _own(request, pk)
    return render(
        request,
        "web/export.html",
        {
            "export": export,
            "busy": export.busy,
            "stale_minutes": int(STALE_AFTER.total_seconds() // 60),
            **crumbs(export.title, link("Mes exports", "export_list")),
        },
    )


def export_file(request, pk: int):
    export = _own(request, pk)
    if export.status != ExportFile.Status.READY or not export.file:
        raise Http404("Le fichier n'est pas encore prêt.")
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.filename)


@require_POST
def export_relaunch(request, pk: int):
    """An export stopped with its worker (or failed) prepared again, from its page."""
    from barometre.core.deferred import request_export

    export = _own(request, pk)
    if export.busy or export.status == ExportFile.Status.READY:
        messages.info(request, "Cet export n'a pas besoin d'être relancé.")
        return redirect("export_status", pk=export.pk)
    again = request_export(
        export.builder,
        export.arguments,
        title=export.title,
        filename=export.filename,
        rows=export.total,
        by=request.user,
        back_url=export.back_url,
    )
    messages.success(request, "Export relancé : un nouveau fichier est en préparation.")
    return redirect("export_status", pk=again.pk)
