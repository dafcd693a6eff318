"""The demo préfecture's quality manager filters the register and downloads what the list
shows, for the users' committee or a spreadsheet."""

import csv
import io
import re
from pathlib import Path

import pytest

from barometre.accounts.models import User
from barometre.demo.data import load_demo_data
from barometre.demo.fieldwork import load_auditors, load_scenarios
from barometre.demo.improvement import load_improvement_history
from barometre.improvement.models import FeedbackEntry
from barometre.structures.models import Structure
from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)
PREFECTURE = "Préfecture du Loiret"


def test_the_manager_downloads_the_filtered_register(browser):
    load_demo_data(national=False)
    load_scenarios()
    load_auditors()
    prefecture = Structure.objects.get(name=PREFECTURE)
    load_improvement_history(prefecture, User.objects.get(username="qualite"))
    page = browser.login("qualite")
    browser.goto(f"/amelioration/{prefecture.pk}/registre/")
    page.select_option("select[name=kind]", "complaint")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert "kind=complaint" in page.url
    caption = page.locator("caption").inner_text()
    listed = int(re.search(r"\((\d+)\)", caption).group(1))
    first = page.locator("tbody tr td a").first.inner_text()
    browser.shot("filtered")
    assert check_accessibility(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter le registre en CSV").click()
    name = rf"registre-{prefecture.identifier}-\d{{4}}-\d{{2}}-\d{{2}}\.csv"
    assert re.fullmatch(name, download.value.suggested_filename)
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][:4] == ["reference", "recue_le", "canal", "nature"]
    assert (
        len(rows) - 1
        == listed
        == FeedbackEntry.objects.filter(structure=prefecture, kind="complaint").count()
    )
    assert {row[3] for row in rows[1:]} == {"Réclamation"}
    assert rows[1][0] == first  # most recent first, as on the page
    with page.expect_download() as workbook:
        page.get_by_role("link", name="Exporter le registre (XLSX)").click()
    assert workbook.value.suggested_filename.endswith(".xlsx")
    assert browser.errors == []
