"""Short links, QR codes (segno) and the printable A4 poster of a collection point."""

import io

import segno
from django.conf import settings
from django.urls import reverse

from barometre.core.pdf import render_pdf
from barometre.improvement.models import CollectionPoint


def public_url(point: CollectionPoint) -> str:
    return settings.BAROMETRE_SITE_URL.rstrip("/") + reverse("public:point", args=[point.token])


def qr_svg(point: CollectionPoint, *, scale: int = 8) -> str:
    buffer = io.BytesIO()
    code = segno.make(public_url(point), error="m")
    code.save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, title=point.label)
    return buffer.getvalue().decode()


def qr_png(point: CollectionPoint, *, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    segno.make(public_url(point), error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def poster_pdf(point: CollectionPoint) -> bytes:
    return render_pdf(
        "improvement/poster.html",
        {
            "point": point,
            "structure": point.structure,
            "url": public_url(point),
            "qr": qr_svg(point, scale=12),
        },
    )
