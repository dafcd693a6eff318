"""A disk that fills up in the middle of a file: the storage writes half of it, then the
system answers ENOSPC, as a real full disk does. ``full_disk(settings)`` makes it the
default storage (with the project's clean-up on top)."""

import errno
import os
from pathlib import Path

from django.core.files.storage import FileSystemStorage

from barometre.core.disk import RemovesPartialFiles


class HalfWritten(FileSystemStorage):
    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.read()
        with open(path, "wb") as handle:
            handle.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class FullDisk(RemovesPartialFiles, HalfWritten):
    pass


def full_disk(settings, tmp_path) -> Path:
    """The media folder (returned) and the temporary folder under ``tmp_path``, on a full
    disk."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.BAROMETRE_TEMP_DIR = tmp_path / "tmp"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.disk.FullDisk", "OPTIONS": {}},
    }
    return media


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
