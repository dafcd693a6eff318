"""The validation desk shows the whole audit; the auditor never loses typed answers; the
planning page lists, filters, reassigns and exports every audit."""

import datetime as dt
import io
import re
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from barometre.campaigns import lifecycle, workflow
from barometre.campaigns.desk import next_in_queue, review_audit
from barometre.campaigns.models import AuditTask, Evidence
from barometre.core.errors import Refused
from tests.html import shown

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
EMAIL_ANSWERS = {
    "email.address_findable": "oui",
    "email.form_works": "oui",
    "email.acknowledgement": "non",
    "email.replied": "oui",
    "email.personalised_greeting": "oui",
    "email.courtesy": "oui",
    "email.answer_quality": "partial",
    "email.clear": "oui",
    "email.signature": "non",
    "email.redirection": "na",
    "email.complaint_handled": "na",
    "email.observations": "Réponse aimable mais incomplète.",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def at(*args):
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def submitted_email(email_task, auditor):
    """An e-mail sent on Monday 2 June 2025 and answered on Thursday 5 June (3 working
    days in the Loiret), graded and submitted."""
    with time_machine.travel(at(2025, 6, 20, 10), tick=False):
        workflow.record_sending(
            email_task, sent_at=at(2025, 6, 2, 9), text="Bonjour, …", by=auditor
        )
        workflow.record_reply(
            email_task, replied_at=at(2025, 6, 5, 16), text="Madame, voici les pièces.", by=auditor
        )
        values = {k: ("sans objet" if v == "na" else v) for k, v in EMAIL_ANSWERS.items()}
        workflow.save_answers(email_task, values, by=auditor)
        workflow.submit(email_task, by=auditor)
    email_task.refresh_from_db()
    return email_task


def test_the_desk_shows_answers_points_texts_and_the_delay(submitted_email, operator, client_for):
    review = review_audit(submitted_email)
    assert review.delay_days == 3
    assert (review.sent_text, review.reply_text) == ("Bonjour, …", "Madame, voici les pièces.")
    lines = {line.criterion.id: line for line in review.explained.lines}
    assert lines["email.answer_quality"].points == 0.5
    assert lines["email.reply_delay"].answer == "3 jours ouvrés"
    assert not lines["email.redirection"].counted

    page = client_for(operator).get(reverse("campaigns:task", args=[submitted_email.pk])).text
    assert "Délai : 3 jours ouvrés" in shown(page)
    assert "Madame, voici les pièces." in page and "Bonjour, …" in page
    assert "Réponses et points, critère par critère" in page
    assert "Réponse partielle" in page or "Partielle" in page
    assert "Réponse aimable mais incomplète." in page  # the auditor's observation
    assert "Score de l'audit sur le canal" in page
    assert "Par étape du parcours" in page and "Par déterminant" in page
    assert "soumis pour validation" in page  # the history, in French
    assert "submit" not in page.split("Historique")[1]
    assert "Valider et passer au suivant" in page


def test_deciding_on_the_desk_opens_the_next_audit(
    submitted_email, phone_task, auditor, operator, client_for
):
    workflow.save_answers(phone_task, {"phone.answered": "oui"}, by=auditor)
    AuditTask.objects.filter(pk=phone_task.pk).update(status="submitted")
    first, second = sorted([submitted_email, phone_task], key=lambda t: (t.scheduled_at, t.pk))
    assert next_in_queue(first, [first.edition]) == second.pk
    assert next_in_queue(second, [first.edition]) == first.pk  # back to the start
    client = client_for(operator)
    response = client.post(
        reverse("campaigns:decide", args=[first.pk]), {"decision": "validate", "from": "desk"}
    )
    assert response.url == reverse("campaigns:task", args=[second.pk])
    refused = client.post(
        reverse("campaigns:decide", args=[second.pk]),
        {"decision": "return", "comment": "", "from": "desk"},
        follow=True,
    )
    assert "indiquez la raison à l&#x27;enquêteur" in refused.text
    assert AuditTask.objects.get(pk=second.pk).status == "submitted"


def test_a_returned_audit_shows_the_comment_at_the_top(
    submitted_email, auditor, operator, client_for
):
    workflow.return_to_auditor(submitted_email, by=operator, comment="Joignez le courriel reçu.")
    page = client_for(auditor).get(reverse("campaigns:task", args=[submitted_email.pk])).text
    main = page[page.find("<main") :]
    assert main.find("Renvoyé pour correction le") < main.find('<h2 class="fr-h4">Scénario')
    assert "« Joignez le courriel reçu. »" in main
    assert "renvoyé à l&#x27;enquêteur" in main  # the history, in French


def test_the_history_shows_each_answer_changed_after_submission_before_and_after(
    submitted_email, auditor, operator, client_for
):
    """The guide: every change after submission is traced (who, when, before, after), and
    the audit page shows it, criterion by criterion, in the words of the form."""
    workflow.return_to_auditor(submitted_email, by=operator, comment="Vérifiez la qualité.")
    submitted_email.refresh_from_db()
    values = {k: ("sans objet" if v == "na" else v) for k, v in EMAIL_ANSWERS.items()}
    changed = values | {
        "email.answer_quality": "complete",
        "email.signature": "oui",
        "email.observations": "Réponse complète après relecture.",
    }
    workflow.save_answers(submitted_email, changed, by=auditor)
    page = shown(
        client_for(operator).get(reverse("campaigns:task", args=[submitted_email.pk])).text
    )
    history = page[page.index("Historique") :]
    assert "réponses modifiées après soumission" in history
    assert '<th scope="col">Avant</th><th scope="col">Après</th>' in history
    assert (
        "<td>Réponse exacte et complète</td><td>Partielle ou imprécise</td>"
        "<td>Complète et exacte</td>"
    ) in history
    assert "<td>« Réponse aimable mais incomplète. »</td>" in history
    assert "<td>« Réponse complète après relecture. »</td>" in history
    assert (
        "<td>Signature nominative avec coordonnées directes</td><td>non</td><td>oui</td>"
    ) in history
    assert "email.replied" not in history  # unchanged answers are not listed


def test_another_structures_manager_never_sees_the_desk(submitted_email, manager_b, client_for):
    url = reverse("campaigns:task", args=[submitted_email.pk])
    assert client_for(manager_b).get(url).status_code in (403, 404)


def test_attaching_evidence_keeps_the_typed_answers(phone_task, auditor, client_for):
    client = client_for(auditor)
    url = reverse("campaigns:task", args=[phone_task.pk])
    typed = {
        "version": phone_task.version,
        "phone.number_consistent": "oui",
        "phone.answered": "oui",
        "phone.rings": "3",
        "phone.observations": "Très aimable",
        "action": "attach",
        "file": SimpleUploadedFile("appel.png", PNG),
    }
    response = client.post(url, typed, follow=True)
    assert "Pièce justificative ajoutée." in response.text
    stored = dict(phone_task.answers.values_list("criterion", "value"))
    assert stored == {
        "phone.number_consistent": "oui",
        "phone.answered": "oui",
        "phone.rings": "3",
        "phone.observations": "Très aimable",
    }
    assert 'value="Très aimable"' in response.text or "Très aimable</textarea>" in response.text
    evidence = Evidence.objects.get()
    # Removing it keeps the answers too, including those typed since.
    phone_task.refresh_from_db()
    response = client.post(
        url,
        {
            **typed,
            "version": phone_task.version,
            "phone.rings": "4",
            "remove": evidence.pk,
            "file": "",
        },
        follow=True,
    )
    assert "Pièce « appel.png » retirée." in response.text
    assert not Evidence.objects.exists()
    assert phone_task.answers.get(criterion="phone.rings").value == "4"


def test_a_draft_without_file_says_so_and_keeps_answers(phone_task, auditor, client_for):
    client = client_for(auditor)
    url = reverse("campaigns:task", args=[phone_task.pk])
    response = client.post(
        url,
        {"version": phone_task.version, "phone.answered": "oui", "action": "attach"},
        follow=True,
    )
    assert "Choisissez un fichier à joindre." in response.text
    assert phone_task.answers.get(criterion="phone.answered").value == "oui"


def test_the_desk_shows_evidence_inline(submitted_email, operator, client_for):
    Evidence.objects.create(
        task=submitted_email,
        file=SimpleUploadedFile("r.png", PNG),
        original_name="reponse.png",
        mime="image/png",
        size=len(PNG),
        uploaded_by=submitted_email.auditor,
    )
    evidence = Evidence.objects.get()
    client = client_for(operator)
    page = client.get(reverse("campaigns:task", args=[submitted_email.pk])).text
    url = reverse("campaigns:evidence_download", args=[submitted_email.pk, evidence.pk])
    images = re.findall(r"<img [^>]*>", page)
    assert any('class="barometre-evidence"' in i and f'src="{url}?voir=1"' in i for i in images)
    inline = client.get(url + "?voir=1")
    assert inline["Content-Disposition"].startswith("inline")
    assert client.get(url)["Content-Disposition"].startswith("attachment")


def test_the_planning_page_lists_filters_and_exports(in_fieldwork, operator, client_for):
    AuditTask.objects.filter(pk=in_fieldwork.tasks.first().pk).update(
        auditor=None, status="planned", planning_problem="aucun enquêteur ne couvre le 45"
    )
    client = client_for(operator)
    url = reverse("campaigns:edition_audits", args=[in_fieldwork.pk])
    page = client.get(url).text
    assert "5 audits" in page and "aucun enquêteur ne couvre le 45" in page
    assert "Semaine du" in page
    filtered = client.get(url, {"auditor": "aucun"}).text
    assert "1 audit" in filtered and "Préfecture du Loiret" in filtered
    assert "2 audits" in client.get(url, {"channel": "email"}).text
    export = client.get(url, {"channel": "email", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("Structure", "Identifiant", "Département", "Canal")
    assert len(rows) == 3 and {r[3] for r in rows[1:]} == {"Courriel ou formulaire"}


def test_bulk_reassignment_is_all_or_nothing_under_the_planner_rules(
    in_fieldwork, operator, auditor, second_auditor, client_for
):
    from barometre.accounts.models import Membership, Role, User
    from barometre.campaigns.models import AuditorProfile

    newcomer = User.objects.create_user("nina")
    Membership.objects.create(user=newcomer, role=Role.AUDITOR)
    AuditorProfile.objects.create(user=newcomer, departments=["45"], weekly_capacity=1)
    tasks = list(in_fieldwork.tasks.order_by("scheduled_at"))
    before = sorted(in_fieldwork.tasks.values_list("pk", "auditor_id"))
    with pytest.raises(Refused) as caught:
        lifecycle.reassign_many(tasks, newcomer, by=operator)
    assert caught.value.reasons and all(" : nina " in r for r in caught.value.reasons)
    assert sorted(in_fieldwork.tasks.values_list("pk", "auditor_id")) == before
    client = client_for(operator)
    url = reverse("campaigns:edition_audits", args=[in_fieldwork.pk])
    page = client.post(url, {"task": [t.pk for t in tasks], "auditor": newcomer.pk}, follow=True)
    assert "Aucun audit n&#x27;a été réattribué" in page.text
    assert sorted(in_fieldwork.tasks.values_list("pk", "auditor_id")) == before
    one = tasks[0]
    page = client.post(url, {"task": [one.pk], "auditor": newcomer.pk}, follow=True)
    assert "1 audit confié à nina." in page.text
    assert AuditTask.objects.get(pk=one.pk).auditor == newcomer
