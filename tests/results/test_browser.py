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


def test_on_a_phone_every_chart_label_is_wrapped_to_fit_and_the_chart_grows_taller(
    fabricate,
    browser,  # noqa: F811
):
    """QA at 390 px: the library left every other label out, or cut long ones, to fit a
    chart half as high as it is wide. The page wraps the labels to the width it has and
    gives the chart the height they need before the charts are drawn."""
    result_set = fabricate(30)
    page = browser.page
    page.set_viewport_size({"width": 390, "height": 844})
    browser.goto(f"/resultats/synthese/{result_set.edition_id}/")
    page.wait_for_selector("bar-chart canvas")
    charts = page.evaluate("""() => [...document.querySelectorAll("bar-chart")].map(c => ({
        x: JSON.parse(c.getAttribute("x"))[0],
        ratio: parseFloat(c.getAttribute("aspect-ratio")),
    }))""")
    assert charts
    for chart in charts:
        lines = [
            line for label in chart["x"] for line in (label if isinstance(label, list) else [label])
        ]
        assert all(len(line) <= 16 or " " not in line for line in lines), lines
        assert 0.4 <= chart["ratio"] <= 2
    # The channels (seven labels) need more height than half the width.
    assert any(len(chart["x"]) >= 7 and chart["ratio"] < 2 for chart in charts), charts
    # Whole words, never inside a number (« 20 » | « 000 »), at the desktop width too.
    for label, lines in [
        ("Départements", ["Départements"]),
        (
            "Développement économique, aménagement et tourisme",
            ["Développement économique,", "aménagement et tourisme"],
        ),
        (
            "Communes de 10 000 à 20 000 habitants et plus",
            ["Communes de 10 000 à", "20 000 habitants et plus"],
        ),
    ]:
        assert page.evaluate("label => window.barometreCharts.wrap(label, 26)", label) == lines
    browser.shot("telephone")
    assert browser.errors == []
