"""A committee meeting with fifteen interventions entered in one page (seed 004), rows
added and one removed in the browser without losing anything typed; the other pages of
issue 19 (indicator catalogue, invitations by e-mail) checked with axe-core."""

import pytest

from barometre.accounts.models import Membership, Role, User
from barometre.demo.data import DEMO_PASSWORD
from barometre.improvement import surveys
from barometre.improvement.models import Meeting
from tests.browser.conftest import check_accessibility
from tests.improvement.test_minutes import SEED_004

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def quality_manager(structure_a):
    user = User.objects.create_user("magali-dc", password=DEMO_PASSWORD)
    Membership.objects.create(user=user, role=Role.MANAGER, structure=structure_a)
    return user


def _fill_statement(page, index: int, row) -> None:
    speaker, role, text = row
    page.fill(f'[name="statements-{index}-speaker"]', speaker)
    page.select_option(f'[name="statements-{index}-speaker_role"]', role)
    page.fill(f'[name="statements-{index}-text"]', text)


def test_fifteen_interventions_in_one_page(browser, quality_manager, structure_a):
    page = browser.login("magali-dc")
    browser.goto(f"/amelioration/{structure_a.pk}/comite/nouvelle-reunion/")
    page.fill('[name="held_on"]', "2023-01-24")
    page.fill('[name="reviewed_year"]', "2022")
    page.fill('[name="agenda"]', "Démarche qualité\nBilan 2022\nPlan 2023\nQuestions / réponses")
    add = page.get_by_role("button", name="Ajouter une intervention")
    # Sixteen rows: the seed's fifteen interventions and a mistaken one, removed below.
    mistaken = ("M. Personne", "other", "Ligne saisie par erreur.")
    rows = [*SEED_004[:7], mistaken, *SEED_004[7:]]
    for index, row in enumerate(rows):
        if index:
            add.click()
        _fill_statement(page, index, row)
    assert page.get_by_text("Intervention 16", exact=True).is_visible()
    page.locator("[data-formset-row]").nth(7).get_by_role(
        "button", name="Retirer cette ligne"
    ).click()
    assert page.get_by_text("Intervention 16", exact=True).count() == 0
    assert page.input_value('[name="statements-15-text"]') == SEED_004[-1][2]
    decisions = page.get_by_role("button", name="Ajouter une décision")
    for index, text in enumerate(
        ["Relayer les informations par la CCI", "Étudier un accès prioritaire au standard"]
    ):
        if index:
            decisions.click()
        page.fill(f'[name="decisions-{index}-text"]', text)
    browser.shot("1-quinze-interventions")
    assert check_accessibility(page) == []
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Réunion enregistrée.").wait_for()

    meeting = Meeting.objects.get(structure=structure_a)
    saved = list(meeting.statements.values_list("speaker", "speaker_role", "text"))
    assert saved == SEED_004
    assert meeting.decisions.count() == 2
    body = page.locator("main").inner_text()
    assert body.index(SEED_004[0][2]) < body.index(SEED_004[14][2])
    assert "Ligne saisie par erreur." not in body
    browser.goto(f"/amelioration/{structure_a.pk}/bilan/2022/")
    review = page.locator("main").inner_text()
    first, last = (review.index(SEED_004[i][2]) for i in (0, 14))
    assert first < last and ", élu : L'allocation" in review
    browser.shot("2-bilan")
    questionnaire = surveys.create_from_template(structure_a)
    for path in (
        f"/amelioration/{structure_a.pk}/indicateurs/catalogue/",
        f"/amelioration/enquetes/{questionnaire.pk}/courriels/",
    ):
        browser.goto(path)
        assert check_accessibility(page) == [], path
    assert browser.errors == []
