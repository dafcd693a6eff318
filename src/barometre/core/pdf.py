"""PDF documents rendered with WeasyPrint from Django templates: A4, French, the Marianne
font embedded (subset) from django-dsfr's static files. Templates extend
their app's layout and receive ``font_faces`` for their style sheet.

What every document shares is prepared once per process (and thread): the font
configuration (Fontconfig and Pango's font map, the Marianne faces decoded once), the
URL fetcher, and the parsed style sheets. A document's ``<style>`` elements are taken out
of its HTML and given to WeasyPrint as style sheets parsed once, in the same order and
with the same (author) origin, so the cascade and the document are the same; for a
batch of reports this is a fifth of the time of each one."""

import hashlib
import os
import re
import shutil
import threading
from functools import cache
from multiprocessing.util import Finalize
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

BASE_URL = str(Path(__file__).parent)
# Our templates' style elements (what a template prints is escaped: a text never holds
# a "<style>" tag).
STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
STYLESHEETS_KEPT = 32


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


class _Shared(threading.local):
    """WeasyPrint's font configuration, URL fetcher and parsed style sheets, for one
    process and thread (a forked process makes its own: Fontconfig's state is not
    shared across a fork)."""

    pid: int | None = None
    font_config: "FontConfiguration"
    url_fetcher: "URLFetcher"
    stylesheets: "dict[str, CSS]"

    def get(self):
        if self.pid != os.getpid():
            from weasyprint.text.fonts import FontConfiguration
            from weasyprint.urls import URLFetcher

            if self.pid is not None:
                # Forked: the parent's configuration is the parent's; dropping this copy
                # must not delete the parent's decoded fonts.
                self.font_config._folder = None
            self.pid = os.getpid()
            self.font_config = FontConfiguration()
            # Its decoded fonts are deleted when the process ends, even a forked worker
            # ending with os._exit (multiprocessing runs its finalizers first).
            Finalize(self.font_config, _delete_fonts, args=(self.font_config,), exitpriority=1)
            self.url_fetcher = URLFetcher()
            self.stylesheets = {}
        return self

    def stylesheet(self, text: str):
        from weasyprint import CSS

        sheet = self.stylesheets.get(text)
        if sheet is None:
            if len(self.stylesheets) >= STYLESHEETS_KEPT:
                self.stylesheets.clear()
            sheet = self.stylesheets[text] = CSS(
                string=text,
                base_url=BASE_URL,
                url_fetcher=self.url_fetcher,
                font_config=self.font_config,
            )
        return sheet


def _delete_fonts(font_config) -> None:
    folder, font_config._folder = font_config._folder, None
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


_shared = _Shared()


def render_html(template: str, context: dict) -> str:
    """The HTML of a PDF document, as ``html_to_pdf`` lays it out."""
    return render_to_string(template, {**context, "font_faces": font_faces()})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported on use: it loads Pango at import

    shared = _shared.get()
    stylesheets = [shared.stylesheet(text) for text in STYLE.findall(html)]
    document = HTML(
        string=STYLE.sub("", html), base_url=BASE_URL, url_fetcher=shared.url_fetcher
    ).render(font_config=shared.font_config, stylesheets=stylesheets)
    # The title a PDF reader shows, from the template's <title>: laid out on its own
    # lines by the template formatter, its spaces are collapsed as a browser would.
    document.metadata.title = " ".join((document.metadata.title or "").split())
    return document.write_pdf()


def html_digest(html: str) -> str:
    """What identifies a document's PDF: the same HTML laid out by the same WeasyPrint
    gives the same document."""
    import weasyprint

    return hashlib.sha256(f"{weasyprint.__version__}\n{html}".encode()).hexdigest()


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_html(template, context))


PDF_CACHE_SECONDS = 3600


def cached_pdf(template: str, context: dict) -> bytes:
    """``render_pdf``, laid out once per HTML: the HTML is built from the data each time
    (so the document is never stale), and the PDF of the same HTML, by its digest, comes
    from the cache. Whoever gets a cached PDF produced the very same HTML."""
    from django.core.cache import cache

    html = render_html(template, context)
    key = f"pdf:{html_digest(html)}"
    content = cache.get(key)
    if content is None:
        content = html_to_pdf(html)
        cache.set(key, content, PDF_CACHE_SECONDS)
    return content
