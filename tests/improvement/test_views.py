"""The quality manager's and agents' pages, end to end through HTTP."""

import pytest
from django.urls import reverse

from barometre.improvement.models import FeedbackEntry, SurveyResponse
from tests.pdf import layout_problems, pdf_text, pdf_title

pytestmark = pytest.mark.django_db


def test_register_from_entry_to_answer(client_for, manager_a, agent_a, structure_a):
    manager = client_for(manager_a)
    response = manager.post(
        reverse("improvement:entry_create", args=[structure_a.pk]),
        {
            "kind": "complaint",
            "channel": "letter",
            "received_on": "2026-04-01",
            "subject": "Dossier perdu",
            "description": "Mon dossier a été égaré.",
            "assigned_to": agent_a.pk,
        },
    )
    entry = FeedbackEntry.objects.get()
    assert response.url == reverse("improvement:entry", args=[entry.pk])
    assert entry.answer_due.isoformat() == "2026-04-16"
    agent = client_for(agent_a)
    url = reverse("improvement:entry", args=[entry.pk])
    page = agent.get(url).content.decode()
    assert "Dossier perdu" in page and "attendue au plus tard le 16/04/2026" in page
    # The manager acknowledges meanwhile; the agent's answer, typed on the old version,
    # is refused with a conflict message and shown again.
    client_for(manager_a).post(url, {"action": "acknowledge", "version": 1, "on": "2026-04-02"})
    agent = client_for(agent_a)
    stale = {
        "action": "answer",
        "version": 1,
        "on": "2026-04-10",
        "answer": "Votre dossier est retrouvé.",
    }
    page = agent.post(url, stale, follow=True).content.decode()
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in page
    assert "Votre dossier est retrouvé." in page
    response = agent.post(
        url,
        {
            "action": "answer",
            "version": 2,
            "on": "2026-04-10",
            "answer": "Votre dossier est retrouvé.",
        },
    )
    entry.refresh_from_db()
    assert (entry.status, entry.answered_on.isoformat()) == ("answered", "2026-04-10")
    listing = agent.get(reverse("improvement:entries", args=[structure_a.pk]) + "?status=answered")
    assert entry.reference in listing.content.decode()
    figures = agent.get(reverse("improvement:figures", args=[structure_a.pk])).content.decode()
    assert "100,0\xa0% (1 / 1)" in figures


def test_a_viewer_reads_but_cannot_write(client_for, viewer_a, structure_a):
    viewer = client_for(viewer_a)
    assert viewer.get(reverse("improvement:entries", args=[structure_a.pk])).status_code == 200
    assert viewer.get(reverse("improvement:entry_create", args=[structure_a.pk])).status_code == 403


