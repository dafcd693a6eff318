"""Test settings: the production settings with fast hashing and test-friendly storage.

The database comes from DATABASE_URL like in production (CI sets it to PostgreSQL);
without it, tests run on SQLite.
"""

import os

os.environ.setdefault("BAROMETRE_SECRET_KEY", "test-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("BAROMETRE_SSL_REDIRECT", "false")

from .main import *  # noqa: F403
from .main import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
