"""Every page × every persona: allowed, redirected to login, 403 or 404.

A URL pattern that is not declared here makes ``test_every_url_is_declared`` fail, so
that no page ships without an access decision."""

import datetime

import pytest
from django.urls import get_resolver, reverse

from barometre.structures.models import StructureImport

OK, LOGIN, DENIED, HIDDEN = 200, 302, 403, 404
ALL = [
    "anonymous",
    "operator",
    "auditor",
    "manager_a",
    "manager_b",
    "agent_a",
    "viewer_a",
    "no_role",
]


def expect(**overrides):
    """Login redirect for anonymous; ``default`` for the rest unless overridden."""
    default = overrides.pop("default")
    return {p: LOGIN if p == "anonymous" else overrides.get(p, default) for p in ALL}


REGISTRY_READERS = {"operator": OK, "manager_a": OK, "manager_b": OK, "agent_a": OK, "viewer_a": OK}
A_READERS = {"operator": OK, "manager_a": OK, "agent_a": OK, "viewer_a": OK, "manager_b": HIDDEN}

TEAM = ("manager_a", "manager_b", "agent_a", "viewer_a")
LOGIN_OK = 302  # one structure: redirected to its page
A_TEAM = {"manager_a": OK, "agent_a": OK, "viewer_a": OK}
A_WRITERS = {"manager_a": OK, "agent_a": OK, "viewer_a": DENIED}
A_MANAGERS = {"manager_a": OK, "agent_a": DENIED, "viewer_a": DENIED}

