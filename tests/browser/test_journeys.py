"""The seven journeys of a newcomer's first hour, in a real browser against a live server.
Each starts from the demo registry (31 structures, one login per role, 40 auditors) and
what the previous journey would have left, asserts what the user sees and saves
screenshots to var/test-artifacts/."""

import datetime as dt
import re

import pytest
import segno
from django.utils import timezone

from barometre.accounts.models import User
from barometre.campaigns.models import AuditTask, Edition
from barometre.demo.data import load_demo_data
from barometre.demo.fieldwork import load_auditors, load_demo_fieldwork, load_scenarios
from barometre.demo.improvement import load_improvement_history
from barometre.demo.national import fieldwork_done, national_edition, structure_quality
from barometre.engine import DayUnit, days_between
from barometre.improvement import surveys
from barometre.improvement.models import CollectionPoint, FeedbackEntry
from barometre.results.models import Laureate, ResultSet
from barometre.structures.models import Structure
from tests.browser.conftest import fill_audit_grid

pytestmark = pytest.mark.django_db(transaction=True)
PREFECTURE = "Préfecture du Loiret"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def registry():
    load_demo_data(national=False)
    load_scenarios()
    load_auditors()
    return {u.username: u for u in User.objects.all()}


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_1_operator_creates_an_edition_enrols_and_plans(browser, registry):
    page = browser.login("operateur")
    browser.goto("/terrain/editions/nouvelle/")
    today = timezone.localdate()
    page.fill("input[name=name]", "Baromètre d'essai")
    page.fill("input[name=year]", str(today.year + 1))
    page.select_option("select[name=grid]", "s:barometre-2025")
    for name, days in (
        ("enrolment_opens", -10),
        ("enrolment_closes", 20),
        ("fieldwork_starts", 30),
        ("fieldwork_ends", 110),
    ):
        page.fill(f"input[name={name}]", (today + dt.timedelta(days=days)).isoformat())
    browser.shot("1-formulaire")
    page.click("main button[type=submit]")
    page.get_by_text("créée en brouillon").wait_for()
    assert page.locator("h1").inner_text() == "Baromètre d'essai"
    page.get_by_role("link", name="Passer en phase « Inscriptions »…").click()
    page.get_by_role("button", name="Confirmer le passage en phase « Inscriptions »").click()
    page.get_by_text("L'édition passe en phase « Inscriptions ».").wait_for()
    for name in (PREFECTURE, "Ville de Metz", "Ville de Strasbourg"):
        structure = Structure.objects.get(name=name)
        page.select_option("select[name=structure]", str(structure.pk))
        page.check("input[name=publish_results]", force=True)
        page.get_by_role("button", name="Inscrire", exact=True).click()
        page.locator("main li", has_text=f"{name} —").first.wait_for()
    browser.shot("2-inscriptions")
    page.get_by_role("button", name="Planifier et attribuer les audits").click()
    message = page.get_by_text(re.compile(r"\d+ audits planifiés, 0 sans enquêteur")).inner_text()
    planned = int(re.search(r"(\d+) audits planifiés", message).group(1))
    edition = Edition.objects.get(name="Baromètre d'essai")
    assert planned == edition.tasks.count() >= 25
    assert not edition.tasks.filter(auditor__isnull=True).exists()
    # The fieldwork window opens in 30 days: starting now is refused, then confirmed as
    # an early start with its reason, which the phase log keeps.
    page.get_by_role("link", name="Passer en phase « Terrain »…").click()
    page.get_by_text("Ce qui empêche le changement de phase").wait_for()
    page.get_by_role("button", name="Confirmer le passage en phase « Terrain »").click()
    page.get_by_text("pour le commencer plus tôt, confirmez un démarrage anticipé").first.wait_for()
    edition.refresh_from_db()
    assert edition.status == "enrolment"
    browser.shot("3-demarrage-refuse")
    page.fill("textarea[name=reason]", "Enquêteurs formés plus tôt que prévu")
    page.get_by_role("button", name="Confirmer le passage en phase « Terrain »").click()
    page.get_by_text("L'édition passe en phase « Terrain ».").wait_for()
    assert page.get_by_text("démarrage anticipé").first.is_visible()
    browser.shot("4-terrain")
    edition.refresh_from_db()
    assert edition.status == "fieldwork"
    assert "Enquêteurs formés plus tôt que prévu" in edition.transitions.last().reason
    # The planning page lists every audit; the export has them all.
    browser.goto(f"/terrain/editions/{edition.pk}/audits/")
    page.get_by_text(f"{planned} audits").first.wait_for()
    browser.shot("5-planning")
    assert browser.errors == []


