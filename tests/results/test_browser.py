"""The vendored DSFR charts draw in a real browser under the Content Security Policy
(Debian's Chromium driven by Playwright); screenshots are kept as test artefacts."""

import pytest

from tests.browser.conftest import browser, chromium  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Mot-de-passe-du-test-2025"


def test_dashboard_and_synthesis_draw_their_charts(
    fabricate,
    browser,  # noqa: F811
    manager_a,
    structure_a,
):
    from barometre.results.models import StructureResult

    result_set = fabricate(30)
    # Give the manager's structure the first fabricated result.
    first = result_set.structures.order_by("pk").first()
    StructureResult.objects.filter(pk=first.pk).update(structure=structure_a)
    manager_a.set_password(PASSWORD)
    manager_a.save()
    page = browser.login(manager_a.username, PASSWORD)
    page.get_by_role("link", name="Baromètre 2025 — Préfecture du Loiret").click()
    page.wait_for_selector("bar-chart canvas")
    page.wait_for_selector("radar-chart canvas")
    assert page.locator("h1").inner_text().startswith("Préfecture du Loiret")
    assert page.locator("canvas").count() == 3
    assert "Commune fictive" not in page.content()  # others are anonymous
    browser.shot("tableau-de-bord")
    browser.goto(f"/resultats/synthese/{result_set.edition_id}/")
    page.wait_for_selector("bar-chart canvas")
    assert page.locator("canvas").count() == 3
    # The charts' tooltips are HTML with style attributes (the colour of each dot): the
    # policy allows style attributes, and only them (no inline script, no <style>).
    colour = page.evaluate("""() => {
        const box = document.createElement("div");
        document.body.appendChild(box);
        box.innerHTML = '<span id="dot" style="color: rgb(1, 2, 3)">x</span>';
        return getComputedStyle(document.getElementById("dot")).color;
    }""")
    assert colour == "rgb(1, 2, 3)"
    browser.shot("synthese")
    assert browser.errors == []
