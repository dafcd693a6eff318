from django.tasks import task


@task
def build_export(export_id: int) -> str:
    from barometre.core.deferred import build
    from barometre.core.models import ExportFile

    export = ExportFile.objects.get(pk=export_id)
    try:
        return build(export).status
    except Exception as exc:
        ExportFile.objects.filter(pk=export_id).update(
            status=ExportFile.Status.FAILED, error=f"Erreur inattendue : {exc}"[:5000]
        )
        raise
