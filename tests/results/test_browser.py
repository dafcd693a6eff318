"""The vendored DSFR charts draw in a real browser under the Content Security Policy
(Debian's Chromium driven by Playwright); screenshots are kept as test artefacts."""

import re

import pytest

from tests.browser.conftest import browser, chromium  # noqa: F401 - shared fixtures
from tests.results.test_palmares import ranked  # noqa: F401

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


def test_the_jury_chooses_the_second_and_the_first_keeps_its_place(
    ranked,  # noqa: F811
    browser,  # noqa: F811
    operator,
):
    """The operator confirms the 2nd of the ranking as laureate from the results page: the
    distinctions still name the 1st (« 1er de sa catégorie »), and say that the laureate
    was the jury's choice, with its note."""
    from barometre.campaigns.models import Enrolment
    from barometre.results.palmares import palmares

    Enrolment.objects.filter(edition=ranked.edition).update(publish_results=True)
    (category,) = palmares(ranked)
    first, second = category.ranking[:2]
    operator.set_password(PASSWORD)
    operator.save()
    browser.login(operator.username, PASSWORD)
    page = browser.goto(f"/resultats/editions/{ranked.edition_id}/")
    page.select_option("select[name=structure]", str(second.structure_id))
    page.fill("textarea[name=jury_note]", "Un rappel systématique des usagers")
    page.get_by_role("button", name="Confirmer le lauréat").click()
    page.wait_for_load_state()
    message = page.locator(".fr-alert--success").inner_text()
    assert second.structure.name in message
    table = page.locator("table", has_text="Distinctions").first
    rows = [" ".join(r.split()) for r in table.locator("tbody tr").all_inner_texts()]
    assert rows[0].startswith(
        f"Lauréat choisi par le jury, 2e du classement {second.structure.name}"
    )
    assert rows[1].startswith(f"1er de sa catégorie {first.structure.name}")
    assert "Un rappel systématique des usagers" in page.content()
    # Identical audits give a bootstrap interval of zero width: never printed as one.
    assert not re.search(r"(\d+,\d) – \1\b", page.content())
    assert "pas d'intervalle : aucun écart entre les audits" in page.content()
    browser.shot("laureat-choisi-par-le-jury")
