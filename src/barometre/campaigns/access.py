"""Fetching campaign objects for a user: 404 outside their scope.

Operators see every national edition and task. A structure's managers see the internal
campaigns of their structures and the tasks in them. Auditors see their own tasks, and
read the editions they have tasks in."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from barometre.campaigns.models import AuditTask, Edition


def require_auditor(user) -> None:
    if not user.is_auditor:
        raise PermissionDenied("Cette page est réservée aux enquêteurs.")


def runnable_editions(user):
    """Editions the user runs; PermissionDenied when they can run none at all."""
    if user.is_operator:
        return Edition.objects.all()
    managed = user.structure_ids("manager")
    if not managed:
        raise PermissionDenied(
            "Cette page est réservée aux opérateurs et aux responsables qualité."
        )
    return Edition.objects.filter(owner_id__in=managed)


def readable_editions(user):
    """Editions the user may read: those they run, and for an auditor those they have
    audits in (to read the edition and its grid); PermissionDenied for anyone else."""
    if user.is_operator:
        return Edition.objects.all()
    managed = user.structure_ids("manager")
    if not managed and not user.is_auditor:
        raise PermissionDenied(
            "Réservé aux opérateurs, aux responsables qualité et aux enquêteurs."
        )
    audited = AuditTask.objects.filter(auditor=user).values("edition_id")
    return Edition.objects.filter(Q(owner_id__in=managed) | Q(pk__in=audited))


def get_task_for_user(user, pk: int) -> AuditTask:
    tasks = AuditTask.objects.select_related("edition__grid", "structure", "scenario")
    if not user.is_operator:
        managed = user.structure_ids("manager")
        if not user.is_auditor and not managed:
            raise PermissionDenied("Cette page est réservée aux enquêteurs.")
        tasks = tasks.filter(Q(auditor=user) | Q(edition__owner_id__in=managed))
    try:
        return tasks.get(pk=pk)
    except AuditTask.DoesNotExist:
        raise Http404("Audit introuvable.") from None


def get_edition_for_runner(user, pk: int) -> Edition:
    try:
        return runnable_editions(user).select_related("grid", "owner").get(pk=pk)
    except Edition.DoesNotExist:
        raise Http404("Édition introuvable.") from None
