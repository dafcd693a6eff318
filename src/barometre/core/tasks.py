import logging

from django.db import DatabaseError
from django.tasks import task

logger = logging.getLogger(__name__)


@task
def build_export(export_id: int) -> str:
    from barometre.core.deferred import build
    from barometre.core.models import ExportFile

    export = ExportFile.objects.get(pk=export_id)
    try:
        return build(export).status
    except Exception as exc:
        try:
            ExportFile.objects.filter(pk=export_id).update(
                status=ExportFile.Status.FAILED, error=f"Erreur inattendue : {exc}"[:5000]
            )
        except DatabaseError:
            # Not recorded: the page will say the export stalled once it is silent.
            logger.exception("export %s: failure not recorded", export_id)
        raise
