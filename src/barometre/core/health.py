"""What the load balancer asks each web server (``/sante/``): does it reach the database,
and the shared cache and the file storage when they are configured?

Each part is tried once per request, with short timeouts. A part that fails is named in
the answer (503) and logged once when it goes and once when it comes back, per process:
a load balancer asking every two seconds during an outage writes two lines, never a
traceback per request."""

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection

logger = logging.getLogger("barometre.health")
_lock = threading.Lock()
_failing: set[str] = set()
# Checked from its existence only: a name no file has (the storage is never written to).
PROBE_FILE = "sante/sonde-inexistante.txt"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    # The shared cache hides Redis's failures from the pages (core.cache), not from here.
    cache.probe()  # type: ignore[attr-defined]


def _storage() -> None:
    storages["default"].exists(PROBE_FILE)


def parts() -> dict[str, Callable[[], None]]:
    """The parts this server depends on: the database always; the cache when shared
    (BAROMETRE_CACHE_URL); the file storage when it is not the local folder."""
    checked: dict[str, Callable[[], None]] = {"base de données": _database}
    if settings.CACHE_URL:
        checked["cache partagé"] = _cache
    if settings.STORAGES["default"]["BACKEND"] != "barometre.core.disk.LocalStorage":
        checked["stockage des fichiers"] = _storage
    return checked


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def failing_parts() -> dict[str, str]:
    """Each part that does not answer, with the first line of its error."""
    failing = {}
    for name, check in parts().items():
        try:
            check()
        except Exception as exc:  # any failure of a part is that part down
            failing[name] = _first_line(exc)
    _log_changes(failing)
    return failing


def _log_changes(failing: dict[str, str]) -> None:
    with _lock:
        gone = set(failing) - _failing
        back = _failing - set(failing)
        _failing.difference_update(back)
        _failing.update(gone)
    for name in sorted(gone):
        logger.error("Contrôle de santé : %s injoignable : %s.", name, failing[name].rstrip("."))
    for name in sorted(back):
        logger.warning("Contrôle de santé : %s de nouveau joignable.", name)
