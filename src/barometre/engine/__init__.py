"""Django-free scoring engine: grids, scores, calendars and statistics.

Everything public is re-exported here; the rest of the platform imports only from
``barometre.engine``.
"""

from barometre.engine.territory import (
    ALSACE_MOSELLE,
    DEPARTMENTS,
    OVERSEAS,
    department_label,
    normalize_department,
)

__all__ = [
    "ALSACE_MOSELLE",
    "DEPARTMENTS",
    "OVERSEAS",
    "department_label",
    "normalize_department",
]
