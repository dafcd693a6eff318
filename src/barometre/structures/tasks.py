from django.tasks import task
from django.utils import timezone

from barometre.core.uploads import import_limits
from barometre.structures.annuaire import plan_batch
from barometre.structures.importing import ImportRefused, apply_import
from barometre.structures.models import StructureImport


@task
def apply_structure_import(import_id: int) -> dict[str, int]:
    """Write a previewed import. The write is atomic: a failure leaves the registry as it
    was and the import marked failed, so it can be confirmed again."""
    batch = StructureImport.objects.get(pk=import_id)
    plan = plan_batch(batch, import_limits())
    StructureImport.objects.filter(pk=batch.pk).update(
        status=StructureImport.Status.RUNNING,
        progress_total=len(plan.items),
        heartbeat=timezone.now(),
    )
    try:
        counts = apply_import(plan)
    except ImportRefused as exc:
        StructureImport.objects.filter(pk=batch.pk).update(
            status=StructureImport.Status.FAILED,
            error="\n".join(str(p) for p in exc.problems[:50]),
            finished_at=timezone.now(),
        )
        return {}
    StructureImport.objects.filter(pk=batch.pk).update(
        status=StructureImport.Status.DONE,
        result=counts,
        attribution=getattr(plan, "attribution", ""),
        progress_done=len(plan.items),
        finished_at=timezone.now(),
    )
    return counts
