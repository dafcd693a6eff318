"""Issue 30, items 3 and 4 in a real browser: a quality manager names the callers of an
internal campaign, a caller sees and makes the call, a national auditor sees none of it;
then each role's home shows the day's work. Screenshots in var/test-artifacts/."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from barometre.accounts.models import User
from barometre.campaigns.models import AuditTask, Edition
from barometre.demo.data import load_demo_data
from barometre.demo.fieldwork import load_auditors, load_demo_fieldwork, load_scenarios
from barometre.improvement import register
from barometre.improvement.models import Meeting
from barometre.structures.models import Structure
from tests.browser.conftest import check_accessibility, fill_audit_grid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PREFECTURE = "Préfecture du Loiret"


@pytest.fixture
def registry():
    load_demo_data(national=False)
    load_scenarios()
    load_auditors()
    return {u.username: u for u in User.objects.all()}


def test_a_manager_names_callers_a_caller_calls_and_a_national_auditor_sees_nothing(
    browser, registry
):
    today = timezone.localdate()
    starts = today - dt.timedelta(days=3)
    # 1. The quality manager creates the campaign, opening three days ago.
    page = browser.login("qualite")
    browser.goto("/terrain/editions/")
    page.select_option("select[name=structure]", label=PREFECTURE)
    page.fill("input[name=name]", "Appels mystères de décembre")
    page.fill("input[name=starts]", starts.isoformat())
    page.fill("input[name=ends]", (today + dt.timedelta(days=25)).isoformat())
    page.fill("input[name=calls]", "8")
    page.get_by_role("button", name="Créer la campagne").click()
    page.get_by_text("Aucun appelant nommé").wait_for()
    edition = Edition.objects.get(name="Appels mystères de décembre")
    # Planning before naming anyone is refused: national auditors never stand in.
    page.get_by_role("button", name="Planifier et attribuer les audits").click()
    page.get_by_text("Nommez d'abord les appelants de la campagne").wait_for()
    assert not edition.tasks.exists()

    # 2. Names the préfecture's agent and invites a person for this campaign.
    page.get_by_role("link", name="Nommer ou inviter les appelants").click()
    options = page.locator("select[name=user] option").all_inner_texts()
    assert "Antoine Accueil" in options
    assert not any("Enquêteur" in o for o in options)  # no national auditor offered
    page.select_option("select[name=user]", label="Antoine Accueil")
    page.get_by_role("button", name="Nommer").click()
    page.get_by_text("Antoine Accueil appellera pour cette campagne.").wait_for()
    page.fill("input[name=first_name]", "Inès")
    page.fill("input[name=last_name]", "Appelante")
    page.get_by_role("button", name="Créer son compte et l'inviter").click()
    page.get_by_text("Compte créé pour Inès Appelante").wait_for()
    password = page.locator(".fr-alert code").inner_text().strip()
    assert page.locator("table").get_by_text("invité pour la campagne").count() == 1
    browser.shot("1-appelants")
    assert check_accessibility(page) == []

    # 3. Plans: every call goes to one of the two callers.
    page.get_by_role("link", name="Retour à la campagne").click()
    page.get_by_role("button", name="Planifier et attribuer les audits").click()
    page.get_by_text("8 audits planifiés, 0 sans enquêteur.").wait_for()
    callers = set(edition.tasks.values_list("auditor__username", flat=True))
    assert callers == {"agent", "ines.appelante"}

    # 4. Before the fieldwork opens, the caller's calls are not late, even those planned
    # before today.
    assert edition.tasks.filter(auditor__username="ines.appelante").exists()
    page = browser.login("ines.appelante", password)
    page.get_by_role("link", name="Mes appels mystères").first.wait_for()
    home = page.locator("main").inner_text()
    assert "prévu" in home and "quand le terrain ouvrira" in home and "en retard" not in home
    browser.shot("2-appelante-accueil-avant-terrain")
    browser.goto("/terrain/")
    late = page.locator("h2#late").inner_text()
    assert late.endswith("0"), late
    assert "ouverture du terrain prévue le" in page.locator("main").inner_text()
    browser.shot("3-appelante-avant-terrain")

    # 5. The manager opens the fieldwork; the caller makes a call.
    page = browser.login("qualite")
    browser.goto(f"/terrain/editions/{edition.pk}/phase/")
    page.get_by_role("button", name=re.compile("Confirmer le passage en phase « Terrain »")).click()
    page.wait_for_load_state()
    edition.refresh_from_db()
    assert edition.status == "fieldwork"
    call = edition.tasks.filter(auditor__username="ines.appelante").order_by("scheduled_at").first()
    page = browser.login("ines.appelante", password)
    browser.shot("4-appelante-accueil-terrain")
    browser.goto("/terrain/")
    page.locator(f'a[href="/terrain/audits/{call.pk}/"]').first.click()
    fill_audit_grid(page, "Standard aimable, transfert rapide.")
    browser.shot("5-appel")
    page.get_by_role("button", name="Soumettre pour validation").click()
    page.get_by_text("Audit soumis pour validation.").wait_for()
    assert page.url.endswith("/terrain/")  # back to the caller's own list
    call.refresh_from_db()
    assert call.status == "submitted"
    # The caller sees nothing else: no registry, no editions.
    for path in ("/structures/", "/terrain/editions/", f"/terrain/editions/{edition.pk}/"):
        assert page.request.get(browser.base_url + path).status == 403, path

    # 6. The national auditor sees nothing of the campaign, anywhere.
    page = browser.login("enqueteur")
    assert "Appels mystères de décembre" not in page.content()
    browser.goto("/terrain/")
    assert PREFECTURE not in page.locator("main").inner_text()
    browser.shot("6-enqueteur-national")
    response = page.request.get(f"{browser.base_url}/terrain/audits/{call.pk}/")
    assert response.status == 404
    api = page.request.get(f"{browser.base_url}/api/v1/audits").json()
    assert all(a["structure"] != PREFECTURE for a in api["items"])
    assert browser.errors == []


def test_each_roles_home_shows_the_days_work(browser, registry):
    operator = registry["operateur"]
    prefecture = Structure.objects.get(name=PREFECTURE)
    edition = load_demo_fieldwork(operator, [prefecture])
    today = timezone.localdate()
    tasks = edition.tasks.order_by("pk")
    submitted, late, returned = tasks[:3]
    AuditTask.objects.filter(pk=submitted.pk).update(status="submitted")
    AuditTask.objects.filter(pk=late.pk).update(
        scheduled_at=timezone.now() - dt.timedelta(days=2), auditor=registry["enqueteur"]
    )
    AuditTask.objects.filter(pk=returned.pk).update(
        status="returned", auditor=registry["enqueteur"]
    )
    for days, agent in ((40, registry["agent"]), (2, None)):
        register.create_entry(
            prefecture,
            kind="complaint",
            channel="email",
            received_on=today - dt.timedelta(days=days),
            subject="Standard injoignable le lundi",
            description="Personne ne répond.",
            assigned_to=agent,
        )
    Meeting.objects.create(structure=prefecture, held_on=today + dt.timedelta(days=20))

    checks = {
        "operateur": ["Le travail du jour", "audit soumis à valider", "en retard —"],
        "enqueteur": ["renvoyé pour correction", "en retard"],
        "qualite": ["réponse en retard", "Prochain comité des usagers le"],
        "agent": ["Mes dossiers", "Standard injoignable le lundi"],
        "comite": ["Prochaine réunion le", "Bilan qualité"],
    }
    for username, sentences in checks.items():
        page = browser.login(username)
        browser.goto("/")
        main = page.locator("main").inner_text()
        for sentence in sentences:
            assert sentence in main, (username, sentence)
        assert "(s)" not in main
        browser.shot(f"accueil-{username}")
        assert check_accessibility(page) == [], username
    assert browser.errors == []
