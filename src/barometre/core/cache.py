"""The shared cache (``BAROMETRE_CACHE_URL``): Django's Redis cache, which a Redis out of
reach does not break. The cache only spares work (its keys name the versions they show),
so while Redis does not answer, reads miss and writes are dropped: the pages are rendered
each time, slower but right. One log line when Redis goes and one when it comes back, per
process, not a traceback per request; ``/sante/`` answers 503 meanwhile (``probe``)."""

import logging
import threading
import uuid
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("barometre.cache")
_lock = threading.Lock()
_down = False


def _went_down(exc: Exception) -> None:
    global _down
    with _lock:
        if _down:
            return
        _down = True
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    logger.error("Cache partagé injoignable : %s. Pages calculées sans lui.", first.rstrip("."))


def _came_back() -> None:
    global _down
    if not _down:  # the usual case, without the lock
        return
    with _lock:
        if not _down:
            return
        _down = False
    logger.warning("Cache partagé de nouveau joignable.")


class SharedCache(RedisCache):
    def _quiet(self, default: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except RedisError as exc:
            _went_down(exc)
            return default
        _came_back()
        return result

    def get(self, key, default=None, version=None):
        return self._quiet(default, "get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._quiet(None, "set", key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._quiet(False, "add", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._quiet(False, "touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._quiet(False, "delete", key, version)

    def get_many(self, keys, version=None):
        return self._quiet({}, "get_many", keys, version)

    def has_key(self, key, version=None):
        return self._quiet(False, "has_key", key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._quiet([], "set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._quiet(None, "delete_many", keys, version)

    def probe(self) -> None:
        """Write and read back a key, raising when Redis does not answer (``/sante/``)."""
        key, value = "health:probe", uuid.uuid4().hex
        super().set(key, value, 30)
        if super().get(key) != value:
            raise RuntimeError("la valeur écrite n'a pas été relue")
