"""Fetching campaign objects for a user: 404 outside their scope."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from barometre.campaigns.models import AuditTask, Edition


def require_auditor(user) -> None:
    if not user.is_auditor:
        raise PermissionDenied("Cette page est réservée aux enquêteurs.")


def get_task_for_user(user, pk: int) -> AuditTask:
    """Auditors see only their own tasks; operators see every task."""
    tasks = AuditTask.objects.select_related("edition__grid", "structure", "scenario")
    if not user.is_operator:
        require_auditor(user)
        tasks = tasks.filter(auditor=user)
    try:
        return tasks.get(pk=pk)
    except AuditTask.DoesNotExist:
        raise Http404("Audit introuvable.") from None


def get_edition_for_operator(user, pk: int) -> Edition:
    if not user.is_operator:
        raise PermissionDenied("Cette page est réservée aux opérateurs du baromètre.")
    try:
        return Edition.objects.select_related("grid").get(pk=pk)
    except Edition.DoesNotExist:
        raise Http404("Édition introuvable.") from None
