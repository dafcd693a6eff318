"""Checking uploaded files by their content, never by their name."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from barometre.engine.tables import TableError, check_table, size_label

# Signature → (MIME type, French description). Offsets other than 0 are handled below.
_SIGNATURES = [
    (b"%PDF-", "application/pdf", "document PDF"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "image PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "image JPEG"),
    (b"GIF87a", "image/gif", "image GIF"),
    (b"GIF89a", "image/gif", "image GIF"),
    (b"ID3", "audio/mpeg", "enregistrement MP3"),
    (b"\xff\xfb", "audio/mpeg", "enregistrement MP3"),
    (b"\xff\xf3", "audio/mpeg", "enregistrement MP3"),
    (b"OggS", "audio/ogg", "enregistrement OGG"),
]
# A stored file takes its extension from its detected type, never from its uploaded name
# (a GIF named poly.html stays a GIF on disk and when downloaded).
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/wav": "wav",
    "audio/mp4": "m4a",
}
_FORBIDDEN = [
    (b"MZ", "programme exécutable Windows"),
    (b"\x7fELF", "programme exécutable"),
    (b"#!", "script exécutable"),
    (b"\xca\xfe\xba\xbe", "programme exécutable"),
    (b"PK\x03\x04", "archive ZIP"),
]


@dataclass(frozen=True)
class DetectedFile:
    mime: str
    description: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.mime]


class UploadRefused(Exception):
    pass


def import_limits() -> dict[str, int]:
    """The limits of every spreadsheet import, for ``read_table`` (docs/configuration.md)."""
    return {
        "max_bytes": settings.IMPORT_MAX_BYTES,
        "max_rows": settings.IMPORT_MAX_ROWS,
        "max_cells": settings.IMPORT_MAX_CELLS,
    }


def detect(head: bytes) -> DetectedFile | None:
    for signature, mime, description in _SIGNATURES:
        if head.startswith(signature):
            return DetectedFile(mime, description)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return DetectedFile("image/webp", "image WebP")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return DetectedFile("audio/wav", "enregistrement WAV")
    if head[4:8] == b"ftyp" and head[8:11] in (b"M4A", b"mp4", b"iso"):
        return DetectedFile("audio/mp4", "enregistrement M4A")
    return None


def check_upload(uploaded, *, max_bytes: int, allowed: set[str]) -> DetectedFile:
    """Return what the file really is, or raise UploadRefused with a French reason."""
    if uploaded.size == 0:
        raise UploadRefused("Le fichier est vide.")
    if uploaded.size > max_bytes:
        raise UploadRefused(
            f"Le fichier pèse {size_label(uploaded.size)} ; la limite est de "
            f"{size_label(max_bytes)}."
        )
    head = uploaded.read(64)
    uploaded.seek(0)
    for signature, description in _FORBIDDEN:
        if head.startswith(signature):
            raise UploadRefused(
                f"Ce fichier est un {description}, quelle que soit son extension : refusé."
            )
    detected = detect(head)
    if detected is None or detected.mime not in allowed:
        raise UploadRefused(f"Format non reconnu : envoyez {expected_formats(allowed)}.")
    return detected


def expected_formats(allowed: set[str]) -> str:
    """« une image (PNG, JPEG) ou un PDF »: what an upload accepts, in words (a
    certificate is no audio recording, evidence may be one)."""
    names = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP"}
    sounds = {"audio/mpeg": "MP3", "audio/mp4": "M4A", "audio/wav": "WAV", "audio/ogg": "OGG"}
    images = [name for mime, name in names.items() if mime in allowed]
    audio = [name for mime, name in sounds.items() if mime in allowed]
    parts = [f"une image ({', '.join(images)})"] if images else []
    if "application/pdf" in allowed:
        parts.append("un PDF")
    if audio:
        parts.append(f"un enregistrement audio ({', '.join(audio)})")
    return ", ".join(parts[:-1]) + (" ou " if len(parts) > 1 else "") + parts[-1]


def check_import_file(uploaded) -> bytes:
    """The content of an uploaded spreadsheet, refused (UploadRefused, French) when it
    cannot be read safely: too large, not a table, or a workbook beyond the row and cell
    limits. Called before an import file is stored, so a stored file was measured once."""
    if uploaded.size > settings.IMPORT_MAX_BYTES:
        raise UploadRefused(
            f"Le fichier dépasse la limite de {size_label(settings.IMPORT_MAX_BYTES)} "
            f"(il pèse {size_label(uploaded.size)})."
        )
    content = uploaded.read()
    uploaded.seek(0)
    try:
        check_table(content, **import_limits())
    except TableError as exc:
        raise UploadRefused(str(exc)) from None
    return content


# On SQLite, an all-or-nothing import holds the database's only write lock while it
# writes, and other writers (pages, the task worker) fail with « database is locked »
# after 20 seconds of waiting. Measured on a loaded 2-core machine: about 2 500
# structures and 1 500 survey responses written per second; 20 000 stay under 15
# seconds. The audit import has no such ceiling: it writes with one prepared statement
# per kind of row (core.bulk), 35,451 answers in 3 s. PostgreSQL has no such limit. See
# docs/operations.md.
SQLITE_MAX_WRITES = 20_000


def sqlite_write_refusal(count: int, what: str) -> str | None:
    """The French refusal of an import that would write ``count`` ``what`` at once on
    SQLite, or None when it may."""
    if connection.vendor != "sqlite" or count <= SQLITE_MAX_WRITES:
        return None
    return (
        f"Le fichier écrirait {count} {what} d'un coup ; sur une base SQLite, un import en "
        f"écrit au plus {SQLITE_MAX_WRITES}, pour ne pas bloquer les autres enregistrements "
        "de la plateforme pendant l'écriture. Découpez le fichier."
    )