def test_surveys_from_template_to_poster(client_for, manager_a, agent_a, structure_a, tmp_path):
    manager = client_for(manager_a)
    manager.post(reverse("improvement:questionnaire_create", args=[structure_a.pk]))
    questionnaire = structure_a_questionnaire(structure_a)
    edit = reverse("improvement:questionnaire_edit", args=[questionnaire.pk])
    assert "Courtoisie des agents" in manager.get(edit).content.decode()
    response = manager.post(
        reverse("improvement:point_create", args=[structure_a.pk]),
        {"label": "Guichet des titres", "questionnaire": questionnaire.pk, "feedback_form": "on"},
    )
    assert response.status_code == 302
    point = questionnaire.points.get()
    svg = manager.get(reverse("improvement:point_qr", args=[point.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = manager.get(reverse("improvement:point_qr", args=[point.pk, "png"]))
    assert png.content.startswith(b"\x89PNG")
    pdf = manager.get(reverse("improvement:point_qr", args=[point.pk, "pdf"]))
    text = pdf_text(tmp_path, pdf.content)
    # pdftotext may put a space inside the address where the glyphs are kerned (seen with
    # the token "EUT9TdZQ": "…/u/EUT9TdZQ /"), so the address is looked for without spaces.
    assert "Donnez votre avis" in text and f"/u/{point.token}/" in "".join(text.split())
    assert "Préfecture du Loiret" in text
    # An agent types a paper questionnaire.
    agent = client_for(agent_a)
    entry_url = reverse("improvement:paper_entry", args=[questionnaire.pk])
    form = agent.get(entry_url).content.decode()
    key = form.split('name="submission_key" value="')[1].split('"')[0]
    agent.post(
        entry_url,
        {
            "submission_key": key,
            "answered_on": "2026-03-02",
            "item_overall": "8",
            "item_courtesy": "10",
        },
    )
    assert SurveyResponse.objects.get().source == "paper"
    results = agent.get(
        reverse("improvement:questionnaire", args=[questionnaire.pk])
        + "?du=2026-01-01&au=2026-12-31"
    ).content.decode()
    assert "100,0\xa0%" in results and "effectif faible (n = 1)" in results


def structure_a_questionnaire(structure):
    from barometre.improvement.models import Questionnaire

    return Questionnaire.objects.get(structure=structure)


def test_root_cause_action_link_and_deadline_rules(client_for, manager_a, structure_a):
    from barometre.improvement import register
    from barometre.improvement.models import Action

    manager = client_for(manager_a)
    rules = reverse("improvement:deadline_rules", args=[structure_a.pk])
    manager.post(
        rules,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-channel": "email",
            "form-0-kind": "",
            "form-0-answer_working_days": "3",
        },
    )
    entry, _ = register.create_entry(
        structure_a,
        kind="complaint",
        channel="email",
        received_on=__import__("datetime").date(2026, 4, 1),
        subject="s",
        description="d",
    )
    assert entry.answer_due.isoformat() == "2026-04-07"  # 3 working days, Easter Monday off
    assert "suivent le calendrier du Loiret (45)." in manager.get(rules).text
    action = Action.objects.create(
        structure=structure_a, year=2026, axis="Accueil", title="Second guichet"
    )
    url = reverse("improvement:entry", args=[entry.pk])
    manager.post(
        url,
        {
            "action": "edit",
            "fiche-version": entry.version,
            "fiche-service": "Titres",
            "fiche-root_cause": "attente",
            "fiche-action": action.pk,
        },
    )
    entry.refresh_from_db()
    assert (entry.service, entry.root_cause, entry.version) == ("Titres", "attente", 2)
    assert list(action.feedback.all()) == [entry]
    stale = {"action": "edit", "fiche-version": 1, "fiche-service": "Autre"}
    response = manager.post(url, stale, follow=True)
    assert "modifiée par quelqu" in response.content.decode()
    entry.refresh_from_db()
    assert entry.service == "Titres"


@pytest.mark.parametrize(
    ("status", "progress", "message"),
    [
        ("done", "0", "Une action réalisée est avancée à 100 %."),
        ("in_progress", "100", "Avancée à 100 % : l&#x27;action est « Réalisée »."),
    ],
)
def test_an_action_status_must_agree_with_its_progress(
    client_for, manager_a, structure_a, status, progress, message
):
    from barometre.improvement.models import Action

    response = client_for(manager_a).post(
        reverse("improvement:action_create", args=[structure_a.pk]),
        {
            "year": "2025",
            "axis": "Accueil",
            "title": "Second guichet",
            "status": status,
            "progress": progress,
            "origin": "other",
            "done_on": "2025-06-30",
        },
    )
    assert response.status_code == 200
    assert message in response.text
    assert not Action.objects.exists()


def test_the_poster_fits_its_page_with_a_long_name_and_address(
    client_for, manager_a, structure_a, tmp_path, settings
):
    from barometre.improvement import surveys
    from barometre.improvement.models import CollectionPoint

    settings.BAROMETRE_SITE_URL = "https://barometre-experience-usager.example.gouv.fr"
    structure_a.name = (
        "Direction départementale de l'emploi, du travail, des solidarités et de la "
        "protection des populations du Loiret"
    )
    structure_a.save()
    point = CollectionPoint.objects.create(
        structure=structure_a,
        label="Accueil du public",
        questionnaire=surveys.create_from_template(structure_a),
    )
    pdf = client_for(manager_a).get(reverse("improvement:point_qr", args=[point.pk, "pdf"]))
    assert layout_problems(tmp_path, pdf.content, name="affiche") == []
    assert pdf_title(tmp_path, pdf.content) == f"Donnez votre avis — {structure_a.name}"
    text = pdf_text(tmp_path, pdf.content)
    assert "l'emploi, du travail" in text
    assert text.count("\f") == 1  # one page: the address stays under its code
