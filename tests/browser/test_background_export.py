"""A large export as the operator lives it: the request leads to the progress page, the
file is offered there and under « Mes exports » in the header, and it downloads."""

import datetime as dt

import pytest

from barometre.accounts.models import User
from barometre.campaigns import lifecycle
from barometre.campaigns.models import GridVersion
from barometre.demo.data import load_demo_data
from barometre.engine.grid import DATA_DIR
from tests.browser.conftest import check_accessibility
from tests.samples import fabricate_result_set

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_operator_finds_a_large_export_again_under_my_exports(browser, settings):
    settings.BAROMETRE_EXPORT_BACKGROUND_ROWS = 10
    load_demo_data(national=False)
    operator = User.objects.get(username="operateur")
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
    result_set = fabricate_result_set(edition, 30, by=operator, published=False)
    page = browser.login("operateur")
    # The tests' task backend runs the export at once: the progress page offers the file.
    page.goto(
        f"{browser.base_url}/resultats/editions/{edition.pk}/versions/{result_set.version}/export/"
    )
    page.wait_for_load_state()
    assert "/exports/" in page.url
    assert page.get_by_role("link", name="Télécharger").count() == 1
    browser.shot("ready")
    page.get_by_role("link", name="Mes exports").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Mes exports"
    assert "Export des résultats — Baromètre 2025" in page.content()
    browser.shot("list")
    assert check_accessibility(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert browser.errors == []
