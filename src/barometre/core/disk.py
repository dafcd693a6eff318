"""The local disk on a bad day. A full disk (``ENOSPC``, or the user's quota:
``EDQUOT``) refuses one file with a French message and leaves nothing half-written: the
storage removes the part it wrote. Temporary files (exports being written, report batches,
XlsxWriter's sheets) live in a private folder of the data directory, not in /tmp: a
process killed while writing leaves them there, and the daily purge removes those older
than ``core.background.STALE_AFTER``."""

import contextlib
import errno
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage

from barometre.core.background import STALE_AFTER

FULL = {errno.ENOSPC, errno.EDQUOT}


class DiskFull(Exception):
    """A file not written for want of space; nothing of it is left on the disk."""

    def __init__(self, what: str = "le fichier"):
        super().__init__(f"espace disque insuffisant : {what} n'a pas été enregistré")


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, DiskFull) or (isinstance(exc, OSError) and exc.errno in FULL)


if TYPE_CHECKING:
    _StorageBase = FileSystemStorage
else:
    _StorageBase = object


class RemovesPartialFiles(_StorageBase):
    """For a file storage: a save that fails for want of space removes what it wrote and
    raises ``DiskFull``. (The name reaching ``_save`` is one the storage has just found
    free, and our uploads are named by UUID: the file removed is the one being written.)"""

    def _save(self, name: str, content: File) -> str:
        try:
            # django-stubs leave out Storage._save, the method Django documents for
            # custom storages to override.
            saved: str = super()._save(name, content)  # type: ignore[misc]
            return saved
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            with contextlib.suppress(OSError):
                os.remove(self.path(name))
            raise DiskFull() from exc


class LocalStorage(RemovesPartialFiles, FileSystemStorage):
    """The default storage of uploads and generated files on the local disk."""


def temp_dir() -> Path:
    """The private folder of temporary files (created readable by its owner only)."""
    path = Path(settings.BAROMETRE_TEMP_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def named_temporary_file(**options):
    return tempfile.NamedTemporaryFile(dir=temp_dir(), **options)


def temporary_file(**options):
    return tempfile.TemporaryFile(dir=temp_dir(), **options)


def purge_temporary_files(now: float | None = None) -> int:
    """Remove the temporary files untouched for ``STALE_AFTER`` (left by a killed
    process: a live one writes its files on); return how many."""
    limit = (now or time.time()) - STALE_AFTER.total_seconds()
    removed = 0
    for path in temp_dir().iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
    return removed
