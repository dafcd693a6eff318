"""The real Redis server of the tests that need one (marked ``slow``).

``BAROMETRE_TEST_REDIS_URL`` names it (a database of its own: the tests empty it). When it
does not answer, these tests are skipped on a developer's machine but fail in CI (``CI``
set), where scripts/system-deps.sh installs Redis."""

import os

import pytest

REDIS_URL = os.environ.get("BAROMETRE_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def redis_caches(url: str = REDIS_URL) -> dict:
    return {
        "default": {
            "BACKEND": "barometre.core.cache.SharedCache",
            "LOCATION": url,
            "KEY_PREFIX": "barometre-test",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def require_redis(url: str = REDIS_URL) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        message = f"Redis injoignable à {url} : {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def shared_cache(settings):
    """Django's cache on the real Redis server, emptied before and after."""
    from django.core.cache import cache

    require_redis()
    settings.CACHES = redis_caches()
    cache.clear()
    yield cache
    cache.clear()
