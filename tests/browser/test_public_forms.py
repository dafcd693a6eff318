"""The public forms on a 390-px phone (issue 30, item 7): a 1–10 scale on one or two rows,
not a column of ten tiles; the legal notice and the personal-data page linked from every
public form; a refused complaint form puts the focus on its error summary and says
« Erreur » in the page title; no « Menu » skip link where there is no menu. Screenshots go
to var/test-artifacts/ (the survey and the refused form, at 390 px)."""

import pytest

from barometre.accounts.models import User
from barometre.demo.data import load_demo_data
from barometre.demo.fieldwork import load_auditors, load_scenarios
from barometre.demo.improvement import load_improvement_history
from barometre.improvement.models import CollectionPoint
from barometre.structures.models import Structure
from tests.browser.conftest import AXE

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
# Above this the survey is a long scroll again (a column of ten tiles per scale made it
# about 7,200 px; one or two rows per scale, about half).
SURVEY_MAX_HEIGHT = 4_000


@pytest.fixture
def phone(browser):
    browser.context.close()
    browser.context = browser.context.browser.new_context(viewport=PHONE, locale="fr-FR")
    browser.page = browser.new_page()
    return browser


@pytest.fixture
def point(db):
    load_demo_data(national=False)
    load_scenarios()
    load_auditors()
    prefecture = Structure.objects.get(name="Préfecture du Loiret")
    load_improvement_history(prefecture, User.objects.get(username="qualite"))
    return CollectionPoint.objects.filter(structure=prefecture, feedback_form=True).first()


def test_each_scale_of_the_survey_holds_on_one_or_two_rows(phone, point):
    page = phone.goto(f"/u/{point.token}/")
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"survey at 390 px: {height} px high")  # the figure of the report
    phone.shot("390px-enquete")
    scales = page.locator("fieldset:has(.barometre-choices)").all()
    rows_per_scale = {}
    for scale in scales:
        tops = scale.locator(".barometre-choice label").evaluate_all(
            "ls => ls.map(l => Math.round(l.getBoundingClientRect().top))"
        )
        rows_per_scale[scale.get_attribute("id")] = (len(tops), len(set(tops)))
    ten = {k: rows for k, (n, rows) in rows_per_scale.items() if n >= 10}
    assert ten and all(rows <= 2 for rows in ten.values()), rows_per_scale
    # Every box stays a 44-px target.
    boxes = page.locator(".barometre-choice label").evaluate_all(
        "ls => ls.map(l => { const r = l.getBoundingClientRect(); return [r.width, r.height] })"
    )
    assert all(w >= 44 and h >= 44 for w, h in boxes), boxes
    assert height <= SURVEY_MAX_HEIGHT, height
    page.locator("label[for=id_item_courtesy_8]").click()
    assert page.locator("#id_item_courtesy_8").is_checked()


def test_public_forms_link_the_legal_notice_and_the_personal_data_page(phone, point):
    for path in (f"/u/{point.token}/", f"/u/{point.token}/reclamation/"):
        page = phone.goto(path)
        main = page.locator("main")
        assert main.get_by_role("link", name="Mentions légales").count() == 1, path
        assert main.get_by_role("link", name="Données personnelles").count() == 1, path
    page.locator("main").get_by_role("link", name="Mentions légales").click()
    assert page.locator("h1").inner_text() == "Mentions légales"
    page.go_back()
    page.locator("main").get_by_role("link", name="Données personnelles").click()
    assert "Données personnelles" in page.locator("h1").inner_text()
    assert page.get_by_text("Si vous répondez à un questionnaire ou écrivez").count() == 1


def test_a_refused_complaint_focuses_its_error_summary(phone, point):
    page = phone.goto(f"/u/{point.token}/reclamation/")
    title = page.title()
    page.fill("#id_subject", "Attente au guichet")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert page.title() == f"Erreur : {title}"
    focused = page.evaluate("document.activeElement.id")
    assert focused == "erreurs"
    summary = page.locator("#erreurs")
    assert "Votre message n'a pas été envoyé" in summary.inner_text()
    # The summary links each field to correct; what was typed is kept.
    summary.get_by_role("link", name="Votre message", exact=True).click()
    assert page.evaluate("document.activeElement.id") == "id_description"
    assert page.input_value("#id_subject") == "Attente au guichet"
    phone.shot("390px-reclamation-refusee")


SKIP_LINK_PAGES = [
    "/",
    "/connexion/",
    "/aide/",
    "/aide/mentions-legales/",
    "/aide/donnees-personnelles/",
    "/u/{token}/",
    "/u/{token}/reclamation/",
    "/u/transparence/{identifier}/",
]


def test_the_menu_skip_link_is_offered_only_where_there_is_a_menu(browser, point):
    """axe-core's ``skip-link`` rule: a skip link leads somewhere on the page."""
    found = {}
    for path in SKIP_LINK_PAGES:
        page = browser.goto(path.format(token=point.token, identifier=point.structure.identifier))
        links = page.locator(".fr-skiplinks a").all_inner_texts()
        assert "Menu" not in links and "Contenu" in links, (path, links)
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("() => axe.run(document, {runOnly: ['skip-link']})")
        if result["violations"]:
            found[path] = result["violations"]
    assert found == {}
    page = browser.login("qualite")
    links = page.locator(".fr-skiplinks a").all_inner_texts()
    assert "Menu" in links and page.locator("#fr-navigation").count() == 1
