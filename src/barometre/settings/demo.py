"""The demo of ``barometre demo`` (``make demo``): the production settings, debug off, so
that a newcomer sees what users will see (error pages, no debug details), served over
plain HTTP on this machine.

What production needs and a demo on 127.0.0.1 cannot have is relaxed here, and only here:
a secret key generated once and kept under the data folder, cookies and no HTTPS
redirect on plain HTTP, and static files served by whitenoise straight from the apps'
folders (no ``collectstatic`` to run, nothing to compress at start)."""

import os
import secrets
from pathlib import Path

from barometre.settings.env import env_str

_data_dir = Path(env_str("BAROMETRE_DATA_DIR", str(Path(__file__).resolve().parents[3] / "var")))
_key_file = _data_dir / "demo-secret-key"
if "BAROMETRE_SECRET_KEY" not in os.environ:
    if not _key_file.exists():
        _data_dir.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    os.environ["BAROMETRE_SECRET_KEY"] = _key_file.read_text().strip()
os.environ.setdefault("BAROMETRE_SSL_REDIRECT", "false")

from .main import *  # noqa: E402, F403
from .main import STORAGES  # noqa: E402

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
