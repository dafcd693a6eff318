"""The paths of the results' tasks before they moved beside their work
(``results.computing``, ``results.batches``): work queued by an earlier version still finds
its task."""

from barometre.results.batches import build_report_batch
from barometre.results.computing import compute_results

__all__ = ["build_report_batch", "compute_results"]
