"""The path of the export task before it moved beside its work (``core.deferred``): an
export queued by an earlier version still finds its task."""

from barometre.core.deferred import build_export

__all__ = ["build_export"]
