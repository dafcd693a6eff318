"""The registry's XLSX export built in the background (``core.deferred``): the structures
the user sees, filtered as on the page, read again when the file is written (access is
checked again then: a role withdrawn in between exports nothing)."""

from barometre.accounts.access import require_registry_access, visible_structures
from barometre.accounts.models import User
from barometre.structures.exporting import COLUMNS, structure_rows
from barometre.structures.forms import StructureFilterForm


def registry_sheets(user_id: int, filters: dict) -> list:
    user = User.objects.get(pk=user_id)
    require_registry_access(user)
    structures = StructureFilterForm(filters).filter(visible_structures(user))
    return [("Structures", COLUMNS, structure_rows(structures.order_by("name", "pk")))]