MATRIX = {
    "home": ({}, {p: OK for p in ALL}),  # visitors: what the platform publishes
    "api_tokens": ({}, expect(default=OK)),  # each user's own tokens
    "health": ({}, {p: OK for p in ALL}),
    "journal": ({}, expect(default=DENIED, operator=OK)),
    # A background export, the operator's: no one else sees it, even that it exists.
    "export_list": ({}, expect(default=OK)),  # each user's own exports
    "export_status": ({"pk": "EXPORT"}, expect(default=HIDDEN, operator=OK)),
    "export_file": ({"pk": "EXPORT"}, expect(default=HIDDEN, operator=OK)),
    "guide": ({}, {p: OK for p in ALL}),  # the help pages are public
    "guide_page": ({"page": "methodologie"}, {p: OK for p in ALL}),
    "login": ({}, {p: OK for p in ALL}),
    "structures:list": ({}, expect(default=DENIED, **REGISTRY_READERS)),
    "structures:export": ({}, expect(default=DENIED, **REGISTRY_READERS)),
    "structures:create": ({}, expect(default=DENIED, operator=OK)),
    "structures:parent_options": ({}, expect(default=DENIED, operator=OK)),
    "structures:import": ({}, expect(default=DENIED, operator=OK)),
    "structures:import_annuaire": ({}, expect(default=DENIED, operator=OK)),
    "structures:detail": ({"pk": "A"}, expect(default=DENIED, **A_READERS)),
    "structures:edit": (
        {"pk": "A"},
        expect(default=DENIED, operator=OK, manager_a=OK, manager_b=HIDDEN),
    ),
    # A manager proposes a label with its certificate; operators confirm it (POST only).
    "structures:label_propose": (
        {"pk": "A"},
        expect(default=DENIED, operator=OK, manager_a=OK, manager_b=HIDDEN),
    ),
    "structures:label_certificate": (
        {"pk": "A", "label_pk": "LABEL"},
        expect(default=DENIED, operator=OK, manager_a=OK, manager_b=HIDDEN),
    ),
    "structures:import_preview": ({"pk": "IMPORT"}, expect(default=DENIED, operator=OK)),
    "structures:import_status": ({"pk": "IMPORT"}, expect(default=DENIED, operator=OK)),
    "campaigns:my_tasks": ({}, expect(default=DENIED, auditor=OK)),
    "campaigns:task": (
        {"pk": "TASK"},
        expect(default=DENIED, auditor=OK, operator=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    # Managers run their structures' internal campaigns: they see those lists, not the
    # national edition.
    "campaigns:validation": ({}, expect(default=DENIED, operator=OK, manager_a=OK, manager_b=OK)),
    "campaigns:editions": ({}, expect(default=DENIED, operator=OK, manager_a=OK, manager_b=OK)),
    "campaigns:edition": (
        {"pk": "EDITION"},
        expect(default=DENIED, operator=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    "campaigns:edition_export": (
        {"pk": "EDITION"},
        expect(default=DENIED, operator=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    "campaigns:edition_create": ({}, expect(default=DENIED, operator=OK)),
    # The callers of A's internal campaign: named by those who run it, hidden from B.
    "campaigns:edition_callers": (
        {"pk": "INTERNAL"},
        expect(default=DENIED, operator=OK, manager_a=OK, manager_b=HIDDEN),
    ),
    # Public, but only once results are published: none are in this fixture.
    "results:open_data": ({"pk": "EDITION"}, {p: HIDDEN for p in ALL}),
    "results:open_data_schema": ({"pk": "EDITION"}, {p: HIDDEN for p in ALL}),
    "results:public_palmares": ({"pk": "EDITION"}, {p: HIDDEN for p in ALL}),
    # Results of a structure: none computed in this fixture; with results, see
    # tests/results/test_views.py. Agents and viewers of A are told it is not for them.
    "results:dashboard": (
        {"pk": "EDITION", "structure_pk": "A"},
        expect(default=HIDDEN, agent_a=DENIED, viewer_a=DENIED),
    ),
    "results:report_pdf": (
        {"pk": "EDITION", "structure_pk": "A"},
        expect(default=HIDDEN, agent_a=DENIED, viewer_a=DENIED),
    ),
    # A distinction's certificate and press kit: for the structure's managers once the
    # edition is published (none here); with a published palmarès, see
    # tests/results/test_awards.py.
    "results:certificate": (
        {"pk": "EDITION", "structure_pk": "A"},
        expect(default=HIDDEN, agent_a=DENIED, viewer_a=DENIED),
    ),
    "results:press_kit": (
        {"pk": "EDITION", "structure_pk": "A"},
        expect(default=HIDDEN, agent_a=DENIED, viewer_a=DENIED),
    ),
    "results:synthesis": ({"pk": "EDITION"}, {p: HIDDEN for p in ALL}),
    "results:synthesis_pdf": ({"pk": "EDITION"}, {p: HIDDEN for p in ALL}),
    # No result version in this fixture: the publication page is 404 to its runners too.
    "results:publish": (
        {"pk": "EDITION", "version": 1},
        expect(default=DENIED, operator=HIDDEN, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    "results:download_reports": (
        {"pk": "EDITION", "version": 1, "batch": 1},
        expect(default=DENIED, operator=HIDDEN, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    # Continuous improvement: the structure's team only (operators do not see a register
    # of users' messages); agents write, viewers read.
    "improvement:index": ({}, expect(default=DENIED, **{p: LOGIN_OK for p in TEAM})),
    # The network's figures (counts per département, no entry): operators.
    "improvement:network": ({}, expect(default=DENIED, operator=OK)),
    "improvement:structure": ({"pk": "A"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:entries": ({"pk": "A"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:entries_export": ({"pk": "A"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:figures": ({"pk": "A"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:entry_create": ({"pk": "A"}, expect(default=HIDDEN, **A_WRITERS)),
    "improvement:experiences_import": ({"pk": "A"}, expect(default=HIDDEN, **A_MANAGERS)),
    "improvement:entry": ({"pk": "ENTRY"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:point_create": ({"pk": "A"}, expect(default=HIDDEN, **A_MANAGERS)),
    "improvement:questionnaire": ({"pk": "QUESTIONNAIRE"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:questionnaire_edit": (
        {"pk": "QUESTIONNAIRE"},
        expect(default=HIDDEN, **A_MANAGERS),
    ),
    "improvement:paper_entry": ({"pk": "QUESTIONNAIRE"}, expect(default=HIDDEN, **A_WRITERS)),
    "improvement:survey_import": ({"pk": "QUESTIONNAIRE"}, expect(default=HIDDEN, **A_MANAGERS)),
    "improvement:mailing_create": ({"pk": "QUESTIONNAIRE"}, expect(default=HIDDEN, **A_MANAGERS)),
    "improvement:point_qr": ({"pk": "POINT", "fmt": "svg"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:deadline_rules": ({"pk": "A"}, expect(default=HIDDEN, **A_MANAGERS)),
    "improvement:dashboard": ({"pk": "A"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:indicator_create": ({"pk": "A"}, expect(default=HIDDEN, **A_MANAGERS)),
    "improvement:indicator_catalogue": ({"pk": "A"}, expect(default=HIDDEN, **A_MANAGERS)),
    "improvement:indicator": (
        {"pk": "A", "indicator_pk": "INDICATOR"},
        expect(default=HIDDEN, **A_MANAGERS),
    ),
    "improvement:plan": ({"pk": "A"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:action_create": ({"pk": "A"}, expect(default=HIDDEN, **A_WRITERS)),
    "improvement:action": ({"pk": "A", "action_pk": "ACTION"}, expect(default=HIDDEN, **A_WRITERS)),
    "improvement:trainings": ({"pk": "A"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:self_assessment": ({"pk": "A"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:deadlines": ({"pk": "A"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:committee": ({"pk": "A"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:meeting_create": ({"pk": "A"}, expect(default=HIDDEN, **A_MANAGERS)),
    "improvement:meeting": ({"pk": "A", "meeting_pk": "MEETING"}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:meeting_edit": (
        {"pk": "A", "meeting_pk": "MEETING"},
        expect(default=HIDDEN, **A_MANAGERS),
    ),
    "improvement:review": ({"pk": "A", "year": 2025}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:review_pdf": ({"pk": "A", "year": 2025}, expect(default=HIDDEN, **A_TEAM)),
    "improvement:profile": ({"pk": "A"}, expect(default=HIDDEN, **A_MANAGERS)),
    # Published by the manager's choice only: this fixture publishes nothing.
    "public:transparency": ({"identifier": "SIRET"}, {p: HIDDEN for p in ALL}),
    "public:sp_results": ({"identifier": "SIRET"}, {p: HIDDEN for p in ALL}),
    "public:sp_results_schema": ({"identifier": "SIRET"}, {p: HIDDEN for p in ALL}),
    # A structure's logo, public: this fixture's structure has none.
    "public:logo": ({"identifier": "SIRET"}, {p: HIDDEN for p in ALL}),
    # The public pages of a collection point: everyone, logged in or not.
    "public:point": ({"token": "TOKEN"}, {p: OK for p in ALL}),
    "public:feedback": ({"token": "TOKEN"}, {p: OK for p in ALL}),
    "public:thanks": ({"token": "TOKEN"}, {p: OK for p in ALL}),
    "public:invitation": ({"token": "INVITATION"}, {p: OK for p in ALL}),
    # Only an e-mailed invitation has an unsubscribe page (see tests/improvement/test_mailings.py).
    "public:unsubscribe": ({"token": "INVITATION"}, {p: HIDDEN for p in ALL}),
    "results:edition": (
        {"pk": "EDITION"},
        expect(default=DENIED, operator=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    "campaigns:edition_phase": (
        {"pk": "EDITION"},
        expect(default=DENIED, operator=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    "campaigns:edition_audits": (
        {"pk": "EDITION"},
        expect(default=DENIED, operator=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    "campaigns:audit_import": (
        {"pk": "EDITION"},
        expect(default=DENIED, operator=OK, manager_a=HIDDEN, manager_b=HIDDEN),
    ),
    "campaigns:scenarios": ({}, expect(default=DENIED, operator=OK)),
    "campaigns:scenario_create": ({}, expect(default=DENIED, operator=OK)),
    "campaigns:scenario_edit": ({"pk": "SCENARIO"}, expect(default=DENIED, operator=OK)),
    "campaigns:apply": (
        {"structure_pk": "A"},
        expect(default=DENIED, operator=OK, manager_a=OK, manager_b=HIDDEN),
    ),
}
# POST-only or handled by other libraries, with their own tests.
NOT_GET = {
    "logout",
    "structures:import_confirm",
    "structures:label_decide",  # tests/structures/test_labels.py
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "campaigns:decide",
    "campaigns:edition_plan",
    "campaigns:evidence_upload",
    "campaigns:evidence_download",
    "campaigns:task_staffing",
    "campaigns:enrolment_action",
    "campaigns:internal_create",
    "campaigns:edition_double_coding",
    "campaigns:audit_import_preview",
    "results:compute",
    "results:export",
    "results:laureate",
    "results:request_reports",
    "improvement:questionnaire_create",
    "improvement:invitations",
    "improvement:mailing_remind",
    "improvement:mailing_close",
    "improvement:mailing_resume",  # tests/improvement/test_mailing_worker.py
    "export_relaunch",  # tests/core/test_exporting.py
}


def _names(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            if getattr(pattern, "app_name", None) == "admin" or pattern.namespace == "api":
                continue  # the admin has its own checks; the API its matrix (tests/api)
            ns = f"{pattern.namespace}:" if pattern.namespace else ""
            yield from _names(pattern, prefix + ns)
        elif pattern.name:
            yield prefix + pattern.name


def _task(structure, auditor):
    from barometre.campaigns.models import AuditTask, Edition, GridVersion
    from barometre.engine.grid import DATA_DIR

    grid = GridVersion.objects.create(
        grid_id="barometre-2025", version=1, yaml=(DATA_DIR / "barometre-2025.yaml").read_text()
    )
    edition = Edition.objects.create(
        year=2025,
        name="Baromètre 2025",
        grid=grid,
        status="fieldwork",
        enrolment_opens="2025-01-06",
        enrolment_closes="2025-04-30",
        fieldwork_starts="2025-05-05",
        fieldwork_ends="2025-07-25",
    )
    return AuditTask.objects.create(
        edition=edition,
        structure=structure,
        channel="phone",
        sequence=1,
        scheduled_at="2025-05-06T10:00:00+02:00",
        auditor=auditor,
        status="assigned",
    )


def test_every_url_is_declared():
    undeclared = set(_names(get_resolver())) - set(MATRIX) - NOT_GET
    assert not undeclared, f"URL sans décision d'accès : {sorted(undeclared)}"


CASES = [(name, persona) for name in MATRIX for persona in ALL]


def matrix_objects(personas, structure_a) -> dict:
    """One object of each kind the matrix's URLs name, and the value for each placeholder."""
    batch = StructureImport.objects.create(file_name="x.csv", content=b"nom\n")
    task = _task(structure_a, personas["auditor"])
    from barometre.campaigns.models import Scenario

    scenario = Scenario.objects.create(
        code="s", title="S", persona="p", script="s", expected_answer="e", channels=["phone"]
    )
    from barometre.improvement import register, surveys
    from barometre.improvement.models import CollectionPoint

    questionnaire = surveys.create_from_template(structure_a)
    point = CollectionPoint.objects.create(
        structure=structure_a, label="Accueil", questionnaire=questionnaire
    )
    entry, _ = register.create_entry(
        structure_a,
        kind="complaint",
        channel="email",
        received_on=datetime.date(2026, 4, 1),
        subject="s",
        description="d",
    )
    from barometre.improvement.models import Action, Indicator, Meeting

    indicator = Indicator.objects.create(structure=structure_a, code="i", label="I")
    action = Action.objects.create(structure=structure_a, year=2025, axis="a", title="t")
    meeting = Meeting.objects.create(
        structure=structure_a, held_on=datetime.date(2025, 1, 9), agenda="Bilan"
    )
    (invitation,) = surveys.create_invitations(questionnaire, 1)
    from django.core.files.base import ContentFile

    from barometre.core.models import ExportFile

    export = ExportFile.objects.create(
        title="Export des audits",
        builder="barometre.campaigns.transfer.audit_sheets",
        filename="audits.xlsx",
        status=ExportFile.Status.READY,
        requested_by=personas["operator"],
    )
    export.file.save("audits.xlsx", ContentFile(b"PK"))
    from barometre.structures.models import Label

    label = Label(structure=structure_a, kind="sp_gold", obtained_on=datetime.date(2026, 1, 5))
    label.certificate.save("certificat.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    label.certificate_mime = "application/pdf"
    label.save()
    from barometre.campaigns.models import Edition

    internal = Edition.objects.create(
        year=2025,
        name="Appels mystères 2025",
        grid=task.edition.grid,
        status="enrolment",
        enrolment_opens="2025-11-03",
        enrolment_closes="2025-11-03",
        fieldwork_starts="2025-11-03",
        fieldwork_ends="2025-11-28",
        owner=structure_a,
    )
    ids = {
        "INTERNAL": internal.pk,
        "LABEL": label.pk,
        "EXPORT": export.pk,
        "INVITATION": invitation.token,
        "A": structure_a.pk,
        "INDICATOR": indicator.pk,
        "ACTION": action.pk,
        "MEETING": meeting.pk,
        "SIRET": structure_a.identifier,
        "IMPORT": batch.pk,
        "TASK": task.pk,
        "EDITION": task.edition_id,
        "SCENARIO": scenario.pk,
        "ENTRY": entry.pk,
        "QUESTIONNAIRE": questionnaire.pk,
        "POINT": point.pk,
        "TOKEN": point.token,
    }
    return ids


def matrix_url(name: str, ids: dict) -> str:
    kwargs, _ = MATRIX[name]
    return reverse(name, kwargs={k: ids.get(v, v) for k, v in kwargs.items()})


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_access_matrix(name, persona, personas, structure_a, client_for):
    _, expected = MATRIX[name]
    url = matrix_url(name, matrix_objects(personas, structure_a))
    client = client_for(personas[persona])
    response = client.get(url)
    assert response.status_code == expected[persona], (
        f"{name} pour {persona} : {response.status_code}, attendu {expected[persona]}"
    )
    if expected[persona] == LOGIN and persona == "anonymous":
        assert response.url.startswith(reverse("login"))


def test_confirm_is_post_only_and_operator_only(client_for, personas):
    batch = StructureImport.objects.create(file_name="x.csv", content=b"nom\n")
    url = reverse("structures:import_confirm", args=[batch.pk])
    assert client_for(personas["operator"]).get(url).status_code == 405
    assert client_for(personas["manager_a"]).post(url).status_code == 403
    batch.refresh_from_db()
    assert batch.status == StructureImport.Status.PREVIEWED


def test_another_structures_manager_cannot_post_edits(client_for, personas, structure_a):
    client = client_for(personas["manager_b"])
    response = client.post(reverse("structures:edit", args=[structure_a.pk]), {"name": "Pirate"})
    assert response.status_code == 404
    structure_a.refresh_from_db()
    assert structure_a.name == "Préfecture du Loiret"


def test_an_auditor_never_sees_another_auditors_task(client_for, personas, structure_a, db):
    from barometre.accounts.models import Membership, Role, User

    task = _task(structure_a, personas["auditor"])
    other = User.objects.create_user("autre")
    Membership.objects.create(user=other, role=Role.AUDITOR)
    client = client_for(other)
    assert client.get(reverse("campaigns:task", args=[task.pk])).status_code == 404
    response = client.post(reverse("campaigns:task", args=[task.pk]), {"action": "send"})
    assert response.status_code == 404
    assert client.get(reverse("campaigns:validation")).status_code == 403


def test_campaign_actions_are_post_only_and_operator_only(client_for, personas, structure_a, db):
    task = _task(structure_a, personas["auditor"])
    manager = client_for(personas["manager_a"])
    for name, pk in [
        ("campaigns:decide", task.pk),
        ("campaigns:edition_phase", task.edition_id),
        ("campaigns:edition_plan", task.edition_id),
        ("campaigns:edition_audits", task.edition_id),
    ]:
        assert manager.post(reverse(name, args=[pk]), {"action": "advance"}).status_code == 404
    agent = client_for(personas["agent_a"])
    assert agent.post(reverse("campaigns:decide", args=[task.pk])).status_code == 403
    assert agent.post(reverse("campaigns:edition_phase", args=[task.edition_id])).status_code == 403
    operator = client_for(personas["operator"])
    assert (
        operator.get(reverse("campaigns:edition_plan", args=[task.edition_id])).status_code == 405
    )
    # The phase page only reviews on GET: nothing moves without a confirmed POST.
    assert (
        operator.get(reverse("campaigns:edition_phase", args=[task.edition_id])).status_code == 200
    )
    task.edition.refresh_from_db()
    assert task.edition.status == "fieldwork"
