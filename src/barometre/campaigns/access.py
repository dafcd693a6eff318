"""Fetching campaign objects for a user: 404 outside their scope.

Operators see every edition and task. A structure's managers see the internal campaigns
of their structures and the tasks in them. National auditors see their own tasks of
national editions; a caller named for an internal campaign (``CampaignCaller``) sees
their own tasks of that campaign only. Neither sees the other's. Both read the editions
their own tasks are in (the edition and its grid)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from barometre.campaigns.models import AuditTask, CampaignCaller, Edition


def called_editions(user) -> frozenset[int]:
    """The internal campaigns this user is named to call for, read once per user object
    (as its memberships are)."""
    if not user.is_authenticated:
        return frozenset()
    if "_called_editions" not in user.__dict__:
        user._called_editions = frozenset(
            CampaignCaller.objects.filter(user=user).values_list("edition_id", flat=True)
        )
    return user._called_editions


def is_fieldworker(user) -> bool:
    """A national auditor, or a caller named for an internal campaign."""
    return user.is_auditor or bool(called_editions(user))


def require_auditor(user) -> None:
    if not is_fieldworker(user):
        raise PermissionDenied("Cette page est réservée aux enquêteurs et aux appelants.")


def own_tasks(user) -> Q:
    """The tasks given to this user that they may see as theirs: a national auditor's of
    national editions, a caller's of the campaigns they are named for. A national auditor
    left on an internal campaign's task (planned before callers were named) does not see
    it."""
    scope = Q(edition_id__in=called_editions(user))
    if user.is_auditor:
        scope |= Q(edition__owner__isnull=True)
    return Q(auditor=user) & scope


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
    """Editions the user may read: those they run, and for an auditor or a caller those
    their own tasks are in (to read the edition and its grid); PermissionDenied for anyone else."""
    if user.is_operator:
        return Edition.objects.all()
    managed = user.structure_ids("manager")
    if not managed and not is_fieldworker(user):
        raise PermissionDenied(
            "Réservé aux opérateurs, aux responsables qualité, aux enquêteurs et aux appelants."
        )
    audited = AuditTask.objects.filter(own_tasks(user)).values("edition_id")
    return Edition.objects.filter(Q(owner_id__in=managed) | Q(pk__in=audited))


def visible_tasks(user):
    """Every task this user may open: all for operators, a structure's internal campaigns
    for its managers, their own for fieldworkers; PermissionDenied for anyone else."""
    tasks = AuditTask.objects.all()
    if user.is_operator:
        return tasks
    managed = user.structure_ids("manager")
    if not is_fieldworker(user) and not managed:
        raise PermissionDenied(
            "Réservé aux enquêteurs, aux appelants, aux opérateurs et aux responsables qualité."
        )
    return tasks.filter(own_tasks(user) | Q(edition__owner_id__in=managed))


def get_task_for_user(user, pk: int) -> AuditTask:
    tasks = visible_tasks(user).select_related("edition__grid", "structure", "scenario")
    try:
        return tasks.get(pk=pk)
    except AuditTask.DoesNotExist:
        raise Http404("Audit introuvable.") from None


def get_edition_for_runner(user, pk: int) -> Edition:
    try:
        return runnable_editions(user).select_related("grid", "owner").get(pk=pk)
    except Edition.DoesNotExist:
        raise Http404("Édition introuvable.") from None
