"""Every API operation × every persona (with a read-write token): allowed, 401, 403 or
404, as declared here. An operation missing from the declaration fails the test."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from barometre.api.models import ApiToken
from barometre.campaigns import workflow
from barometre.improvement import surveys
from barometre.improvement.models import CollectionPoint
from tests.campaigns.test_desk import PNG
from tests.web.test_access import ALL, DENIED, HIDDEN, OK

pytestmark = pytest.mark.django_db
UNAUTH = 401


def expect(default, **overrides):
    return {p: UNAUTH if p == "anonymous" else overrides.get(p, default) for p in ALL}


def public(default):
    """A public operation: anonymous callers are answered as everyone else."""
    return dict.fromkeys(ALL, default)


REGISTRY = {"operator": OK, "manager_a": OK, "manager_b": OK, "agent_a": OK, "viewer_a": OK}
A_TEAM = {"manager_a": OK, "agent_a": OK, "viewer_a": OK}

MATRIX = {
    ("get", "/api/v1/structures"): ({}, expect(DENIED, **REGISTRY)),
    ("get", "/api/v1/structures/{structure_id}"): (
        {"structure_id": "A"},
        expect(DENIED, **(REGISTRY | {"manager_b": HIDDEN})),
    ),
    ("get", "/api/v1/editions"): (
        {},
        expect(DENIED, operator=OK, auditor=OK, manager_a=OK, manager_b=OK),
    ),
    # Auditors read the editions they have audits in (issue 31).
    ("get", "/api/v1/editions/{edition_id}"): (
        {"edition_id": "EDITION"},
        expect(DENIED, operator=OK, auditor=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    ("get", "/api/v1/editions/{edition_id}/grid/{channel}"): (
        {"edition_id": "EDITION", "channel": "CHANNEL"},
        expect(DENIED, operator=OK, auditor=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    ("get", "/api/v1/editions/{edition_id}/enrolments"): (
        {"edition_id": "EDITION"},
        expect(DENIED, operator=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    ("get", "/api/v1/audits"): (
        {},
        expect(DENIED, operator=OK, auditor=OK, manager_a=OK, manager_b=OK),
    ),
    ("get", "/api/v1/audits/{audit_id}"): (
        {"audit_id": "TASK"},
        expect(DENIED, operator=OK, auditor=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    ("get", "/api/v1/audits/{audit_id}/evidence/{evidence_id}"): (
        {"audit_id": "TASK", "evidence_id": "EVIDENCE"},
        expect(DENIED, operator=OK, auditor=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    # Public, as the edition's public page; nothing published in this fixture.
    ("get", "/api/v1/results/editions/{edition_id}"): ({"edition_id": "EDITION"}, public(HIDDEN)),
    ("get", "/api/v1/results/editions/{edition_id}/structures/{structure_id}"): (
        {"edition_id": "EDITION", "structure_id": "A"},
        expect(HIDDEN, agent_a=DENIED, viewer_a=DENIED),
    ),
    ("get", "/api/v1/improvement/structures/{structure_id}/feedback"): (
        {"structure_id": "A"},
        expect(HIDDEN, **A_TEAM),
    ),
    ("get", "/api/v1/improvement/structures/{structure_id}/indicators"): (
        {"structure_id": "A"},
        expect(HIDDEN, **A_TEAM),
    ),
    ("get", "/api/v1/public/points/{token}"): ({"token": "POINT"}, public(OK)),
}
# Writes, tested in test_api.py and below (anonymous 401, read-only token 403).
WRITES = {
    ("put", "/api/v1/audits/{audit_id}/answers"),
    ("put", "/api/v1/audits/{audit_id}/sending"),
    ("put", "/api/v1/audits/{audit_id}/reply"),
    ("post", "/api/v1/audits/{audit_id}/evidence"),
    ("post", "/api/v1/improvement/structures/{structure_id}/feedback"),
    ("post", "/api/v1/public/points/{token}/answers"),
}


def _operations():
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    return {(method, path) for path, ops in schema["paths"].items() for method in ops}


def test_every_api_operation_is_declared():
    undeclared = _operations() - set(MATRIX) - WRITES
    assert not undeclared, f"Opérations sans décision d'accès : {sorted(undeclared)}"


@pytest.fixture
def ids(structure_a, phone_task, auditor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    questionnaire = surveys.create_from_template(structure_a)
    point = CollectionPoint.objects.create(
        structure=structure_a, label="Accueil", questionnaire=questionnaire
    )
    evidence = workflow.add_evidence(
        phone_task, SimpleUploadedFile("appel.png", PNG, "image/png"), by=auditor
    )
    return {
        "A": structure_a.pk,
        "TASK": phone_task.pk,
        "EDITION": phone_task.edition_id,
        "CHANNEL": phone_task.channel,
        "EVIDENCE": evidence.pk,
        "POINT": point.token,
    }


@pytest.mark.parametrize(("operation", "persona"), [(op, p) for op in MATRIX for p in ALL])
def test_api_access_matrix(operation, persona, personas, ids):
    method, path = operation
    params, expected = MATRIX[operation]
    for name, key in params.items():
        path = path.replace("{" + name + "}", str(ids[key]))
    client = Client()
    if personas[persona] is not None:
        _, key = ApiToken.issue(personas[persona], "matrice", "write")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    response = getattr(client, method)(path)
    assert response.status_code == expected[persona], (
        f"{method.upper()} {path} pour {persona} : {response.status_code}, "
        f"attendu {expected[persona]} ({response.content[:200]!r})"
    )


def test_writes_need_a_token_with_the_write_scope(personas, ids, structure_a):
    questionnaire = surveys.create_from_template(structure_a)
    point = CollectionPoint.objects.create(
        structure=structure_a, label="Accueil", questionnaire=questionnaire
    )
    bodies = {
        f"/api/v1/audits/{ids['TASK']}/answers": ("put", {"version": 1, "answers": {}}),
        f"/api/v1/improvement/structures/{ids['A']}/feedback": (
            "post",
            {
                "kind": "complaint",
                "channel": "email",
                "received_on": "2025-01-02",
                "subject": "s",
                "description": "d",
            },
        ),
    }
    _, key = ApiToken.issue(personas["manager_a"], "lecture", "read")
    for path, (method, body) in bodies.items():
        anonymous = getattr(Client(), method)(path, body, content_type="application/json")
        assert anonymous.status_code == UNAUTH, path
        read_only = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        response = getattr(read_only, method)(path, body, content_type="application/json")
        assert response.status_code in (DENIED, HIDDEN), path
    # The public operation needs no token.
    public = Client().post(
        f"/api/v1/public/points/{point.token}/answers",
        {"submission_key": "cle-publique", "answers": {"overall": 8}},
        content_type="application/json",
    )
    assert public.status_code == 201
