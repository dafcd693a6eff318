"""Fieldwork through the API (issue 31): the sending and the reply of an e-mail audit with
the page's checks and their provenance, the grid of a channel, evidence in and out, and
who may do each."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from barometre.api.models import ApiToken
from barometre.campaigns import workflow
from barometre.campaigns.models import AuditTask, Evidence
from barometre.engine import shipped_grid
from tests.campaigns.test_desk import PDF, PNG
from tests.web.test_access import ALL, DENIED, HIDDEN

pytestmark = pytest.mark.django_db
GRID = shipped_grid()
EMAIL_ANSWERS = {
    "email.address_findable": "OUI",
    "email.form_works": "oui",
    "email.acknowledgement": "non",
    "email.replied": "oui",
    "email.personalised_greeting": "yes",
    "email.courtesy": "oui",
    "email.answer_quality": "Partial",
    "email.clear": "oui",
    "email.signature": "non",
    "email.redirection": "sans objet",
    "email.complaint_handled": "SO",
    "email.observations": "Réponse aimable mais incomplète.",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _put(client, url, body):
    return client.put(url, body, content_type="application/json")


def test_an_email_audit_is_completed_through_the_api(api_client, email_task, auditor):
    client = api_client(auditor)
    base = f"/api/v1/audits/{email_task.pk}"
    # Without a sending, the submission is refused as on the page.
    early = _put(client, f"{base}/answers", {"version": 1, "answers": {}, "submit": True})
    assert early.status_code == 409 and "enregistrez l'envoi" in early.json()["message"]

    future = timezone.now() + dt.timedelta(days=2)
    refused = _put(client, f"{base}/sending", {"sent_at": future.isoformat(), "text": "Bonjour"})
    assert refused.status_code == 422
    assert refused.json()["details"] == [
        {"field": "sent_at", "message": "la date d'envoi est dans le futur"}
    ]
    # A date without a time zone is Paris time; the source says it was captured.
    sent = _put(
        client,
        f"{base}/sending",
        {"sent_at": "2025-05-16T09:30:00", "text": "Bonjour, ma carte ?", "source": "captured"},
    )
    assert sent.status_code == 200, sent.content
    body = sent.json()
    assert body["status"] == "awaiting_reply" and body["sent_source"] == "captured"
    assert body["sent_at"].startswith("2025-05-16T09:30:00+02:00")

    before = _put(client, f"{base}/reply", {"replied_at": "2025-05-15T10:00:00", "text": "x"})
    assert before.status_code == 422
    assert before.json()["details"] == [
        {
            "field": "replied_at",
            "message": "la réponse ne peut pas précéder l'envoi (envoyé le 16/05/2025 à 09:30)",
        }
    ]
    replied = _put(
        client, f"{base}/reply", {"replied_at": "2025-05-21T16:00:00", "text": "Madame, …"}
    )
    assert replied.status_code == 200
    body = replied.json()
    # Friday 16 → Wednesday 21 May 2025: three working days in the Loiret.
    assert (body["status"], body["reply_source"], body["reply_delay_days"]) == (
        "assigned",
        "typed",
        3,
    )

    uploaded = client.post(f"{base}/evidence", {"file": SimpleUploadedFile("reponse.pdf", PDF)})
    assert uploaded.status_code == 201, uploaded.content
    piece = uploaded.json()
    assert (piece["name"], piece["mime"], piece["size"]) == (
        "reponse.pdf",
        "application/pdf",
        len(PDF),
    )
    download = client.get(f"{base}/evidence/{piece['id']}")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="reponse.pdf"' in download["Content-Disposition"]

    version = client.get(base).json()["version"]
    submitted = _put(
        client, f"{base}/answers", {"version": version, "answers": EMAIL_ANSWERS, "submit": True}
    )
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted" and body["anomalies"] == []
    assert body["answers"]["email.address_findable"] == "oui"
    assert body["answers"]["email.answer_quality"] == "partial"
    assert body["answers"]["email.complaint_handled"] == "sans objet"
    assert [e["id"] for e in body["evidence"]] == [piece["id"]]


def test_a_channel_without_sending_and_a_sending_after_the_reply_are_refused(
    api_client, phone_task, email_task, auditor
):
    client = api_client(auditor)
    phone = _put(
        client,
        f"/api/v1/audits/{phone_task.pk}/sending",
        {"sent_at": "2025-05-16T09:30:00", "text": "Bonjour"},
    )
    assert phone.status_code == 409 and phone.json()["code"] == "refused"
    no_sending = _put(
        client, f"/api/v1/audits/{email_task.pk}/reply", {"replied_at": "2025-05-16T09:30:00"}
    )
    assert no_sending.status_code == 409
    assert no_sending.json()["message"] == "enregistrez d'abord l'envoi"
    base = f"/api/v1/audits/{email_task.pk}"
    _put(client, f"{base}/sending", {"sent_at": "2025-05-16T09:30:00", "text": "Bonjour"})
    _put(client, f"{base}/reply", {"replied_at": "2025-05-19T09:30:00"})
    late = _put(client, f"{base}/sending", {"sent_at": "2025-05-20T09:30:00", "text": "Bonjour"})
    assert late.status_code == 422 and late.json()["details"][0]["field"] == "sent_at"
    email_task.refresh_from_db()
    assert email_task.status == "assigned"  # the reply is still recorded


def test_the_grid_of_a_channel_is_typed(api_client, email_task, auditor):
    response = api_client(auditor).get(f"/api/v1/editions/{email_task.edition_id}/grid/email")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["grid_id"], body["channel"]) == ("barometre-2025", "email")
    criteria = {c["id"]: c for c in body["criteria"]}
    assert list(criteria) == [c.id for c in GRID.criteria if c.channel == "email"]
    replied, delay = criteria["email.replied"], criteria["email.reply_delay"]
    assert (replied["value_type"], replied["required"], replied["computed"]) == (
        "yes_no",
        True,
        False,
    )
    assert (delay["value_type"], delay["computed"], delay["required"]) == ("delay", True, False)
    assert delay["unit"] == "working_days" and delay["prerequisites"] == ["email.replied"]
    quality = criteria["email.answer_quality"]
    assert [lv["code"] for lv in quality["levels"]] == ["complete", "partial", "wrong"]
    assert quality["levels"][-1]["points"] == 0
    assert criteria["email.redirection"]["not_applicable_allowed"] is True
    assert criteria["email.replied"]["not_applicable_allowed"] is False
    notes = criteria["email.observations"]
    assert (notes["value_type"], notes["scored"], notes["required"]) == ("text", False, False)
    unknown = api_client(auditor).get(f"/api/v1/editions/{email_task.edition_id}/grid/fax")
    assert unknown.status_code == 422


def test_evidence_is_checked_as_on_the_page(api_client, phone_task, auditor, settings):
    url = f"/api/v1/audits/{phone_task.pk}/evidence"
    client = api_client(auditor)
    exe = client.post(url, {"file": SimpleUploadedFile("capture.png", b"MZ\x90\x00" + b"\0" * 60)})
    assert exe.status_code == 422 and exe.json()["details"][0]["field"] == "file"
    assert "programme exécutable Windows" in exe.json()["details"][0]["message"]
    settings.EVIDENCE_MAX_BYTES = 50
    big = client.post(url, {"file": SimpleUploadedFile("scan.png", PNG + b"\0" * 100)})
    assert big.status_code == 422
    assert big.json()["details"][0]["message"].startswith("Le fichier pèse")
    missing = client.post(url, {})
    assert missing.status_code == 422 and missing.json()["details"][0]["field"] == "file"
    assert not Evidence.objects.exists()


# ------------------------------------------------------------------ access of the writes

WRITES = {
    "sending": ("put", "sending", {"sent_at": "2025-05-16T09:30:00", "text": "Bonjour"}),
    "reply": ("put", "reply", {"replied_at": "2025-05-19T09:30:00"}),
    "evidence": ("post", "evidence", None),
}
# On the auditor's e-mail audit: only its auditor writes; the operator reads it but the
# audit is not theirs (409); other structures' managers do not see it (404); other roles
# are refused (403).
EXPECTED = {
    "anonymous": 401,
    "operator": 409,
    "auditor": None,  # allowed
    "manager_a": HIDDEN,
    "manager_b": HIDDEN,
    "agent_a": DENIED,
    "viewer_a": DENIED,
    "no_role": DENIED,
}


@pytest.mark.parametrize(("write", "persona"), [(w, p) for w in WRITES for p in ALL])
def test_who_may_record_fieldwork_through_the_api(write, persona, personas, email_task):
    AuditTask.objects.filter(pk=email_task.pk).update(
        sent_at=dt.datetime(2025, 5, 16, 7, 30, tzinfo=dt.UTC), status="awaiting_reply"
    )
    method, path, body = WRITES[write]
    url = f"/api/v1/audits/{email_task.pk}/{path}"
    client = Client()
    if personas[persona] is not None:
        _, key = ApiToken.issue(personas[persona], "matrice", "write")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    if body is None:
        response = client.post(url, {"file": SimpleUploadedFile("a.png", PNG)})
    else:
        response = getattr(client, method)(url, body, content_type="application/json")
    expected = EXPECTED[persona] or (201 if write == "evidence" else 200)
    assert response.status_code == expected, (persona, response.content[:300])
    if persona == "auditor":
        _, key = ApiToken.issue(personas[persona], "lecture", "read")
        read_only = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        if body is None:
            again = read_only.post(url, {"file": SimpleUploadedFile("a.png", PNG)})
        else:
            again = getattr(read_only, method)(url, body, content_type="application/json")
        assert again.status_code == DENIED


def test_an_auditor_reads_only_the_editions_they_have_audits_in(
    api_client, email_task, second_auditor, auditor
):
    edition = email_task.edition
    AuditTask.objects.filter(edition=edition, auditor=second_auditor).update(auditor=auditor)
    assert api_client(second_auditor).get(f"/api/v1/editions/{edition.pk}").status_code == 404
    assert api_client(second_auditor).get("/api/v1/editions").json()["count"] == 0
    assert api_client(auditor).get("/api/v1/editions").json()["count"] == 1
    # Enrolments stay with those who run the edition.
    enrolments = api_client(auditor).get(f"/api/v1/editions/{edition.pk}/enrolments")
    assert enrolments.status_code == DENIED


def test_a_piece_of_another_audit_is_not_found(api_client, phone_task, email_task, auditor):
    piece = workflow.add_evidence(email_task, SimpleUploadedFile("a.png", PNG), by=auditor)
    url = f"/api/v1/audits/{phone_task.pk}/evidence/{piece.pk}"
    assert api_client(auditor).get(url).status_code == 404
