import itertools
import re

import pytest
from django.urls import reverse


@pytest.fixture
def page(client_for, operator):
    def get(url="/"):
        return client_for(operator).get(url)

    return get


def test_operator_identity_is_configurable(page, settings):
    settings.OPERATOR = {
        **settings.OPERATOR,
        "name": "Observatoire de l'accueil",
        "tagline": "Relation usagers",
    }
    html = page().text
    assert "Observatoire de l&#x27;accueil" in html
    assert "<title>Accueil — Observatoire de l&#x27;accueil</title>" in html


def test_the_bloc_marque_appears_only_for_a_state_service(page, settings):
    assert 'class="fr-logo"' not in page().text
    settings.OPERATOR = {**settings.OPERATOR, "is_state_service": True, "brand": "Préfet|du Loiret"}
    html = page().text
    assert '<p class="fr-logo">Préfet<br>du Loiret</p>' in html


def test_pages_have_skip_links_language_and_one_h1(page, structure_a):
    for url in [
        "/",
        reverse("structures:list"),
        reverse("structures:detail", args=[structure_a.pk]),
    ]:
        html = page(url).text
        assert '<html lang="fr"' in html
        assert 'href="#content"' in html and 'id="content"' in html
        assert 'id="footer"' in html
        assert len(re.findall(r"<h1[ >]", html)) == 1, url


def test_headings_do_not_skip_levels(page, structure_a):
    for url in ["/", reverse("structures:detail", args=[structure_a.pk])]:
        levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", page(url).text)]
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (url, levels)


def test_form_fields_have_labels(page):
    html = page(reverse("structures:create")).text
    fields = re.findall(r"<(?:input|select|textarea)[^>]*>", html)
    visible = [f for f in fields if 'type="hidden"' not in f and "csrfmiddlewaretoken" not in f]
    assert len(visible) > 10
    for tag in visible:
        field_id = re.search(r'\sid="([^"]+)"', tag).group(1)
        assert f'for="{field_id}"' in html, field_id


def test_csp_forbids_inline_scripts(page):
    response = page()
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"].startswith("'self'")
    # Only style attributes may be inline (the charts' tooltips): no script, no <style>.
    assert [name for name, value in directives.items() if "unsafe-inline" in value] == [
        "style-src-attr"
    ]
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert scripts
    for tag in scripts:
        assert 'src="/static/' in tag, tag


def test_static_assets_are_served_locally(page):
    html = page().text
    assert "/static/dsfr/dist/dsfr/dsfr.min.css" in html
    assert not re.search(r'(src|href)="https?://(?!www\.|service-public|legifrance)', html)


def test_home_page_per_role(client_for, personas):
    texts = {name: client_for(user).get("/").text for name, user in personas.items() if user}
    assert "Pilotage du baromètre" in texts["operator"]
    assert "Enquêteur mystère" in texts["auditor"]
    assert "Préfecture du Loiret" in texts["manager_a"]
    assert "Ville de Metz" in texts["manager_b"] and "Préfecture" not in texts["manager_b"]
    assert "Agent" in texts["agent_a"] and "Lecteur" in texts["viewer_a"]
    assert "n'a pas encore de rôle" in texts["no_role"]
    assert "Pilotage du baromètre" not in texts["manager_a"]


def test_health_answers_without_login(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.text == "ok"


def test_structure_pages_have_breadcrumbs(page, structure_a):
    html = page(reverse("structures:detail", args=[structure_a.pk])).text
    assert 'class="fr-breadcrumb"' in html
    assert '<a class="fr-breadcrumb__link" href="/structures/">Structures</a>' in html
    assert 'aria-current="page">Préfecture du Loiret</a>' in html
    assert 'aria-current="page">Structures</a>' in page(reverse("structures:list")).text
