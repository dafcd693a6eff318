from django.tasks import task

from barometre.core.errors import Refused
from barometre.results.models import ResultSet


@task
def compute_results(result_set_id: int) -> str:
    from barometre.results.computing import compute

    result_set = ResultSet.objects.select_related("edition__grid").get(pk=result_set_id)
    try:
        return compute(result_set).status
    except Refused as exc:
        return str(exc)
    except Exception as exc:
        ResultSet.objects.filter(pk=result_set_id).update(
            status=ResultSet.Status.FAILED, error=f"Erreur inattendue : {exc}"[:5000], step=""
        )
        raise


@task
def build_report_batch(batch_id: int) -> str:
    from barometre.results.batches import build
    from barometre.results.models import ReportBatch

    batch = ReportBatch.objects.select_related("result_set__edition").get(pk=batch_id)
    try:
        return build(batch).status
    except Exception as exc:
        ReportBatch.objects.filter(pk=batch_id).update(
            status=ReportBatch.Status.FAILED, error=f"Erreur inattendue : {exc}"[:5000]
        )
        raise
