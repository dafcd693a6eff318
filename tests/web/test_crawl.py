"""Every page of the access matrix, for every persona, looks finished: French, no template
syntax or HTML entity printed as text, and no internal link that leads to a 404.

The matrix's objects are completed with what makes the public pages full: a published
national result set and a published transparency page."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from barometre.improvement.models import ImprovementProfile
from tests.samples import fabricate_result_set
from tests.web.test_access import ALL, MATRIX, matrix_objects, matrix_url

TEMPLATE_SYNTAX = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.I)
# Attributes read aloud or shown: checked like text.
SHOWN_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "value"}
SKIPPED = {"script", "style", "template"}


class Page(HTMLParser):
    """The visible text, the language and the links of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.lang = None
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in SKIPPED:
            self._skipping += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "input" and attrs.get("type") == "hidden":
            return
        self.texts += [v for k, v in attrs.items() if k in SHOWN_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data)


def read(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def problems_of(url: str, html: str) -> tuple[list[str], Page]:
    page = read(html)
    found = []
    if page.lang != "fr":
        found.append(f'{url} : lang="{page.lang}"')
    for text in page.texts:
        if TEMPLATE_SYNTAX.search(text):
            found.append(f"{url} : syntaxe de gabarit affichée : {text.strip()[:80]!r}")
        if ENTITY.search(text):
            found.append(f"{url} : entité HTML affichée : {text.strip()[:80]!r}")
    return found, page


def internal(href: str, base: str) -> str | None:
    """The path (and query) of a link to this site, None for anchors and other sites."""
    if href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc and parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_parser_sees_what_a_visitor_sees():
    html = (
        '<html lang="fr"><head><title>T</title><style>a{}</style></head><body>'
        "<p>L&#x27;accueil {# note</p><script>var a = '{{ x }}';</script>"
        '<a href="/aide/" title="Aide &amp;amp; méthode">Aide</a><p>&amp;#x27;</p></body></html>'
    )
    found, page = problems_of("/", html)
    assert page.lang == "fr" and page.links == ["/aide/"]
    assert found == [
        '/ : syntaxe de gabarit affichée : "L\'accueil {# note"',
        "/ : entité HTML affichée : 'Aide &amp; méthode'",
        "/ : entité HTML affichée : '&#x27;'",
    ]
    assert internal("?page=2", "/structures/") == "/structures/?page=2"
    assert internal("https://www.service-public.fr/", "/") is None
    assert internal("#content", "/") is None


@pytest.mark.parametrize("persona", ALL)
def test_every_page_is_french_clean_and_links_only_to_pages_that_exist(
    persona, personas, structure_a, structure_b, client_for
):
    ids = matrix_objects(personas, structure_a)
    result_set = fabricate_result_set(ids_edition(ids), 6, by=personas["operator"])
    # Structure A among the results, so that its dashboard is drawn.
    result_set.structures.filter(pk=result_set.structures.first().pk).update(structure=structure_a)
    ImprovementProfile.objects.create(structure=structure_a, publish_transparency=True)
    client = client_for(personas[persona])
    problems, links, checked = [], {}, 0
    for name in MATRIX:
        url = matrix_url(name, ids)
        response = client.get(url)
        if 300 <= response.status_code < 400 or not response["Content-Type"].startswith(
            "text/html"
        ):
            continue  # a redirect, a file
        found, page = problems_of(url, response.content.decode())
        problems += found
        checked += 1
        for href in page.links:
            if (target := internal(href, url)) is not None:
                links.setdefault(target, url)
    for target, source in sorted(links.items()):
        if client.get(target).status_code == 404:
            problems.append(f"{source} : lien vers {target} introuvable (404)")
    assert checked > 10 and links
    assert not problems, "\n".join(problems)


def ids_edition(ids: dict):
    from barometre.campaigns.models import Edition

    return Edition.objects.get(pk=ids["EDITION"])
