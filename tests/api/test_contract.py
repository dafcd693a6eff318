"""The OpenAPI document is a contract a generated client can rely on: one named schema
per enumeration, stable ASCII names, every error status declared with the error schema,
no orphan schema; and the errors outside the operations answer in the same format."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from barometre.api.api import MALFORMED
from barometre.campaigns.models import AuditTask, Edition, Enrolment
from barometre.improvement import surveys
from barometre.improvement.models import CollectionPoint, FeedbackEntry, Questionnaire

OPERATION_IDS = {
    "list_structures",
    "get_structure",
    "list_editions",
    "get_edition",
    "list_enrolments",
    "list_audits",
    "get_audit",
    "put_answers",
    "record_sending",
    "record_reply",
    "upload_evidence",
    "download_evidence",
    "get_grid",
    "get_national_results",
    "get_structure_result",
    "list_feedback",
    "create_feedback",
    "list_indicators",
    "get_point_questionnaire",
    "submit_survey_answers",
}
ERROR = {"$ref": "#/components/schemas/Error"}
API_DOC = Path(__file__).parents[2] / "docs" / "api.md"


@pytest.fixture(scope="module")
def document():
    return json.loads(Client().get("/api/v1/openapi.json").content)


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def test_each_enumeration_has_its_own_named_schema(document):
    schemas = document["components"]["schemas"]
    assert "Status" not in schemas
    for name, choices in [
        ("EditionPhase", Edition.Status),
        ("AuditStatus", AuditTask.Status),
        ("FeedbackStatus", FeedbackEntry.Status),
        ("EnrolmentStatus", Enrolment.Status),
        ("SurveyScale", Questionnaire.ScaleKind),
    ]:
        assert schemas[name]["enum"] == list(choices.values), name
    assert "not_done" in schemas["AuditStatus"]["enum"]
    assert schemas["Edition"]["properties"]["status"] == _ref("EditionPhase")
    assert schemas["Audit"]["properties"]["status"] == _ref("AuditStatus")
    assert schemas["FeedbackEntry"]["properties"]["status"] == _ref("FeedbackStatus")
    status = next(
        p for p in document["paths"]["/api/v1/audits"]["get"]["parameters"] if p["name"] == "status"
    )
    assert _ref("AuditStatus") in status["schema"]["anyOf"]


def test_names_are_ascii_stable_and_make_a_clean_package(document):
    ids = [operation["operationId"] for *_, operation in _operations(document)]
    assert set(ids) == OPERATION_IDS and len(ids) == len(OPERATION_IDS)
    tags = {tag for *_, operation in _operations(document) for tag in operation["tags"]}
    assert tags == {"structures", "editions", "audits", "results", "improvement", "public"}
    assert {t["name"] for t in document["tags"]} == tags
    assert document["info"]["title"] == "Barometre API"  # the client: barometre-api-client
    assert all(name.isascii() and name.isidentifier() for name in ids)


def test_no_schema_is_published_that_nothing_uses(document):
    text = json.dumps(document["paths"])
    schemas = document["components"]["schemas"]
    # Reached from the paths, directly or through another schema.
    reached = {n for n in schemas if f'"#/components/schemas/{n}"' in text}
    while True:
        inner = json.dumps([schemas[n] for n in reached])
        more = {n for n in schemas if f'"#/components/schemas/{n}"' in inner} - reached
        if not more:
            break
        reached |= more
    assert set(schemas) == reached
    assert "Input" not in schemas and "StructureFilter" not in schemas


def test_every_operation_declares_its_errors_with_the_error_schema(document):
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        expected = {"404", "422", "500"} | ({"400"} if "requestBody" in operation else set())
        assert expected <= set(responses), (method, path)
        for status, response in responses.items():
            if not status.startswith("2"):
                assert response["content"]["application/json"]["schema"] == ERROR, (path, status)


@pytest.mark.django_db
def test_a_malformed_json_body_is_a_french_400(api_client, manager_a, structure_a):
    questionnaire = surveys.create_from_template(structure_a)
    point = CollectionPoint.objects.create(
        structure=structure_a, label="Accueil", questionnaire=questionnaire
    )
    for client, url in [
        (api_client(manager_a), f"/api/v1/improvement/structures/{structure_a.pk}/feedback"),
        (Client(), f"/api/v1/public/points/{point.token}/answers"),
    ]:
        response = client.post(url, '{"kind": ', content_type="application/json")
        assert response.status_code == 400
        assert response.json() == {"code": "bad_request", "message": MALFORMED, "details": []}


@pytest.mark.django_db
def test_errors_outside_the_operations_answer_in_the_error_format(
    api_client, operator, monkeypatch
):
    client = api_client(operator)
    unknown = client.get("/api/v1/nulle-part")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    not_allowed = client.delete("/api/v1/structures")
    assert not_allowed.status_code == 405
    assert not_allowed.json()["code"] == "method_not_allowed" and "GET" in not_allowed["Allow"]

    def broken(user):
        raise RuntimeError("panne")

    monkeypatch.setattr("barometre.api.editions.readable_editions", broken)
    client.raise_request_exception = False
    failed = client.get("/api/v1/editions")
    assert failed.status_code == 500
    assert failed.json() == {
        "code": "server_error",
        "message": "Une erreur inattendue s'est produite de notre côté.",
        "details": [],
    }
    for response in (unknown, not_allowed, failed):
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_published_national_results_are_public(client, operator, edition, structure_a):
    from tests.samples import fabricate_result_set

    url = f"/api/v1/results/editions/{edition.pk}"
    fabricate_result_set(edition, 4, by=operator, published=False)
    assert client.get(url).status_code == 404  # computed, not published
    fabricate_result_set(edition, 4, by=operator)
    body = client.get(url).json()
    assert (body["edition_id"], body["version"], body["participants"]) == (edition.pk, 2, 4)
    Edition.objects.filter(pk=edition.pk).update(owner=structure_a)  # an internal campaign
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_an_open_points_questionnaire_is_public(client, structure_a):
    questionnaire = surveys.create_from_template(structure_a, scale="4-points")
    point = CollectionPoint.objects.create(
        structure=structure_a, label="Accueil", questionnaire=questionnaire
    )
    url = f"/api/v1/public/points/{point.token}"
    body = client.get(url).json()
    assert (body["point"], body["scale"], body["structure"]) == (
        "Accueil",
        "4-points",
        structure_a.name,
    )
    assert [v["value"] for v in body["values"]] == [1, 2, 3, 4]
    codes = [item["code"] for item in body["items"]]
    assert codes == list(questionnaire.items.values_list("code", flat=True))
    assert "courtesy" in codes
    assert any(item["condition"] for item in body["items"])  # the template has filters
    Questionnaire.objects.filter(pk=questionnaire.pk).update(active=False)
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/public/points/inconnu").json()["code"] == "not_found"


def test_the_api_documentation_lists_every_operation_and_error_code(document):
    text = API_DOC.read_text()
    for method, path, operation in _operations(document):
        row = (
            f"| `{operation['operationId']}` | {method.upper()} `{path.removeprefix('/api/v1')}` |"
        )
        assert row in text, row
    for code in ("bad_request", "validation_error", "method_not_allowed", "server_error"):
        assert f"`{code}`" in text and f"`{code}`" in document["info"]["description"]


FRENCH = re.compile(r"\b(le|la|les|des|une?|du|de|et|pour|par|avec)\b", re.IGNORECASE)


def test_every_operation_is_summarised_and_described_in_french(document):
    """A generated client and the interactive documentation show these: French, whole,
    and naming no file of the repository."""
    for method, path, operation in _operations(document):
        summary, description = operation.get("summary", ""), operation.get("description", "")
        where = f"{method.upper()} {path}"
        assert summary and description, where
        assert FRENCH.search(summary) or FRENCH.search(description), where
        assert not re.search(r"\.(md|py)\b|docs/|src/", description), where


def test_every_enumeration_says_what_it_lists_with_names_for_generators(document):
    for name in ("StructureKind", "FeedbackKind", "FeedbackChannel", "AuditStatus"):
        schema = document["components"]["schemas"][name]
        assert schema.get("description"), name
        assert len(schema["x-enum-varnames"]) == len(schema["enum"]), name
