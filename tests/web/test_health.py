"""``/sante/`` for the load balancer: 200 only when the database, and the shared cache and
the file storage when configured, answer; otherwise 503 naming the part, with one log line
when it goes and one when it comes back, not a traceback per request."""

import logging

import pytest
from django.core.files.storage import InMemoryStorage
from django.test import Client

from barometre.core import health
from tests.redis_server import redis_caches, require_redis
from tests.web.test_outage import database_unreachable

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


class BrokenStorage(InMemoryStorage):
    """Object storage whose server does not answer."""

    def exists(self, name):
        raise OSError("Could not connect to the endpoint URL: https://s3.example.fr/")


@pytest.fixture(autouse=True)
def _nothing_failing():
    health._failing.clear()
    yield
    health._failing.clear()


def _asked(times: int) -> list:
    client = Client(raise_request_exception=False)
    return [client.get("/sante/") for _ in range(times)]


def _logged(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name in ("barometre.health", "django.request")]


def test_everything_answers():
    response = Client().get("/sante/")
    assert (response.status_code, response.text) == (200, "ok")
    assert response["Cache-Control"] == "no-store"


def test_the_database_out_of_reach_is_503_logged_once(caplog):
    caplog.set_level(logging.INFO)
    with database_unreachable():
        answers = _asked(100)
    assert {a.status_code for a in answers} == {503}
    assert answers[0]["Retry-After"] == "30"
    assert answers[0].text.startswith("base de données : injoignable (")
    logged = _logged(caplog)
    assert [(r.name, r.levelname) for r in logged] == [("barometre.health", "ERROR")]
    assert not any(r.exc_info for r in caplog.records)
    assert sum(len(r.getMessage()) for r in caplog.records) < 2000
    assert _asked(1)[0].status_code == 200
    assert _logged(caplog)[-1].getMessage() == (
        "Contrôle de santé : base de données de nouveau joignable."
    )


def test_a_shared_cache_out_of_reach_is_503_logged_once(settings, caplog):
    caplog.set_level(logging.INFO)
    settings.CACHE_URL = DEAD_REDIS
    settings.CACHES = redis_caches(DEAD_REDIS)
    answers = _asked(20)
    assert {a.status_code for a in answers} == {503}
    assert answers[0].text.startswith("cache partagé : injoignable (")
    assert "base de données" not in answers[0].text
    assert len(_logged(caplog)) == 1 and not any(r.exc_info for r in caplog.records)


@pytest.mark.slow
def test_the_shared_cache_answering_again_is_200_and_logged(settings, caplog):
    require_redis()
    caplog.set_level(logging.INFO)
    settings.CACHE_URL = DEAD_REDIS
    settings.CACHES = redis_caches(DEAD_REDIS)
    assert _asked(1)[0].status_code == 503
    settings.CACHE_URL = redis_caches()["default"]["LOCATION"]
    settings.CACHES = redis_caches()
    assert [a.status_code for a in _asked(3)] == [200, 200, 200]
    assert [r.getMessage() for r in _logged(caplog)][-1] == (
        "Contrôle de santé : cache partagé de nouveau joignable."
    )


def test_a_configured_storage_out_of_reach_is_503(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.web.test_health.BrokenStorage"},
    }
    answer = _asked(1)[0]
    assert answer.status_code == 503
    assert answer.text == (
        "stockage des fichiers : injoignable (Could not connect to the endpoint URL: "
        "https://s3.example.fr/)"
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert _asked(1)[0].status_code == 200


def test_the_local_cache_and_folder_are_not_checked(settings):
    assert list(health.parts()) == ["base de données"]


def test_pages_are_served_without_a_shared_cache_out_of_reach(settings, caplog):
    """The cache only spares work: with Redis down, pages are rendered each time and the
    log has one line, not a traceback per request."""
    from barometre.core import cache as shared

    caplog.set_level(logging.INFO)
    shared._down = False
    settings.CACHE_URL = DEAD_REDIS
    settings.CACHES = redis_caches(DEAD_REDIS)
    pages = [Client(raise_request_exception=False).get("/") for _ in range(10)]
    assert {p.status_code for p in pages} == {200}
    assert [r.getMessage() for r in caplog.records if r.name == "barometre.cache"] == [
        "Cache partagé injoignable : Error 111 connecting to 127.0.0.1:1. Connection refused. "
        "Pages calculées sans lui."
    ]
    assert not any(r.exc_info for r in caplog.records)
    shared._down = False