def test_2_3_auditor_completes_two_audits_and_the_validator_decides(browser, registry):
    operator = registry["operateur"]
    prefecture = Structure.objects.get(name=PREFECTURE)
    edition = load_demo_fieldwork(operator, [prefecture])
    auditor = registry["enqueteur"]
    phone = edition.tasks.filter(channel="phone").order_by("sequence").first()
    email = edition.tasks.filter(channel="email").order_by("sequence").first()
    AuditTask.objects.filter(pk__in=[phone.pk, email.pk]).update(auditor=auditor)

    # 2. The auditor: a phone audit, then an e-mail audit whose reply arrives later.
    page = browser.login("enqueteur")
    browser.goto("/terrain/")
    page.locator(f'a[href="/terrain/audits/{phone.pk}/"]').first.click()
    assert page.locator("h1").inner_text().startswith(f"{PREFECTURE} — Téléphone")
    fill_audit_grid(page, "Accueil aimable, attente d'une minute.")
    browser.shot("1-appel")
    page.get_by_role("button", name="Soumettre pour validation").click()
    page.get_by_text("Audit soumis pour validation.").wait_for()

    browser.goto(f"/terrain/audits/{email.pk}/")
    sent = timezone.now() - dt.timedelta(days=2)
    page.fill("input[name='sending-sent_at']", _local(sent))
    page.fill("textarea[name='sending-text']", "Bonjour, je souhaite renouveler ma carte…")
    page.get_by_role("button", name="Enregistrer l'envoi").click()
    page.get_by_text("Envoyé le").wait_for()
    browser.shot("2-courriel-envoye")
    # Later: the reply has come. A date before the sending is refused, with the reason.
    page = browser.login("enqueteur")
    browser.goto(f"/terrain/audits/{email.pk}/")
    page.fill("input[name='reply-replied_at']", _local(sent - dt.timedelta(days=1)))
    page.fill("textarea[name='reply-text']", "Madame, …")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    page.get_by_text("la réponse ne peut pas précéder l'envoi").wait_for()
    page.fill("input[name='reply-replied_at']", _local(timezone.now() - dt.timedelta(hours=1)))
    page.fill("textarea[name='reply-text']", "Madame, voici les pièces à fournir…")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    page.get_by_text("Réponse reçue le").wait_for()
    fill_audit_grid(page, "Réponse polie, pièces listées.")
    # Leaving now would lose the typed answers: the page asks the browser to warn.
    leaving = "() => { const e = new Event('beforeunload', {cancelable: true}); "
    leaving += "window.dispatchEvent(e); return e.defaultPrevented; }"
    assert page.evaluate(leaving) is True
    # Attaching the scan of the reply keeps every answer typed so far.
    checked = page.locator("input[type=radio]:checked").count()
    page.set_input_files(
        "input[name=file]", files=[{"name": "reponse.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Joindre la pièce").click()
    page.get_by_text("Pièce justificative ajoutée.").wait_for()
    assert page.evaluate(leaving) is False  # saved: nothing to warn about
    assert page.locator("input[type=radio]:checked").count() == checked > 5
    assert page.locator("textarea[name='email.observations']").input_value() == (
        "Réponse polie, pièces listées."
    )
    browser.shot("3-piece-jointe")
    page.get_by_role("button", name="Soumettre pour validation").click()
    page.get_by_text("Audit soumis pour validation.").wait_for()
    browser.shot("3-courriel-soumis")
    email.refresh_from_db()
    assert email.replied_at > email.sent_at and email.status == "submitted"

    # 3. The validator returns the phone audit and validates the e-mail one.
    page = browser.login("operateur")
    browser.goto("/terrain/validation/")
    assert page.get_by_text("2 audits soumis.").is_visible()
    section = page.locator("section", has=page.locator(f'a[href="/terrain/audits/{phone.pk}/"]'))
    section.locator("input[name=comment]").fill("Précisez le nombre de sonneries.")
    section.get_by_role("button", name="Renvoyer à l'enquêteur").click()
    page.get_by_text("1 audit soumis.").wait_for()
    # The e-mail audit on the desk: answers, points, both texts, the delay, the evidence.
    page.get_by_role("link", name="Ouvrir le premier audit et valider à la suite").click()
    page.get_by_text("Réponses et points, critère par critère").wait_for()
    sent_on, replied_on = timezone.localdate(email.sent_at), timezone.localdate(email.replied_at)
    delay = days_between(sent_on, replied_on, "45", DayUnit.WORKING)
    assert page.get_by_text(f"Délai : {delay} jour").is_visible()
    assert page.get_by_text("Madame, voici les pièces à fournir…").is_visible()
    assert page.get_by_text("Réponse polie, pièces listées.").is_visible()
    assert page.locator("img.barometre-evidence").evaluate("i => i.naturalWidth") == 1
    browser.shot("4-bureau-de-validation")
    page.get_by_role("button", name="Valider et passer au suivant").click()
    page.get_by_text("Aucun audit en attente de validation.").wait_for()
    browser.shot("4-validation")
    assert AuditTask.objects.get(pk=phone.pk).status == "returned"
    assert AuditTask.objects.get(pk=email.pk).status == "validated"
    # The auditor finds the returned audit with the validator's comment.
    page = browser.login("enqueteur")
    browser.goto(f"/terrain/audits/{phone.pk}/")
    assert page.get_by_text("Précisez le nombre de sonneries.").first.is_visible()
    assert browser.errors == []


def test_3_operator_closes_the_fieldwork_with_audits_not_done(browser, registry):
    operator = registry["operateur"]
    prefecture = Structure.objects.get(name=PREFECTURE)
    edition = load_demo_fieldwork(operator, [prefecture])
    mine = edition.tasks.filter(channel="phone").order_by("sequence").first()
    AuditTask.objects.filter(pk=mine.pk).update(auditor=registry["enqueteur"])
    page = browser.login("enqueteur")
    browser.goto("/terrain/")
    assert page.locator(f'a[href="/terrain/audits/{mine.pk}/"]').count() >= 1
    # The operator reviews the closure: what is outstanding, by status and channel.
    page = browser.login("operateur")
    browser.goto(f"/terrain/editions/{edition.pk}/")
    page.get_by_role("link", name="Passer en phase « Validation »…").click()
    left = edition.tasks.count()
    page.get_by_text(f"{left} audits ne sont pas réalisés").first.wait_for()
    assert page.get_by_text("Audits par canal et par statut").is_visible()
    assert page.get_by_text("Structures sans couverture complète (1)").is_visible()
    browser.shot("1-revue-cloture")
    page.get_by_role("button", name="Confirmer le passage en phase « Validation »").click()
    page.get_by_text("prolongez le terrain ou clôturez-les comme non réalisés").first.wait_for()
    assert Edition.objects.get(pk=edition.pk).status == "fieldwork"
    page.locator("label[for=id_close_not_done]").click()
    page.get_by_role("button", name="Confirmer le passage en phase « Validation »").click()
    page.get_by_text("L'édition passe en phase « Validation ».").wait_for()
    assert page.get_by_text(f"{left} audits clôturés comme non réalisés").is_visible()
    browser.shot("2-terrain-clos")
    assert edition.tasks.filter(status="not_done").count() == left
    # The closed audits leave the auditor's list.
    page = browser.login("enqueteur")
    browser.goto("/terrain/")
    assert page.locator(f'a[href="/terrain/audits/{mine.pk}/"]').count() == 0
    browser.shot("3-liste-enqueteur")
    assert browser.errors == []


def test_4_operator_computes_publishes_and_confirms_a_laureate(browser, registry):
    structures = list(Structure.objects.order_by("pk"))
    edition = fieldwork_done(
        2025,
        structures,
        structure_quality(structures, seed=1),
        by=registry["operateur"],
        name="Baromètre 2025",
    )
    page = browser.login("operateur")
    # In fieldwork, results are an operators-only preview that can never be published.
    browser.goto(f"/resultats/editions/{edition.pk}/")
    page.get_by_role("button", name="Calculer un aperçu").click()
    page.get_by_text("aperçu, non publiable").wait_for()
    assert page.get_by_role("link", name="Publier…").count() == 0
    browser.goto(f"/resultats/editions/{edition.pk}/versions/1/publier/")
    page.get_by_text("Cette version ne peut pas être publiée").wait_for()
    assert page.get_by_text("les résultats ne se publient qu'en phase « Résultats »").is_visible()
    assert page.get_by_role("button", name="Confirmer la publication").count() == 0
    browser.shot("1-apercu-refuse")
    # Fieldwork closed (every audit done), validation over: the results phase.
    for phase in ("Validation", "Résultats"):
        browser.goto(f"/terrain/editions/{edition.pk}/")
        page.get_by_role("link", name=f"Passer en phase « {phase} »…").click()
        page.get_by_role("button", name=f"Confirmer le passage en phase « {phase} »").click()
        page.get_by_text(f"L'édition passe en phase « {phase} ».").wait_for()
    browser.goto(f"/resultats/editions/{edition.pk}/")
    page.get_by_role("button", name="Calculer les résultats").click()
    page.get_by_role("link", name="Publier…").wait_for()
    browser.shot("2-calcul")
    # The one category of this registry with the five structures a ranking needs.
    category = "Villes de plus de 50\u202f000 habitants"
    section = page.locator("section", has=page.get_by_role("heading", name=category))
    proposed = section.get_by_text("Proposé par le classement").inner_text()
    section.locator("textarea[name=jury_note]").fill("Des réponses écrites rapides.")
    section.get_by_role("button", name="Confirmer le lauréat").click()
    page.get_by_text("Lauréat confirmé").first.wait_for()
    laureate = Laureate.objects.get(category=category)
    assert laureate.structure.name in proposed
    confirmed = f"Lauréat confirmé dans la catégorie « {category} » : {laureate.structure.name}."
    assert page.get_by_text(confirmed).count() == 1
    # A decision taken after the computation makes the version stale: refused.
    late = edition.tasks.filter(status="validated").first()
    AuditTask.objects.filter(pk=late.pk).update(status="rejected")
    page.get_by_role("link", name="Publier…").click()
    page.get_by_text("calculée avant la dernière validation d'audit").wait_for()
    browser.shot("3-version-perimee")
    page.get_by_role("link", name="Retour aux résultats").click()
    page.get_by_role("button", name="Calculer les résultats").click()
    page.get_by_role("link", name="Publier…").click()
    page.get_by_text("Ce qui devient public").wait_for()
    assert page.get_by_text("Le palmarès public : 1 lauréat confirmé").is_visible()
    browser.shot("4-revue-publication")
    page.get_by_role("button", name="Confirmer la publication").click()
    page.get_by_text("publiée le").first.wait_for()
    browser.shot("5-publication")
    assert ResultSet.objects.get(edition=edition).published_at is not None
    edition.refresh_from_db()
    assert edition.status == "published"
    # Anyone can now read the palmarès and the national synthesis.
    browser.context.clear_cookies()
    browser.goto(f"/resultats/palmares/{edition.pk}/")
    assert page.get_by_text(laureate.structure.name).first.is_visible()
    assert page.get_by_text("Des réponses écrites rapides.").is_visible()
    browser.shot("6-palmares-public")
    browser.goto(f"/resultats/synthese/{edition.pk}/")
    page.wait_for_selector("bar-chart canvas")
    browser.shot("7-synthese")
    # A correction: a new version, published with its erratum; the first stays listed.
    page = browser.login("operateur")
    browser.goto(f"/resultats/editions/{edition.pk}/")
    page.get_by_role("button", name="Calculer une version corrigée").click()
    page.get_by_role("link", name="Publier…").click()
    page.get_by_text("Publier la version 2 (correction de la version 1)").wait_for()
    page.fill("textarea[name=erratum]", "Un audit rejeté après coup ne compte plus.")
    page.get_by_role("button", name="Confirmer la publication").click()
    page.get_by_text("version corrigée : Un audit rejeté après coup ne compte plus.").wait_for()
    browser.shot("8-correction")
    browser.context.clear_cookies()
    browser.goto(f"/resultats/synthese/{edition.pk}/")
    page.get_by_text("Version corrigée le").wait_for()
    assert page.get_by_text("Un audit rejeté après coup ne compte plus.").is_visible()
    browser.shot("9-synthese-corrigee")
    assert browser.errors == []


def test_5_manager_opens_the_dashboard_and_downloads_the_report(browser, registry):
    structures = list(Structure.objects.order_by("pk"))
    quality = structure_quality(structures, seed=3)
    national_edition(
        2025,
        structures,
        quality,
        by=registry["operateur"],
        shift=0,
        published_on=dt.date(2025, 10, 15),
    )
    page = browser.login("qualite")
    page.get_by_role("link", name=re.compile(f"Baromètre .* — {PREFECTURE}")).click()
    page.wait_for_selector("bar-chart canvas")
    assert page.locator("h1").inner_text().startswith(PREFECTURE)
    assert page.get_by_text("Ville de Metz").count() == 0  # the others stay anonymous
    browser.shot("1-tableau-de-bord")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le rapport PDF").click()
    path = download.value.path()
    assert path.read_bytes()[:5] == b"%PDF-"
    assert download.value.suggested_filename.endswith(".pdf")
    assert browser.errors == []


def test_6_citizen_answers_through_the_qr_link_complains_and_an_agent_answers(
    browser, registry, settings, live_server
):
    settings.BAROMETRE_SITE_URL = live_server.url
    prefecture = Structure.objects.get(name=PREFECTURE)
    questionnaire = surveys.create_from_template(prefecture)
    point = CollectionPoint.objects.create(
        structure=prefecture, label="Hall d'accueil", questionnaire=questionnaire
    )
    # The manager prints the QR code: it encodes the point's short link.
    page = browser.login("qualite")
    browser.goto(f"/amelioration/{prefecture.pk}/")
    link = page.get_by_role("link", name=f"/u/{point.token}/").get_attribute("href")
    png = page.request.get(live_server.url + f"/amelioration/points/{point.pk}/qr.png").body()
    expected = segno.make(live_server.url + link, error="m")
    assert png == _png(expected)

    # The citizen scans it: no login.
    browser.context.clear_cookies()
    page.goto(live_server.url + link)
    assert page.locator("h1").inner_text() == questionnaire.title
    for item in questionnaire.items.all():
        if item.condition:
            page.check(f"input[name=concerned_{item.code}][value=non]", force=True)
        else:
            page.check(f"input[name=item_{item.code}][value='9']", force=True)
    page.fill("textarea[name=comment]", "Accueil rapide, merci. Mon numéro : 06 12 34 56 78")
    browser.shot("1-questionnaire")
    page.get_by_role("button", name="Envoyer mon avis").click()
    page.get_by_text("Votre avis est enregistré").wait_for()
    response = questionnaire.responses.get()
    assert "06 12 34 56 78" not in response.comment  # personal data masked
    page.goto(live_server.url + link)
    page.get_by_role("link", name="Écrivez-nous").click()
    page.check("input[name=kind][value=complaint]", force=True)
    page.fill("input[name=subject]", "Attente au guichet des titres")
    page.fill("textarea[name=description]", "J'ai attendu une heure et demie mardi matin.")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    confirmation = page.get_by_text("Votre message est enregistré sous la référence")
    confirmation.wait_for()
    browser.shot("2-reclamation")
    entry = FeedbackEntry.objects.get()
    assert entry.reference in confirmation.inner_text()

    # The agent answers before the deadline.
    page = browser.login("agent")
    browser.goto(f"/amelioration/{prefecture.pk}/registre/")
    page.get_by_role("link", name=re.compile(re.escape(entry.reference))).first.click()
    page.fill("textarea[name=answer]", "Nous avons ouvert un second guichet le mardi matin.")
    page.get_by_role("button", name="Réponse", exact=True).click()
    page.get_by_text("Répondue", exact=True).first.wait_for()
    browser.shot("3-reponse")
    entry.refresh_from_db()
    assert entry.status == "answered" and entry.answered_on <= entry.answer_due
    assert browser.errors == []


def _png(code) -> bytes:
    import io

    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()


def test_7_manager_generates_the_annual_review(browser, registry):
    prefecture = Structure.objects.get(name=PREFECTURE)
    year = load_improvement_history(prefecture, registry["qualite"])
    page = browser.login("qualite")
    browser.goto("/amelioration/")  # one structure: its Services Publics+ home
    assert page.locator("h1").inner_text().startswith(PREFECTURE)
    page.get_by_role("link", name=f"bilan qualité {year}").click()
    page.get_by_role("heading", name=re.compile(f"Bilan qualité {year}")).first.wait_for()
    for text in (
        "Ordre du jour",
        "Mesure de la satisfaction",
        "Appels mystères",
        "Réclamations et suggestions",
        "Tableau de bord qualité",
        "Formations",
        f"Plan d'amélioration {year + 1}",
        "Questions et réponses",
    ):
        assert page.get_by_text(text).first.is_visible(), text
    browser.shot("1-bilan")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le bilan en PDF").click()
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
    assert browser.errors == []
