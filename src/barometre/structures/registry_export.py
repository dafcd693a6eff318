"""The registry's XLSX export built in the background (``core.deferred``): the structures
the user sees, filtered as on the page, read again when the file is written (access is
checked again then: a role withdrawn in between exports nothing). The worker's half of
the registry's export view: like a view, it may use ``accounts.access``."""

from django.contrib.auth import get_user_model

from barometre.accounts.access import require_registry_access, visible_structures
from barometre.structures.exporting import COLUMNS, structure_rows
from barometre.structures.forms import StructureFilterForm


def registry_sheets(user_id: int, filters: dict) -> list:
    user = get_user_model().objects.get(pk=user_id)
    require_registry_access(user)
    structures = StructureFilterForm(filters).filter(visible_structures(user))
    return [("Structures", COLUMNS, structure_rows(structures.order_by("name", "pk")))]
