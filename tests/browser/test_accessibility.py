"""axe-core (vendored from npm, tests/browser/vendor/) on the main pages of every role:
no serious or critical violation of the WCAG 2.1 A and AA rules it checks.

An automated check finds only part of the problems an RGAA audit would; the footer says
so. Screenshots of every page checked go to var/test-artifacts/."""

import datetime as dt
import pprint

import pytest

from barometre.accounts.models import User
from barometre.demo.data import load_demo_data
from barometre.demo.fieldwork import load_auditors, load_demo_fieldwork, load_scenarios
from barometre.demo.improvement import load_improvement_history
from barometre.demo.national import national_edition, structure_quality
from barometre.improvement.models import CollectionPoint, FeedbackEntry
from barometre.structures.models import Structure
from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)


def test_main_pages_have_no_serious_or_critical_violation(browser):
    load_demo_data(national=False)
    load_scenarios()
    load_auditors()
    operator = User.objects.get(username="operateur")
    structures = list(Structure.objects.order_by("pk"))
    quality = structure_quality(structures, seed=5)
    result_set = national_edition(
        2025, structures, quality, by=operator, shift=0, published_on=dt.date(2025, 10, 15)
    )
    edition = result_set.edition
    prefecture = Structure.objects.get(name="Préfecture du Loiret")
    year = load_improvement_history(prefecture, User.objects.get(username="qualite"))
    fieldwork = load_demo_fieldwork(operator, [prefecture])
    task = fieldwork.tasks.filter(channel="email").first()
    task.auditor = User.objects.get(username="enqueteur")
    task.save()
    point = CollectionPoint.objects.filter(structure=prefecture).first()
    entry = FeedbackEntry.objects.filter(structure=prefecture).order_by("-pk").first()
    pages = {
        None: [
            "/",
            "/connexion/",
            "/aide/",
            "/aide/methodologie/",
            f"/resultats/synthese/{edition.pk}/",
            f"/resultats/palmares/{edition.pk}/",
            f"/u/{point.token}/",
            f"/u/{point.token}/reclamation/",
            f"/u/transparence/{prefecture.identifier}/",
        ],
        "operateur": [
            "/",
            "/structures/",
            f"/terrain/editions/{fieldwork.pk}/",
            "/terrain/editions/nouvelle/",
            "/terrain/validation/",
            f"/resultats/editions/{edition.pk}/",
        ],
        "enqueteur": ["/terrain/", f"/terrain/audits/{task.pk}/"],
        "qualite": [
            "/",
            f"/resultats/editions/{edition.pk}/structures/{prefecture.pk}/",
            f"/amelioration/{prefecture.pk}/",
            f"/amelioration/{prefecture.pk}/registre/",
            f"/amelioration/{prefecture.pk}/registre/nouvelle/",
            f"/amelioration/{prefecture.pk}/tableau-de-bord/",
            f"/amelioration/{prefecture.pk}/bilan/{year}/",
            f"/amelioration/enquetes/{point.questionnaire_id}/",
        ],
        "agent": [f"/amelioration/registre/{entry.pk}/"],
    }
    found = {}
    for username, paths in pages.items():
        if username:
            browser.login(username)
        else:
            browser.context.clear_cookies()
        for path in paths:
            page = browser.goto(path)
            assert page.locator("h1").count() >= 1, path
            violations = check_accessibility(page)
            if violations:
                found[f"{username or 'anonyme'} {path}"] = violations
            browser.shot(f"{username or 'anonyme'}{path.replace('/', '_')}")
    assert found == {}, pprint.pformat(found, width=100)
