"""PDF documents rendered with WeasyPrint from Django templates: A4, French, the Marianne
font embedded (subset) from django-dsfr's static files. Templates extend
their app's layout and receive ``font_faces`` for their style sheet."""

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


@cache
def font_faces() -> str:
    faces = []
    for weight, name in ((400, "Regular"), (700, "Bold")):
        found = finders.find(f"dsfr/dist/fonts/Marianne-{name}.woff")
        if found:
            faces.append(
                f"@font-face {{ font-family: Marianne; font-weight: {weight}; "
                f"src: url('{Path(found).as_uri()}') format('woff'); }}"
            )
    return "\n".join(faces)


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported on use: it loads Pango at import

    html = render_to_string(template, {**context, "font_faces": font_faces()})
    return HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf()
