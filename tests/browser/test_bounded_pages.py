"""Pages that no longer list the whole registry or ranking, as an operator uses them."""

import datetime as dt

import pytest

from barometre.accounts.models import User
from barometre.campaigns import lifecycle
from barometre.campaigns.models import GridVersion
from barometre.demo.data import load_demo_data
from barometre.engine.grid import DATA_DIR
from tests.samples import fabricate_result_set

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_operator_picks_a_parent_among_proposals_and_pages_through_the_ranking(browser):
    load_demo_data(national=False)
    operator = User.objects.get(username="operateur")
    page = browser.login("operateur")
    page.goto(f"{browser.base_url}/structures/nouvelle/")
    parent = page.locator("input[name=parent]")
    parent.fill("Loiret")
    page.wait_for_function(
        "() => document.querySelectorAll('#id_parent-options option').length > 0"
    )
    proposals = page.locator("#id_parent-options option").all_text_contents()
    assert any("Préfecture du Loiret" in text for text in proposals), proposals
    browser.shot("parent")
    edition = lifecycle.create_edition(
        year=2025,
        name="Baromètre 2025",
        grid=GridVersion.objects.create(
            grid_id="barometre-2025", version=1, yaml=(DATA_DIR / "barometre-2025.yaml").read_text()
        ),
        enrolment_opens=dt.date(2025, 1, 6),
        enrolment_closes=dt.date(2025, 4, 30),
        fieldwork_starts=dt.date(2025, 5, 5),
        fieldwork_ends=dt.date(2025, 7, 25),
        by=operator,
    )
    result_set = fabricate_result_set(edition, 120, by=operator, published=False)
    page.goto(f"{browser.base_url}/resultats/editions/{result_set.edition_id}/#classement")
    assert page.locator(".fr-pagination").count() == 1
    page.select_option("select[name=category]", "Communes B")
    page.locator("form[role=search] button").click()
    page.wait_for_load_state()
    assert "60 structures, affichées de 1 à 50" in page.content()
    browser.shot("ranking")
    assert browser.errors == []
