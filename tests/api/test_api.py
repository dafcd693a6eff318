"""The REST API: tokens, permissions, validation in one error format, and the flows a
third-party capture tool needs."""

import datetime as dt
import json

import pytest
import time_machine

from barometre.api.models import ApiToken
from barometre.improvement import surveys
from barometre.improvement.models import CollectionPoint, FeedbackEntry, SurveyResponse

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC)


def _json(response):
    return json.loads(response.content)


def test_tokens_are_stored_hashed_and_can_be_revoked(api_client, operator, structure_a):
    token, key = ApiToken.issue(operator, "outil", "read")
    assert key.startswith(f"brm_{token.key_id}_") and key.split("_", 2)[2] not in token.key_digest
    client = api_client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    assert client.get("/api/v1/structures").status_code == 200
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}x"
    assert _json(client.get("/api/v1/structures"))["code"] == "unauthenticated"
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=NOW)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    assert client.get("/api/v1/structures").status_code == 401


def test_the_token_page_shows_a_key_once_and_revokes(client_for, manager_a):
    client = client_for(manager_a)
    page = client.post("/api/jetons/", {"op": "create", "name": "Saisie", "scope": "write"})
    text = page.content.decode()
    token = ApiToken.objects.get(user=manager_a)
    assert f"brm_{token.key_id}_" in text and "ne sera plus jamais affiché" in text
    assert f"brm_{token.key_id}_" not in client.get("/api/jetons/").content.decode().replace(
        f"brm_{token.key_id}_…", ""
    )
    client.post("/api/jetons/", {"op": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_structures_follow_the_web_access_rules(
    api_client, manager_b, auditor, structure_a, structure_b
):
    body = _json(api_client(manager_b).get("/api/v1/structures"))
    assert [s["name"] for s in body["items"]] == ["Ville de Metz"] and body["count"] == 1
    assert api_client(manager_b).get(f"/api/v1/structures/{structure_a.pk}").status_code == 404
    assert _json(api_client(auditor).get("/api/v1/structures"))["code"] == "forbidden"
    error = _json(api_client(manager_b).get("/api/v1/structures?limit=500"))
    assert error == {
        "code": "validation_error",
        "message": "Données invalides.",
        "details": [{"field": "limit", "message": "doit être inférieur ou égal à 100"}],
    }


def test_a_capture_tool_fills_and_submits_an_audit(api_client, phone_task, auditor, second_auditor):
    client = api_client(auditor)
    listed = _json(client.get("/api/v1/audits?status=assigned"))
    assert phone_task.pk in [a["id"] for a in listed["items"]]
    url = f"/api/v1/audits/{phone_task.pk}/answers"
    version = phone_task.version
    bad = client.put(
        url,
        {"version": version, "answers": {"phone.answered": "peut-être", "colour": "bleu"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert _json(bad)["details"] == [
        {"field": "answers.colour", "message": "critère absent de la grille barometre-2025"},
        {
            "field": "answers.phone.answered",
            "message": "oui, non ou sans objet attendu (reçu « peut-être »)",
        },
    ]
    bad = client.put(
        url,
        {"version": version, "answers": {"phone.answered": "peut-être"}},
        content_type="application/json",
    )
    assert _json(bad)["details"][0]["field"] == "answers.phone.answered"
    answers = {"phone.number_consistent": "oui", "phone.answered": "oui", "phone.rings": "3"}
    saved = client.put(
        url, {"version": version, "answers": answers}, content_type="application/json"
    )
    assert saved.status_code == 200 and _json(saved)["answers"] == answers
    stale = client.put(
        url,
        {"version": version, "answers": {"phone.answered": "non"}},
        content_type="application/json",
    )
    assert stale.status_code == 409 and _json(stale)["code"] == "conflict"
    read_only = api_client(auditor, scope="read").put(
        url, {"version": version + 1, "answers": answers}, content_type="application/json"
    )
    assert read_only.status_code == 403
    other = api_client(second_auditor).get(f"/api/v1/audits/{phone_task.pk}")
    assert other.status_code == 404


@time_machine.travel(NOW, tick=False)
def test_feedback_entries_through_the_api(api_client, manager_a, viewer_a, manager_b, structure_a):
    url = f"/api/v1/improvement/structures/{structure_a.pk}/feedback"
    payload = {
        "kind": "complaint",
        "channel": "letter",
        "received_on": "2026-04-01",
        "subject": "Dossier",
        "description": "Perdu",
    }
    created = api_client(manager_a).post(url, payload, content_type="application/json")
    assert created.status_code == 201 and _json(created)["answer_due"] == "2026-04-16"
    assert (
        api_client(viewer_a).post(url, payload, content_type="application/json").status_code == 403
    )
    assert api_client(manager_b).get(url).status_code == 404
    future = api_client(manager_a).post(
        url, payload | {"received_on": "2026-05-01"}, content_type="application/json"
    )
    assert future.status_code == 422 and _json(future)["details"][0]["field"] == "received_on"
    bad = api_client(manager_a).post(
        url, payload | {"kind": "insulte"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "valeur attendue parmi" in _json(bad)["details"][0]["message"]
    assert _json(api_client(viewer_a).get(url))["count"] == FeedbackEntry.objects.count() == 1


def test_public_survey_answers_are_stored_once_and_bounded(client, structure_a, settings):
    settings.BAROMETRE_PUBLIC_RATE_LIMIT = 3
    questionnaire = surveys.create_from_template(structure_a)
    point = CollectionPoint.objects.create(
        structure=structure_a, label="Accueil", questionnaire=questionnaire
    )
    url = f"/api/v1/public/points/{point.token}/answers"
    body = {"submission_key": "cle-00000001", "answers": {"overall": 9, "courtesy": 10}}
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201 and _json(first) == {"stored": True, "duplicate": False}
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 200 and _json(again)["duplicate"] is True
    out_of_range = client.post(
        url,
        body | {"submission_key": "cle-2", "answers": {"overall": 11}},
        content_type="application/json",
    )
    assert out_of_range.status_code == 422  # refused by the schema: not counted
    answers = [
        client.post(
            url, body | {"submission_key": f"cle-0000000{i}"}, content_type="application/json"
        )
        for i in (5, 6)
    ]
    assert [a.status_code for a in answers] == [201, 429]  # the third and fourth counted
    assert answers[1]["Retry-After"] == "600" and "Retry-After" not in answers[0]
    assert SurveyResponse.objects.count() == 2


def test_the_openapi_document_declares_bounds_and_errors(client):
    schema = _json(client.get("/api/v1/openapi.json"))
    assert schema["openapi"].startswith("3.1")
    limit = next(
        p
        for p in schema["paths"]["/api/v1/structures"]["get"]["parameters"]
        if p["name"] == "limit"
    )
    assert limit["schema"]["maximum"] == 100 and limit["schema"]["minimum"] == 1
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            # Public operations (no security) answer no 401; all others declare it.
            public = "security" not in operation
            assert ("401" in operation["responses"]) is not public, (method, path)
    assert client.get("/api/v1/docs").status_code == 200


def test_revoking_another_users_token_answers_404_and_changes_nothing(
    client_for, manager_a, manager_b
):
    token, _ = ApiToken.issue(manager_b, "outil", "read")
    client = client_for(manager_a)
    for value in (token.pk, "pas-un-nombre", ""):
        response = client.post("/api/jetons/", {"op": "revoke", "token": value})
        assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_published_key_figures_state_their_sample_and_hide_small_ones(
    api_client, operator, edition
):
    from tests.samples import fabricate_result_set

    result_set = fabricate_result_set(edition, 6, by=operator)
    result_set.stored_key_figures = [
        {
            "id": "phone_mean_rings",
            "label": "Sonneries",
            "unit": "sonneries",
            "value": 2.69,
            "low": 2.57,
            "high": 2.81,
            "numerator": 1893.0,
            "denominator": 704,
        },
        {
            "id": "email_answered",
            "label": "Courriels",
            "unit": "%",
            "value": 1.0,
            "low": 0.34,
            "high": 1.0,
            "numerator": 2,
            "denominator": 2,
        },
    ]
    result_set.save()
    response = api_client(operator).get(f"/api/v1/results/editions/{edition.pk}")
    figures = {f["id"]: f for f in response.json()["key_figures"]}
    rings = figures["phone_mean_rings"]
    assert (rings["kind"], rings["value"], rings["denominator"], rings["counted"]) == (
        "mean",
        2.69,
        704,
        "appels décrochés",
    )
    few = figures["email_answered"]
    assert (few["kind"], few["value"], few["numerator"], few["denominator"]) == ("rate", None, 2, 2)
    assert few["insufficient"] is True and rings["insufficient"] is False


def test_a_rate_is_a_share_in_every_api_answer(api_client, operator, manager_a, edition):
    """A client printed « 0,675 % »: rates were shares labelled « % ». One convention now
    (docs/api.md, « Unités »): a share between 0 and 1, unit « part »."""
    from barometre.improvement.models import Indicator, IndicatorTarget, IndicatorValue
    from tests.samples import fabricate_result_set

    result_set = fabricate_result_set(edition, 6, by=operator)
    result_set.stored_key_figures = [
        {
            "id": "email_answered",
            "label": "Courriels ayant reçu une réponse",
            "unit": "%",
            "value": 0.675,
            "low": 0.6,
            "high": 0.74,
            "numerator": 135,
            "denominator": 200,
        }
    ]
    result_set.save()
    (figure,) = api_client().get(f"/api/v1/results/editions/{edition.pk}").json()["key_figures"]
    assert (figure["unit"], figure["value"], figure["low"], figure["high"]) == (
        "part",
        0.675,
        0.6,
        0.74,
    )
    structure = manager_a.memberships.get().structure
    rate = Indicator.objects.create(structure=structure, code="tx", label="Taux")
    IndicatorValue.objects.create(indicator=rate, period="2025", year=2025, value=87.5)
    IndicatorTarget.objects.create(indicator=rate, year=2025, value=85)
    days = Indicator.objects.create(structure=structure, code="d", label="Délai", unit="days")
    IndicatorValue.objects.create(indicator=days, period="2025", year=2025, value=4.5)
    url = f"/api/v1/improvement/structures/{structure.pk}/indicators?year=2025"
    rows = {r["code"]: r for r in api_client(manager_a).get(url).json()}
    assert (rows["tx"]["unit"], rows["tx"]["values"]["2025"], rows["tx"]["targets"]["2025"]) == (
        "part",
        0.875,
        0.85,
    )
    assert (rows["d"]["unit"], rows["d"]["values"]["2025"]) == ("days", 4.5)
    assert rows["tx"]["as_of"] is None  # 2025 is over: its values are final
    assert rows["tx"]["samples"] == {"2023": None, "2024": None, "2025": None}  # entered
