"""A structure's logo: a small PNG, JPEG or WebP image shown on its public pages (survey,
complaint form, transparency page). SVG is refused: it is a document that can carry
scripts, not only a picture."""

import uuid

from django.core.exceptions import ValidationError

from barometre.core.uploads import EXTENSIONS

MAX_BYTES = 200 * 1024
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def image_type(head: bytes) -> str | None:
    """The image's content type read from its first bytes, or None when it is not one of
    the accepted formats (whatever its name says)."""
    for signature, content_type in _SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def validate_logo(file) -> None:
    if file.size > MAX_BYTES:
        raise ValidationError(
            f"Logo trop lourd : {file.size // 1024} Ko pour {MAX_BYTES // 1024} Ko au plus."
        )
    file.seek(0)
    head = file.read(12)
    file.seek(0)
    if image_type(head) is None:
        raise ValidationError("Logo refusé : une image PNG, JPEG ou WebP est attendue.")


def logo_path(structure, filename: str) -> str:
    """Where a logo is stored, as evidence files are: under a generated name, with the
    extension of what the file is (read from its first bytes), never the uploaded one."""
    file = structure.logo.file
    position = file.tell()
    file.seek(0)
    head = file.read(12)
    file.seek(position)
    extension = EXTENSIONS.get(image_type(head) or "", "bin")  # validate_logo refused others
    return f"logos/{uuid.uuid4().hex}.{extension}"
