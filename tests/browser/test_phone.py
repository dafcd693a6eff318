"""The public pages on a 390-px phone: nothing wider than the screen, large choices on the
survey; and the error pages as a visitor sees them. Screenshots of the public home and of
every error page go to var/test-artifacts/."""

import datetime as dt

import pytest

from barometre.accounts.models import User
from barometre.demo.data import load_demo_data
from barometre.demo.fieldwork import load_auditors, load_scenarios
from barometre.demo.improvement import load_improvement_history
from barometre.demo.national import national_edition, structure_quality
from barometre.improvement.models import CollectionPoint
from barometre.structures.models import Structure

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
# Elements wider than the page, except inside a container that scrolls or clips (a wide
# table in the DSFR's scrolling table frame does not widen the page).
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const contained = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().width > width + 0.5 && !contained(e))
    .map(e => e.tagName.toLowerCase() + '.' + String(e.className).trim().replace(/\\s+/g, '.'));
  const page = document.documentElement.scrollWidth;
  if (page > width) wide.push('page: ' + page + ' px');
  return wide;
}"""


def _public_pages():
    load_demo_data(national=False)
    load_scenarios()
    load_auditors()
    operator = User.objects.get(username="operateur")
    structures = list(Structure.objects.order_by("pk"))
    result_set = national_edition(
        2025,
        structures,
        structure_quality(structures, seed=5),
        by=operator,
        shift=0,
        published_on=dt.date(2025, 10, 15),
    )
    edition = result_set.edition
    prefecture = Structure.objects.get(name="Préfecture du Loiret")
    load_improvement_history(prefecture, User.objects.get(username="qualite"))
    point = CollectionPoint.objects.filter(structure=prefecture, feedback_form=True).first()
    return {
        "accueil": "/",
        "aide": "/aide/",
        "connexion": "/connexion/",
        "synthese": f"/resultats/synthese/{edition.pk}/",
        "palmares": f"/resultats/palmares/{edition.pk}/",
        "enquete": f"/u/{point.token}/",
        "reclamation": f"/u/{point.token}/reclamation/",
        "merci": f"/u/{point.token}/merci/",
        "transparence": f"/u/transparence/{prefecture.identifier}/",
        "erreur-404": "/pas-de-page-ici/",
    }


def test_public_pages_fit_a_phone_and_its_fingers(browser):
    pages = _public_pages()
    page = browser.goto("/")
    browser.shot("accueil-public")
    assert page.locator("h1").inner_text() == "Baromètre"
    assert page.get_by_role("link", name="Synthèse nationale").count() == 1
    assert page.get_by_role("link", name="Préfecture du Loiret").count() == 1
    browser.context.close()
    browser.context = browser.context.browser.new_context(viewport=PHONE, locale="fr-FR")
    browser.page = browser.new_page()
    wide = {}
    for name, path in pages.items():
        page = browser.goto(path)
        assert page.locator("html").get_attribute("lang") == "fr", path
        if found := page.evaluate(TOO_WIDE):
            wide[path] = found
        if name in ("accueil", "enquete", "erreur-404"):
            browser.shot(f"390px-{name}")
    assert wide == {}
    # The survey: every choice is a box of 44 × 44 px at least; a 1–10 scale is two rows
    # of five (1 to 5 above 6 to 10), the yes/no questions one row.
    page = browser.goto(pages["enquete"])
    boxes = page.locator(".barometre-choice label").evaluate_all(
        "ls => ls.map(l => { const r = l.getBoundingClientRect(); return [r.width, r.height] })"
    )
    assert boxes and all(w >= 44 and h >= 44 for w, h in boxes), boxes
    lefts = page.locator("#radio-id_item_courtesy label").evaluate_all(
        "ls => ls.map(l => Math.round(l.getBoundingClientRect().left))"
    )
    assert len(lefts) == 10 and len(set(lefts)) == 5 and lefts[:5] == lefts[5:]
    tops = page.locator("[id^=radio-id_concerned_] label").evaluate_all(
        "ls => ls.map(l => Math.round(l.getBoundingClientRect().top))"
    )
    assert len(tops) >= 2 and len(set(tops[:2])) == 1
    # Tapping a box selects its radio.
    page.locator("label[for=id_item_courtesy_8]").click()
    assert page.locator("#id_item_courtesy_8").is_checked()
    assert [e for e in browser.errors if pages["erreur-404"] not in e] == []


def test_error_pages_as_a_visitor_sees_them(browser, settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"  # adds pages that fail on purpose
    load_demo_data(national=False)
    expected = {
        "/pas-de-page-ici/": ("erreur-404", "Page introuvable"),
        "/essai/panne/": ("erreur-500", "Erreur du serveur"),
        "/essai/suspect/": ("erreur-400", "Requête incorrecte"),
    }
    for path, (name, title) in expected.items():
        page = browser.goto(path)
        assert page.locator("h1").inner_text() == title
        assert page.locator("html").get_attribute("lang") == "fr"
        browser.shot(name)
    browser.login("agent")
    for path, (name, title) in {
        "/journal/": ("erreur-403", "Accès refusé"),
        "/deconnexion/": ("erreur-405", "Action non autorisée"),
    }.items():
        page = browser.goto(path)
        assert page.locator("h1").inner_text() == title
        browser.shot(name)
    # A form sent without its CSRF cookie (expired, blocked).
    browser.context.clear_cookies()
    page = browser.goto("/connexion/")
    browser.context.clear_cookies()
    page.fill("input[name=username]", "agent")
    page.fill("input[name=password]", "Barometre-demo-2025")
    page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Formulaire expiré"
    browser.shot("erreur-csrf")
