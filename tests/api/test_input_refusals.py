"""Inputs the database cannot take or the rules do not allow are refused in the API's
error format, never with a 500 (run on PostgreSQL too: it cannot store NUL in text)."""

import datetime as dt
import json

import pytest
import time_machine

from barometre.improvement import surveys
from barometre.improvement.models import CollectionPoint, FeedbackEntry, SurveyResponse

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC)
NUL = "caractère nul (\\x00) interdit"


def _json(response):
    return json.loads(response.content)


@pytest.fixture
def answers_url(structure_a):
    questionnaire = surveys.create_from_template(structure_a)
    point = CollectionPoint.objects.create(
        structure=structure_a, label="Accueil", questionnaire=questionnaire
    )
    return f"/api/v1/public/points/{point.token}/answers"


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("payload.comment", {"comment": "bien\x00reçu"}),
        ("payload.submission_key", {"submission_key": "cle-\x00-000001"}),
        ("payload.answers.over\x00all.[key]", {"answers": {"over\x00all": 9}}),
    ],
)
def test_a_null_character_in_a_public_answer_is_refused(client, answers_url, field, body):
    payload = {"submission_key": "cle-00000001", "answers": {"overall": 9}} | body
    response = client.post(answers_url, payload, content_type="application/json")
    assert response.status_code == 422
    assert _json(response) == {
        "code": "validation_error",
        "message": "Données invalides.",
        "details": [{"field": field, "message": NUL}],
    }
    assert SurveyResponse.objects.count() == 0


def test_a_public_rating_is_a_strict_integer(client, answers_url):
    for rating in (True, "9", 9.0):
        payload = {"submission_key": "cle-00000001", "answers": {"overall": rating}}
        response = client.post(answers_url, payload, content_type="application/json")
        assert response.status_code == 422, rating
        assert _json(response)["details"][0]["field"] == "payload.answers.overall"
    assert SurveyResponse.objects.count() == 0


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("field", ["subject", "service", "description"])
def test_a_null_character_in_a_feedback_entry_is_refused(api_client, manager_a, structure_a, field):
    url = f"/api/v1/improvement/structures/{structure_a.pk}/feedback"
    payload = {
        "kind": "complaint",
        "channel": "letter",
        "received_on": "2026-04-01",
        "subject": "Dossier",
        "description": "Perdu",
        field: "a\x00b",
    }
    response = api_client(manager_a).post(url, payload, content_type="application/json")
    assert response.status_code == 422
    assert _json(response)["details"] == [{"field": f"payload.{field}", "message": NUL}]
    assert FeedbackEntry.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_a_feedback_entry_received_in_the_year_one_is_refused(api_client, manager_a, structure_a):
    url = f"/api/v1/improvement/structures/{structure_a.pk}/feedback"
    payload = {
        "kind": "complaint",
        "channel": "letter",
        "received_on": "0001-01-01",
        "subject": "Dossier",
        "description": "Perdu",
    }
    response = api_client(manager_a).post(url, payload, content_type="application/json")
    assert response.status_code == 422
    assert _json(response)["details"] == [
        {
            "field": "received_on",
            "message": "la date de réception ne peut pas être antérieure au 01/01/2000",
        }
    ]
    assert FeedbackEntry.objects.count() == 0


@pytest.mark.parametrize("query", ["q=Pr%00f", "department=4%005"])
def test_a_null_character_in_a_structure_search_is_refused(api_client, manager_a, query):
    response = api_client(manager_a).get(f"/api/v1/structures?{query}")
    assert response.status_code == 422
    assert _json(response)["details"][0]["message"] == NUL


def test_a_null_character_in_audit_answers_is_refused(api_client, phone_task, auditor):
    url = f"/api/v1/audits/{phone_task.pk}/answers"
    payload = {"version": phone_task.version, "answers": {"phone.answered": "o\x00ui"}}
    response = api_client(auditor).put(url, payload, content_type="application/json")
    assert response.status_code == 422
    assert _json(response)["details"] == [
        {"field": "payload.answers.phone.answered", "message": NUL}
    ]


def test_a_null_character_in_a_token_is_unauthenticated(client):
    response = client.get("/api/v1/structures", HTTP_AUTHORIZATION="Bearer brm_a\x00b_c")
    assert response.status_code == 401
    assert _json(response)["code"] == "unauthenticated"
