"""The demo serves with debug off, as users will see it, on plain HTTP at 127.0.0.1."""

import json
import os
import subprocess
import sys

import django.core.management

from barometre import cli

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(SERVER_NAME="127.0.0.1")
css = client.get("/static/dsfr/dist/dsfr.min.css")
missing = client.get("/pas-de-page-ici/")
print(json.dumps({
    "debug": settings.DEBUG, "key": settings.SECRET_KEY,
    "secure_cookies": settings.SESSION_COOKIE_SECURE or settings.CSRF_COOKIE_SECURE,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "css": [css.status_code, b"".join(css.streaming_content)[:6].decode()],
    "missing": [missing.status_code, missing.content.decode()],
}))
"""


def probe(data_dir) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAROMETRE_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "barometre.settings.demo",
        "BAROMETRE_DATA_DIR": str(data_dir),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_demo_runs_with_debug_off_and_serves_its_static_files(tmp_path):
    first = probe(tmp_path)
    assert first["debug"] is False
    assert first["secure_cookies"] is False and first["ssl_redirect"] is False
    assert first["css"] == [200, "@chars"]  # whitenoise, without collectstatic
    status, html = first["missing"]
    assert status == 404
    assert '<html lang="fr"' in html and "Page introuvable" in html
    assert "URLconf" not in html and "DEBUG" not in html
    # The secret key is made once and kept, so that sessions survive a restart.
    assert len(first["key"]) > 50
    assert (tmp_path / "demo-secret-key").read_text() == first["key"]
    assert probe(tmp_path)["key"] == first["key"]


def test_the_demo_command_selects_the_demo_settings(monkeypatch):
    seen = []
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    monkeypatch.setattr(
        django.core.management,
        "execute_from_command_line",
        lambda argv: seen.append((argv, os.environ["DJANGO_SETTINGS_MODULE"])),
    )
    cli.main(["barometre", "demo", "--no-serve"])
    assert seen == [(["barometre", "demo", "--no-serve"], "barometre.settings.demo")]
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    cli.main(["barometre", "serve"])
    assert seen[-1] == (["barometre", "serve"], "barometre.settings.main")
