"""An integrator's client, generated from the OpenAPI document by openapi-python-client
(offline, once per test session, in a temporary folder), runs a whole scenario against
Django's live server: every call goes through the generated code only, and every
response it receives is checked against the document (status code, content type, body)."""

import datetime as dt
import importlib
import io
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from jsonschema_rs import Draft202012Validator  # schemathesis's validator

from barometre.api.api import api
from barometre.api.models import ApiToken
from barometre.improvement import surveys
from barometre.improvement.models import CollectionPoint, FeedbackEntry, SurveyResponse
from tests.campaigns.test_desk import PDF
from tests.samples import fabricate_result_set

pytestmark = pytest.mark.django_db(transaction=True)
PACKAGE = "barometre_api_client"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture(scope="session")
def document():
    return json.loads(json.dumps(api.get_openapi_schema()))


@pytest.fixture(scope="session")
def generated(document, tmp_path_factory):
    """The client package as an integrator generates it (about two seconds). No post
    hooks: formatting the generated code is not what is tested."""
    folder = tmp_path_factory.mktemp("client")
    (folder / "openapi.json").write_text(json.dumps(document))
    (folder / "config.yml").write_text("post_hooks: []\n")
    run = subprocess.run(
        [GENERATOR, "generate", "--path", "openapi.json", "--config", "config.yml"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    project = folder / "barometre-api-client"
    sys.path.insert(0, str(project))
    yield project
    sys.path.remove(str(project))
    for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def _module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


class DocumentCheck:
    """Checks each response against the document: a declared status, its content type,
    a body that validates against its schema. Used as an httpx response hook."""

    def __init__(self, document):
        self.document = document
        self.routes = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), operations)
            for path, operations in document["paths"].items()
        ]
        self.seen: list[tuple[str, int]] = []  # (operation id, status)
        self.problems: list[str] = []

    def __call__(self, response):
        response.read()
        request = response.request
        method, path = request.method.lower(), request.url.path
        status = response.status_code
        operation = next((ops.get(method) for rx, ops in self.routes if rx.match(path)), None)
        if operation is None:
            self.problems.append(f"{method} {path} : opération absente du document")
            return
        self.seen.append((operation["operationId"], status))
        declared = operation["responses"].get(str(status))
        if declared is None:
            self.problems.append(f"{method} {path} : statut {status} non déclaré")
            return
        declared_types = declared.get("content", {})
        content = declared_types.get("application/json")
        if content is None:
            received = response.headers.get("content-type", "").split(";")[0]
            if declared_types and received not in declared_types:
                self.problems.append(f"{method} {path} : {status} en {received} non déclaré")
            return
        if not response.headers.get("content-type", "").startswith("application/json"):
            self.problems.append(f"{method} {path} : {status} sans JSON")
            return
        schema = {**content["schema"], "components": self.document["components"]}
        validator = Draft202012Validator(schema, validate_formats=True)
        for error in validator.iter_errors(response.json()):
            self.problems.append(f"{method} {path} {status} : {error.message}")


@pytest.fixture
def check(document):
    return DocumentCheck(document)


@pytest.fixture
def clients(generated, live_server, check):
    client_module = _module("client")
    hooks = {"event_hooks": {"response": [check]}}

    def make(user=None):
        if user is None:
            return client_module.Client(base_url=live_server.url, httpx_args=hooks)
        _, key = ApiToken.issue(user, "client généré", "write")
        return client_module.AuthenticatedClient(
            base_url=live_server.url, token=key, httpx_args=hooks
        )

    return make


def _an_answer(criterion, models) -> str:
    """An answer a capture tool would send, read from the grid (a level: the best one)."""
    if criterion.value_type == models.ValueType.SCALE:
        return criterion.levels[0].code
    if criterion.value_type == models.ValueType.TEXT:
        return "Réponse aimable et complète."
    if criterion.value_type == models.ValueType.YES_NO:
        return "sans objet" if criterion.not_applicable_allowed else "oui"
    return "1"


def test_the_generated_project_has_a_clean_name(generated):
    meta = tomllib.loads((generated / "pyproject.toml").read_text())
    name = meta.get("project", meta.get("tool", {}).get("poetry", {}))["name"]
    assert name == "barometre-api-client"
    assert (generated / PACKAGE / "api" / "editions" / "get_edition.py").exists()


