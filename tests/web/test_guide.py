"""The user guide (docs/guide) served as the site's help pages."""

from pathlib import Path

import pytest
from django.urls import reverse

from barometre.web.views import GUIDE_PAGES

pytestmark = pytest.mark.django_db
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"


def test_every_guide_file_is_a_help_page():
    assert sorted(GUIDE_PAGES.values()) == sorted(p.name for p in GUIDE.glob("*.md"))


def test_help_pages_render_with_working_links(client):
    index = client.get(reverse("guide")).content.decode()
    assert "<h1>Guide d'utilisation de Baromètre</h1>" in index
    assert 'href="/aide/operateur/"' in index and '.md"' not in index
    for slug in GUIDE_PAGES:
        if slug:
            page = client.get(reverse("guide_page", args=[slug]))
            assert page.status_code == 200 and page.content.decode().count("<h1>") == 1, slug
    assert client.get(reverse("guide_page", args=["inconnue"])).status_code == 404
    assert 'href="/aide/"' in client.get(reverse("login")).content.decode()  # in the header
