"""While the database is out of reach every request answers 503 with Retry-After (a
French page, the API's error format, ``/sante/`` too) and the log has one line when it
goes and one when it comes back, whatever the number of requests."""

import json
import logging
import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.test import Client

from barometre.core import outage

REFUSED = {
    "sqlite": "unable to open database file",
    "postgresql": 'connection failed: connection to server at "127.0.0.1", port 1 failed: '
    "Connection refused",
}


@pytest.fixture(autouse=True)
def _database_answers():
    outage.came_back("test")
    yield
    outage.came_back("test")


@contextmanager
def database_unreachable():
    """Every new query fails as when the server refuses connections: the driver's own
    error, wrapped by Django as a real refusal is."""

    def refuse():
        with connection.wrap_database_errors:
            raise connection.Database.OperationalError(REFUSED[connection.vendor])

    with mock.patch.object(connection, "ensure_connection", refuse):
        yield


@pytest.fixture
def signed_in(operator):
    client = Client(raise_request_exception=False)
    client.force_login(operator)
    return client


def _records(caplog):
    return [r for r in caplog.records if r.name in ("barometre.outage", "django.request")]


@pytest.mark.django_db
def test_pages_the_api_and_health_answer_503_and_the_log_has_two_lines(signed_in, caplog):
    caplog.set_level(logging.INFO)
    with database_unreachable():
        pages = [signed_in.get("/") for _ in range(10)]
        api = signed_in.get("/api/v1/structures")
        health = Client(raise_request_exception=False).get("/sante/")
    for response in [*pages, api, health]:
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
    assert "Service momentanément indisponible" in pages[0].text
    assert "base de données est injoignable" in pages[0].text
    assert json.loads(api.content)["code"] == "unavailable"
    assert [(r.name, r.levelname) for r in _records(caplog)] == [("barometre.outage", "ERROR")]
    assert "Base de données injoignable (web)" in _records(caplog)[0].getMessage()
    assert signed_in.get("/").status_code == 200
    assert signed_in.get("/").status_code == 200
    lines = [r.getMessage() for r in _records(caplog)]
    assert len(lines) == 2 and lines[1] == "Base de données de nouveau joignable (web)."


def test_only_connection_failures_count_as_an_outage():
    def wrapped(driver_error):
        try:
            with connection.wrap_database_errors:
                raise driver_error
        except Exception as exc:  # what Django raises
            return exc

    database = connection.Database
    assert outage.is_unreachable(wrapped(database.OperationalError(REFUSED[connection.vendor])))
    assert not outage.is_unreachable(wrapped(database.IntegrityError("UNIQUE constraint failed")))
    assert not outage.is_unreachable(IntegrityError("duplicate key"))
    assert not outage.is_unreachable(ValueError("autre chose"))
    if connection.vendor == "sqlite":
        assert not outage.is_unreachable(wrapped(database.OperationalError("database is locked")))
    else:
        from psycopg import errors

        assert outage.is_unreachable(wrapped(errors.AdminShutdown("terminating connection")))
        assert not outage.is_unreachable(wrapped(errors.QueryCanceled("statement timeout")))
        assert not outage.is_unreachable(wrapped(errors.LockNotAvailable("lock timeout")))
    assert isinstance(wrapped(database.OperationalError("x")), OperationalError)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real refused connection")
def test_a_server_that_refuses_connections_answers_503_on_postgresql(operator, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(operator)
    caplog.set_level(logging.INFO)
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = _closed_port()
    try:
        statuses = {client.get("/").status_code for _ in range(20)}
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert statuses == {503}
    assert client.get("/").status_code == 200
    assert [r.levelname for r in _records(caplog)] == ["ERROR", "WARNING"]


@pytest.mark.parametrize(("max_age", "checked"), [("60", "True"), ("0", "False")])
def test_kept_connections_are_checked_before_reuse(max_age, checked):
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
        "BAROMETRE_DEBUG": "true",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/barometre",
        "BAROMETRE_DB_CONN_MAX_AGE": max_age,
    }
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.strip() == checked, run.stderr
