"""Test settings: the production settings with fast hashing and test-friendly storage.

The database comes from DATABASE_URL like in production (CI sets it to PostgreSQL);
without it, tests run on SQLite.
"""

import os

os.environ.setdefault("BAROMETRE_SECRET_KEY", "test-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("BAROMETRE_SSL_REDIRECT", "false")

from .main import *  # noqa: F403
from .main import BASE_DIR, DATABASES, STORAGES

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A test database in a file, not in memory, so that `--reuse-db` (make test-fast) keeps
    # it migrated between runs; pytest-django suffixes it per xdist worker (_gw0, _gw1…).
    # After switching to a branch whose migrations differ, run once with `--create-db`; two
    # runs at once in one checkout need their own file (BAROMETRE_TEST_DB=…).
    (BASE_DIR / "var" / "test").mkdir(parents=True, exist_ok=True)
    name = os.environ.get("BAROMETRE_TEST_DB", str(BASE_DIR / "var" / "test" / "barometre.sqlite3"))
    DATABASES["default"]["TEST"] = {"NAME": name}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
