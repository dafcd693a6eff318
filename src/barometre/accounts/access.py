"""Who may see and change what. Views fetch objects through these helpers, which answer
404 outside the user's scope so that another structure's existence is not revealed."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from barometre.accounts.models import Role
from barometre.structures.models import Structure, StructureQuerySet

READ_ROLES = (Role.MANAGER, Role.AGENT, Role.VIEWER)
EDIT_ROLES = (Role.MANAGER,)


def visible_structures(user) -> StructureQuerySet:
    if user.is_operator:
        return Structure.objects.all()
    return Structure.objects.filter(pk__in=user.structure_ids(*READ_ROLES))


def require_registry_access(user) -> None:
    """Auditors work from their tasks, not from the registry."""
    if not user.is_operator and not user.structure_ids(*READ_ROLES):
        raise PermissionDenied("Le registre des structures n'est pas accessible avec votre rôle.")


def get_structure_for_user(user, pk: int) -> Structure:
    require_registry_access(user)
    try:
        return visible_structures(user).get(pk=pk)
    except Structure.DoesNotExist:
        raise Http404("Structure introuvable.") from None


def can_edit_structure(user, structure: Structure) -> bool:
    return user.is_operator or structure.pk in user.structure_ids(*EDIT_ROLES)


def get_structure_for_editing(user, pk: int) -> Structure:
    structure = get_structure_for_user(user, pk)
    if not can_edit_structure(user, structure):
        raise PermissionDenied(
            "Seuls les responsables qualité de la structure peuvent la modifier."
        )
    return structure


def require_operator(user) -> None:
    if not user.is_operator:
        raise PermissionDenied("Cette page est réservée aux opérateurs du baromètre.")
