"""Who sees personal data (docs/guide/donnees-personnelles.md): the structure's managers
and the person an entry is assigned to see the user's contact details and the entry's
texts as written; other agents and viewers read them masked (in the register's export
too); the annual review (page and PDF), the deadlines, survey comments and the other
exports never contain them. Checked over every register, survey-comment and export view ×
persona."""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from barometre.improvement import register, surveys
from barometre.improvement.models import Decision, Meeting, Statement
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "operator",
    "auditor",
    "manager_a",
    "manager_b",
    "agent_a",
    "viewer_a",
    "no_role",
]

# What each entry holds that identifies its author, and the part of it in the subject
# (the only text shown in lists and by the API).
UNASSIGNED = {"Dupuis", "jeanne.dupuis@example.fr", "06 12 34 56 78", "12 rue des Lilas"}
UNASSIGNED_SUBJECT = {"Dupuis"}
ASSIGNED = {"Moreau", "paul.moreau@example.fr", "03 87 55 12 34", "8 place Jean Moulin"}
ASSIGNED_SUBJECT = {"Moreau"}
COMMENT = {"Lefèvre", "01 23 45 67 89", "4 rue Haute", "lefevre@example.fr"}
MINUTES = {"Garnier", "garnier@example.fr", "Petit"}
EVERYTHING = UNASSIGNED | ASSIGNED | COMMENT | MINUTES

NOTHING = {p: set() for p in PERSONAS}
LISTS = NOTHING | {"manager_a": UNASSIGNED_SUBJECT | ASSIGNED_SUBJECT, "agent_a": ASSIGNED_SUBJECT}
# The register's export: the subjects and the users' contact details (name, e-mail).
EXPORT = NOTHING | {
    "manager_a": {"Dupuis", "jeanne.dupuis@example.fr", "Moreau", "paul.moreau@example.fr"},
    "agent_a": {"Moreau", "paul.moreau@example.fr"},
}
# View → what each persona sees of the personal data above (a persona without access to
# the view sees nothing either).
EXPECTED = {
    "entries": LISTS,
    "entries_export": EXPORT,
    "entries_export_csv": EXPORT,
    "entry_unassigned": NOTHING | {"manager_a": UNASSIGNED},
    "entry_assigned": NOTHING | {"manager_a": ASSIGNED, "agent_a": ASSIGNED},
    "api_feedback": LISTS,
    "structure": NOTHING,
    "figures": NOTHING,
    "deadlines": NOTHING,
    "questionnaire": NOTHING,
    "questionnaire_search": NOTHING,
    "dashboard": NOTHING,
    "dashboard_xlsx": NOTHING,
    "committee": NOTHING,
    "meeting": NOTHING | {"manager_a": MINUTES},
    "review": NOTHING,
    "review_pdf": NOTHING,
}


@pytest.fixture
def data(structure_a, agent_a, questionnaire):
    today = timezone.localdate()
    received = today - dt.timedelta(days=40)  # overdue: listed among the deadlines
    unassigned, _ = register.create_entry(
        structure_a,
        kind="complaint",
        channel="email",
        received_on=received,
        subject="Accueil de Mme Dupuis",
        description="Rappelez-moi au 06 12 34 56 78 ou écrivez au 12 rue des Lilas.",
        contact_name="Jeanne Dupuis",
        contact_email="jeanne.dupuis@example.fr",
    )
    assigned, _ = register.create_entry(
        structure_a,
        kind="complaint",
        channel="letter",
        received_on=received,
        subject="Courrier de M. Moreau",
        description="Joignable au 03 87 55 12 34, 8 place Jean Moulin.",
        contact_name="Paul Moreau",
        contact_email="paul.moreau@example.fr",
        assigned_to=agent_a,
    )
    surveys.submit(
        questionnaire,
        {"overall": 9},
        comment="Merci à Mme Lefèvre (lefevre@example.fr, 01 23 45 67 89), 4 rue Haute.",
    )
    meeting = Meeting.objects.create(
        structure=structure_a, held_on=today, agenda="Bilan", reviewed_year=today.year - 1
    )
    Statement.objects.create(
        meeting=meeting,
        speaker="Mme Roux (UNAF)",
        question=True,
        text="Le courrier de M. Garnier (garnier@example.fr) est resté sans réponse.",
    )
    Decision.objects.create(meeting=meeting, text="Rappeler Mme Petit avant la fin du mois.")
    return {
        "unassigned": unassigned,
        "assigned": assigned,
        "questionnaire": questionnaire,
        "meeting": meeting,
        "year": meeting.reviewed_year,
    }


def _urls(structure, data) -> dict[str, str]:
    pk, year = structure.pk, data["year"]
    questionnaire = reverse("improvement:questionnaire", args=[data["questionnaire"].pk])
    return {
        "entries": reverse("improvement:entries", args=[pk]),
        "entries_export": reverse("improvement:entries_export", args=[pk]),
        "entries_export_csv": reverse("improvement:entries_export", args=[pk]) + "?format=csv",
        "entry_unassigned": reverse("improvement:entry", args=[data["unassigned"].pk]),
        "entry_assigned": reverse("improvement:entry", args=[data["assigned"].pk]),
        "api_feedback": f"/api/v1/improvement/structures/{pk}/feedback",
        "structure": reverse("improvement:structure", args=[pk]),
        "figures": reverse("improvement:figures", args=[pk]),
        "deadlines": reverse("improvement:deadlines", args=[pk]),
        "questionnaire": questionnaire,
        "questionnaire_search": questionnaire + "?q=Merci",
        "dashboard": reverse("improvement:dashboard", args=[pk]),
        "dashboard_xlsx": reverse("improvement:dashboard", args=[pk]) + "?format=xlsx",
        "committee": reverse("improvement:committee", args=[pk]),
        "meeting": reverse("improvement:meeting", args=[pk, data["meeting"].pk]),
        "review": reverse("improvement:review", args=[pk, year]),
        "review_pdf": reverse("improvement:review_pdf", args=[pk, year]),
    }


