"""The Annuaire import as the operator lives it (issue 30, item 5): the records of
Orléans and Montargis beside the structures entered by hand, each probable match decided
in the dry run, then the import."""

import pytest

from barometre.demo.data import load_demo_data
from barometre.structures.models import Structure
from tests.browser.conftest import check_accessibility
from tests.structures.annuaire_files import CCAS_ID, ORLEANS_ID, PREFECTURE_ID, api_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_operator_confirms_or_rejects_each_probable_match(browser, tmp_path):
    load_demo_data(national=False)  # with the Préfecture du Loiret, under a made-up SIRET
    ville = Structure.objects.create(
        name="Ville d'Orléans", identifier="10786041169733", kind="commune", department="45"
    )
    ville.city = "Orléans"
    ville.save()
    Structure.objects.create(
        name="CCAS d'Orléans",
        identifier="83858456182063",
        kind="social",
        department="45",
        city="Orléans",
    )
    path = tmp_path / "annuaire-loiret.json"
    path.write_bytes(api_bytes())
    page = browser.login("operateur")
    page.goto(f"{browser.base_url}/structures/import/annuaire/")
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=types]", "mairie, prefecture, ccas")
    page.select_option("select[name=department]", "45")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    table = page.locator("table:has(caption:text('Rapprochements probables'))")
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    assert "Ville d'Orléans" in rows.nth(0).inner_text()
    assert "Une seule mairie par commune" in rows.nth(0).inner_text()
    assert "3 à rapprocher d'une structure du registre" in page.locator("main").inner_text()
    browser.shot("preview")
    assert check_accessibility(page) == []
    # Confirming without a decision keeps the page, and says why.
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_load_state()
    assert "Décidez de chaque rapprochement avant d'importer (3 sans décision)" in page.content()
    same = page.locator("label", has_text="Même structure : la mettre à jour")
    distinct = page.locator("label", has_text="Structure distincte : en créer une")
    same.nth(0).click()  # the mairie
    distinct.nth(1).click()  # the CCAS
    same.nth(2).click()  # the préfecture
    assert table.locator("input[type=radio]:checked").count() == 3
    browser.shot("decided")
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_load_state()
    assert "Import terminé" in page.content()
    browser.shot("done")
    ville.refresh_from_db()
    assert (ville.annuaire_id, ville.name) == (ORLEANS_ID, "Ville d'Orléans")
    prefecture = Structure.objects.get(annuaire_id=PREFECTURE_ID)
    assert prefecture.name == "Préfecture du Loiret"
    assert Structure.objects.filter(name="Préfecture du Loiret").count() == 1
    assert Structure.objects.get(annuaire_id=CCAS_ID).name.startswith("Centre communal")
    assert Structure.objects.filter(department="45", kind="social").count() == 2
    assert browser.errors == []
