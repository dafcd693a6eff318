"""The vendored DSFR charts draw in a real browser under the Content Security Policy
(Debian's Chromium driven by Playwright); screenshots are kept as test artefacts."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync"]  # fmt: skip
PASSWORD = "Mot-de-passe-du-test-2025"


def test_dashboard_and_synthesis_draw_their_charts(fabricate, live_server, manager_a,
                                                    structure_a):  # fmt: skip
    from barometre.results.models import StructureResult

    result_set = fabricate(30)
    # Give the manager's structure the first fabricated result.
    first = result_set.structures.order_by("pk").first()
    StructureResult.objects.filter(pk=first.pk).update(structure=structure_a)
    manager_a.set_password(PASSWORD)
    manager_a.save()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{live_server.url}/connexion/")
        page.fill("input[name=username]", manager_a.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.get_by_role("link", name="Baromètre 2025 — Préfecture du Loiret").click()
        page.wait_for_selector("bar-chart canvas")
        page.wait_for_selector("radar-chart canvas")
        assert page.locator("h1").inner_text().startswith("Préfecture du Loiret")
        assert page.locator("canvas").count() == 3
        assert "Commune fictive" not in page.content()  # others are anonymous
        page.screenshot(path=str(ARTIFACTS / "tableau-de-bord.png"), full_page=True)
        page.goto(f"{live_server.url}/resultats/synthese/{result_set.edition_id}/")
        page.wait_for_selector("bar-chart canvas")
        assert page.locator("canvas").count() == 3
        page.screenshot(path=str(ARTIFACTS / "synthese.png"), full_page=True)
        browser.close()
    assert problems == []