def _text(response, tmp_path) -> str:
    """What the reader gets, whitespace normalised (a PDF line may wrap anywhere)."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("application/pdf"):
        text = pdf_text(tmp_path, body)
    elif "spreadsheetml" in kind:
        sheets = load_workbook(io.BytesIO(body), read_only=True).worksheets
        text = " ".join(
            str(c)
            for s in sheets
            for row in s.iter_rows(values_only=True)
            for c in row
            if c is not None
        )
    elif kind.startswith("application/json"):
        text = json.dumps(json.loads(body), ensure_ascii=False)
    else:
        text = body.decode()
    return " ".join(text.split())


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", list(EXPECTED))
def test_personal_data_matrix(view, persona, personas, structure_a, data, client_for, tmp_path):
    url = _urls(structure_a, data)[view]
    response = client_for(personas[persona]).get(url)
    text = _text(response, tmp_path)  # once: a streamed response is read only once
    seen = {marker for marker in EVERYTHING if marker in text}
    expected = EXPECTED[view][persona]
    assert seen == expected, f"{view} pour {persona} : voit {seen}, attendu {expected}"
    if expected:
        assert response.status_code == 200


def test_the_matrix_covers_every_register_survey_and_export_view():
    from tests.web.test_access import MATRIX

    personal = {name for name in MATRIX if name.startswith("improvement:")} - {
        # Forms and settings pages that show no entry, comment or minutes.
        "improvement:index",
        "improvement:entry_create",
        "improvement:point_create",
        "improvement:questionnaire_edit",
        "improvement:paper_entry",
        "improvement:survey_import",
        # Managers only (who see the register's personal data); it echoes their own file.
        "improvement:experiences_import",
        "improvement:point_qr",
        "improvement:deadline_rules",
        "improvement:indicator_create",
        "improvement:indicator_catalogue",
        "improvement:mailing_create",
        "improvement:indicator",
        "improvement:plan",
        "improvement:action_create",
        "improvement:action",
        "improvement:trainings",
        "improvement:self_assessment",
        "improvement:meeting_create",
        # The manager's form: what they wrote themselves.
        "improvement:meeting_edit",
        "improvement:profile",
        # Operators': counts per département, never an entry (test_national_scale.py).
        "improvement:network",
    }
    covered = {f"improvement:{v}" for v in EXPECTED} | {
        "improvement:entry",  # entry_unassigned, entry_assigned
    }
    assert personal <= covered, sorted(personal - covered)


def test_a_masked_entry_says_so_and_keeps_its_meaning(client_for, viewer_a, data):
    page = client_for(viewer_a).get(reverse("improvement:entry", args=[data["unassigned"].pk]))
    text = page.content.decode()
    assert "coordonnées masquées" in text
    assert "Accueil de Mme [nom masqué]" in text
    assert "Rappelez-moi au [téléphone masqué] ou écrivez au [adresse masquée]." in text


def test_a_search_does_not_tell_which_masked_entry_holds_a_name(
    client_for, viewer_a, manager_a, structure_a, data
):
    url = reverse("improvement:entries", args=[structure_a.pk])
    found = client_for(viewer_a).get(url, {"q": "Dupuis"}).content.decode()
    assert data["unassigned"].reference not in found
    found = client_for(viewer_a).get(url, {"q": data["unassigned"].reference}).content.decode()
    assert data["unassigned"].reference in found
    found = client_for(manager_a).get(url, {"q": "Dupuis"}).content.decode()
    assert data["unassigned"].reference in found


def test_a_masked_copy_is_never_saved(data):
    shown = register.masked(data["unassigned"])
    with pytest.raises(RuntimeError):
        shown.save()
    data["unassigned"].refresh_from_db()
    assert data["unassigned"].contact_email == "jeanne.dupuis@example.fr"


def test_the_users_own_name_is_masked_in_the_texts_even_without_a_civility(structure_a):
    """QA: « Texte libre de Jeanne Martin : … » stayed readable by the committee, the
    general masking looking for a civility (« Mme Martin »)."""
    entry, _ = register.create_entry(
        structure_a,
        kind="complaint",
        channel="web_form",
        received_on=timezone.localdate(),
        subject="Texte libre de Jeanne Martin",
        description="Jeanne Martin écrit : MARTIN a attendu ; martinet n'est pas un nom.",
        contact_name="Jeanne Martin",
        contact_email="jeanne.martin@example.org",
    )
    shown = register.masked(entry)
    assert shown.subject == "Texte libre de [nom masqué]"
    assert shown.description == (
        "[nom masqué] écrit : [nom masqué] a attendu ; martinet n'est pas un nom."
    )
    assert "Martin" not in shown.subject + shown.description