def test_a_scenario_through_the_generated_client(
    clients,
    check,
    document,
    operator,
    auditor,
    manager_a,
    structure_a,
    phone_task,
    email_task,
    settings,
    tmp_path,
):
    models = _module("models")
    edition = phone_task.edition
    fabricate_result_set(edition, 5, by=operator)
    questionnaire = surveys.create_from_template(structure_a)
    point = CollectionPoint.objects.create(
        structure=structure_a, label="Accueil", questionnaire=questionnaire
    )
    as_operator, as_auditor, as_manager, anonymous = (
        clients(operator),
        clients(auditor),
        clients(manager_a),
        clients(),
    )

    # The registry, page by page.
    list_structures = _module("api.structures.list_structures")
    seen, offset = [], 0
    while True:
        page = list_structures.sync(client=as_operator, limit=2, offset=offset)
        seen += [s.id for s in page.items]
        offset += 2
        if offset >= page.count:
            break
    assert len(seen) == len(set(seen)) == page.count == 6
    one = _module("api.structures.get_structure").sync(client=as_operator, structure_id=seen[0])
    assert one.id == seen[0] and isinstance(one.kind, models.StructureKind)
    refused = list_structures.sync_detailed(client=as_operator, limit=500)
    assert refused.status_code == 422 and refused.parsed.code == "validation_error"

    # Editions and their enrolments.
    editions = _module("api.editions.list_editions").sync(client=as_operator)
    assert [e.id for e in editions.items] == [edition.pk]
    read = _module("api.editions.get_edition").sync(client=as_operator, edition_id=edition.pk)
    assert read.status == models.EditionPhase.FIELDWORK
    enrolments = _module("api.editions.list_enrolments").sync(
        client=as_operator, edition_id=edition.pk
    )
    assert enrolments.items[0].status == models.EnrolmentStatus.ENROLLED

    # Audits: the auditor's list, one audit, its answers with the version check.
    audits = _module("api.audits.list_audits").sync(
        client=as_auditor, status=models.AuditStatus.ASSIGNED
    )
    assert phone_task.pk in [a.id for a in audits.items]
    audit = _module("api.audits.get_audit").sync(client=as_auditor, audit_id=phone_task.pk)
    answers = {"phone.number_consistent": "oui", "phone.answered": "oui", "phone.rings": "3"}
    put_answers = _module("api.audits.put_answers")

    def put(version):
        body = models.AuditAnswers(
            version=version, answers=models.AuditAnswersAnswers.from_dict(answers)
        )
        return put_answers.sync_detailed(client=as_auditor, audit_id=audit.id, body=body)

    saved = put(audit.version)
    assert saved.status_code == 200 and saved.parsed.answers.to_dict() == answers
    assert saved.parsed.version == audit.version + 1
    stale = put(audit.version)
    assert stale.status_code == 409 and stale.parsed.code == "conflict"

    # A whole e-mail audit: the grid, the sending, the reply, a piece, answers and submission.
    settings.MEDIA_ROOT = tmp_path
    grid = _module("api.editions.get_grid").sync(
        client=as_auditor, edition_id=edition.pk, channel=models.AuditChannel.EMAIL
    )
    assert grid.channel == models.AuditChannel.EMAIL
    by_id = {c.id: c for c in grid.criteria}
    assert by_id["email.replied"].value_type == models.ValueType.YES_NO
    assert by_id["email.reply_delay"].computed and by_id["email.reply_delay"].prerequisites == [
        "email.replied"
    ]
    to_send = {
        c.id: _an_answer(c, models)
        for c in grid.criteria
        if not c.computed and (c.required or c.not_applicable_allowed or not c.scored)
    }
    paris = ZoneInfo("Europe/Paris")
    record_sending = _module("api.audits.record_sending")
    future = record_sending.sync_detailed(
        client=as_auditor,
        audit_id=email_task.pk,
        body=models.Sending(sent_at=timezone.now() + dt.timedelta(days=1), text="Bonjour"),
    )
    assert future.status_code == 422 and future.parsed.details[0].field == "sent_at"
    sent = record_sending.sync(
        client=as_auditor,
        audit_id=email_task.pk,
        body=models.Sending(
            sent_at=dt.datetime(2025, 5, 16, 9, 30, tzinfo=paris),
            text="Bonjour, comment renouveler ma carte d'identité ?",
            source=models.CycleSource.CAPTURED,
        ),
    )
    assert sent.status == models.AuditStatus.AWAITING_REPLY
    assert sent.sent_source == models.CycleSource.CAPTURED
    replied = _module("api.audits.record_reply").sync(
        client=as_auditor,
        audit_id=email_task.pk,
        body=models.Reply(replied_at=dt.datetime(2025, 5, 21, 16, 0, tzinfo=paris), text="Madame,"),
    )
    assert replied.status == models.AuditStatus.ASSIGNED and replied.reply_delay_days == 3
    types = importlib.import_module(f"{PACKAGE}.types")
    piece = _module("api.audits.upload_evidence").sync(
        client=as_auditor,
        audit_id=email_task.pk,
        body=models.UploadEvidenceFileParams(
            file=types.File(payload=io.BytesIO(PDF), file_name="reponse.pdf")
        ),
    )
    assert (piece.name, piece.mime, piece.size) == ("reponse.pdf", "application/pdf", len(PDF))
    downloaded = _module("api.audits.download_evidence").sync(
        client=as_auditor, audit_id=email_task.pk, evidence_id=piece.id
    )
    assert downloaded.payload.read() == PDF
    submitted = put_answers.sync(
        client=as_auditor,
        audit_id=email_task.pk,
        body=models.AuditAnswers(
            version=replied.version,
            answers=models.AuditAnswersAnswers.from_dict(to_send),
            submit=True,
        ),
    )
    assert submitted.status == models.AuditStatus.SUBMITTED and submitted.anomalies == []
    assert set(submitted.answers.to_dict()) == set(to_send)
    assert [e.id for e in submitted.evidence] == [piece.id]

    # Results: the national ones for anyone, a structure's for the operator.
    national = _module("api.results.get_national_results").sync(
        client=anonymous, edition_id=edition.pk
    )
    assert national.participants == 5 and national.key_figures is not None
    fabricated = edition.result_sets.get().structures.order_by("pk").first()
    result = _module("api.results.get_structure_result").sync(
        client=as_operator, edition_id=edition.pk, structure_id=fabricated.structure_id
    )
    assert result.published and result.audits == 14

    # The register: a manager records an entry and finds it by status.
    today = timezone.localdate()
    entry = _module("api.improvement.create_feedback").sync(
        client=as_manager,
        structure_id=structure_a.pk,
        body=models.NewFeedbackEntry(
            kind=models.FeedbackKind.COMPLAINT,
            channel=models.FeedbackChannel.LETTER,
            received_on=today - dt.timedelta(days=1),
            subject="Dossier égaré",
            description="Pièces envoyées deux fois.",
        ),
    )
    assert entry.status == models.FeedbackStatus.RECEIVED and entry.reference
    listed = _module("api.improvement.list_feedback").sync(
        client=as_manager, structure_id=structure_a.pk, status=models.FeedbackStatus.RECEIVED
    )
    assert [e.id for e in listed.items] == [entry.id] == [FeedbackEntry.objects.get().pk]

    indicators = _module("api.improvement.list_indicators").sync(
        client=as_manager, structure_id=structure_a.pk, year=today.year
    )
    assert isinstance(indicators, list)

    # A kiosk reads the point's questionnaire and sends a citizen's answers.
    form = _module("api.public.get_point_questionnaire").sync(client=anonymous, token=point.token)
    assert form.scale == models.SurveyScale.TEN  # "1-10", named by x-enum-varnames
    top = form.values[-1].value
    ratings = {item.code: top for item in form.items if not item.condition}
    stored = _module("api.public.submit_survey_answers").sync_detailed(
        client=anonymous,
        token=point.token,
        body=models.SurveyAnswers(
            submission_key="borne-0000001",
            answers=models.SurveyAnswersAnswers.from_dict(ratings),
        ),
    )
    assert stored.status_code == 201 and stored.parsed.stored and not stored.parsed.duplicate
    assert SurveyResponse.objects.get().answers.count() == len(ratings)

    assert not check.problems, check.problems
    assert len(check.seen) == 26, check.seen
    every_operation = {
        operation["operationId"] for ops in document["paths"].values() for operation in ops.values()
    }
    assert {operation for operation, _ in check.seen} == every_operation
