"""Quality labels are entered or confirmed by operators; a manager proposes one with its
certificate; only confirmed labels valid on the last day of an edition's fieldwork make a
structure "labellisée" in its figures."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from barometre.campaigns.models import Answer, AuditTask
from barometre.campaigns.transfer import answer_rows
from barometre.core.errors import Refused
from barometre.structures import labels
from barometre.structures.models import Label, Structure

pytestmark = pytest.mark.django_db
D = dt.date
PDF = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _certificate(content=PDF, name="certificat.pdf"):
    return SimpleUploadedFile(name, content)


def _proposal(client, structure, kind="sp_gold", certificate=None):
    return client.post(
        reverse("structures:label_propose", args=[structure.pk]),
        {
            "kind": kind,
            "obtained_on": "2026-01-15",
            "expires_on": "2029-01-15",
            "certificate": certificate or _certificate(),
        },
    )


def test_a_managers_edit_form_no_longer_writes_labels(client_for, manager_a, structure_a):
    response = client_for(manager_a).post(
        reverse("structures:edit", args=[structure_a.pk]),
        {
            "name": structure_a.name,
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "labels-TOTAL_FORMS": "1",
            "labels-INITIAL_FORMS": "0",
            "labels-0-kind": "sp_gold",
            "labels-0-obtained_on": "2026-01-15",
            "labels-0-expires_on": "2029-01-15",
        },
    )
    assert response.status_code == 302
    assert not Label.objects.exists()


def test_a_proposal_counts_nowhere_until_an_operator_confirms_it(
    client_for, manager_a, operator, structure_a
):
    assert _proposal(client_for(manager_a), structure_a).status_code == 302
    label = Label.objects.get()
    assert (label.status, label.proposed_by, label.certificate_mime) == (
        "proposed",
        manager_a,
        "application/pdf",
    )
    assert label.certificate.name.endswith(".pdf") and label.certificate_name == "certificat.pdf"
    assert not Structure.objects.certified(D(2026, 6, 30)).exists()
    assert not Label.objects.counting_on(D(2026, 6, 30)).exists()
    # The operator finds it on their home page, sees it with its certificate, confirms it.
    client = client_for(operator)
    home = client.get(reverse("home")).content.decode()
    assert "Labels proposés à vérifier" in home and "Services Publics+ or" in home
    page = client.get(reverse("structures:detail", args=[structure_a.pk])).content.decode()
    assert "proposé, à vérifier" in page and "Enregistrer la décision" in page
    certificate = client.get(
        reverse("structures:label_certificate", args=[structure_a.pk, label.pk])
    )
    assert b"".join(certificate.streaming_content) == PDF
    assert "— Choisir après lecture du certificat —" in page  # no decision by default
    url = reverse("structures:label_decide", args=[structure_a.pk, label.pk])
    client.post(url, {"decision": ""})
    label.refresh_from_db()
    assert label.status == "proposed"  # nothing chosen: nothing decided
    assert client.post(url, {"decision": "confirm"}).status_code == 302
    label.refresh_from_db()
    assert (label.status, label.decided_by) == ("confirmed", operator)
    assert label.decided_at is not None
    assert list(Structure.objects.certified(D(2026, 6, 30))) == [structure_a]
    # Decided once: a second decision is told, not applied.
    client.post(url, {"decision": "reject"})
    label.refresh_from_db()
    assert label.status == "confirmed"


def test_a_manager_cannot_confirm_and_another_structures_manager_gets_404(
    client_for, manager_a, manager_b, structure_a
):
    _proposal(client_for(manager_a), structure_a)
    label = Label.objects.get()
    url = reverse("structures:label_decide", args=[structure_a.pk, label.pk])
    assert client_for(manager_a).post(url, {"decision": "confirm"}).status_code == 403
    assert client_for(manager_b).post(url, {"decision": "confirm"}).status_code == 404
    assert _proposal(client_for(manager_b), structure_a).status_code == 404
    certificate = reverse("structures:label_certificate", args=[structure_a.pk, label.pk])
    assert client_for(manager_b).get(certificate).status_code == 404
    label.refresh_from_db()
    assert label.status == "proposed"
    with pytest.raises(Refused, match="opérateurs"):
        labels.decide(label, by=manager_a, confirm=True)


def test_a_certificate_is_checked_by_its_content(client_for, manager_a, structure_a):
    response = _proposal(
        client_for(manager_a),
        structure_a,
        certificate=_certificate(b"MZ\x90\x00 program", "certificat.pdf"),
    )
    assert response.status_code == 200
    assert "programme exécutable Windows" in response.content.decode()
    assert not Label.objects.exists()
    text = _proposal(
        client_for(manager_a),
        structure_a,
        certificate=_certificate(b"plain text, no certificate", "certificat.pdf"),
    ).content.decode()
    assert "format non reconnu : envoyez une image (PNG, JPEG, WebP) ou un PDF." in text
    assert "audio" not in text  # a certificate is no recording


def test_a_rejected_proposal_stays_in_the_history_and_a_renewal_replaces_the_label(
    manager_a, operator, structure_a
):
    Label.objects.create(
        structure=structure_a,
        kind="sp_gold",
        obtained_on=D(2022, 1, 1),
        expires_on=D(2025, 1, 1),
        status="confirmed",
    )
    refused = labels.propose(
        structure_a,
        by=manager_a,
        kind="sp_gold",
        obtained_on=D(2025, 1, 2),
        expires_on=D(2028, 1, 2),
        certificate=_certificate(),
    )
    labels.decide(refused, by=operator, confirm=False, note="certificat illisible")
    renewal = labels.propose(
        structure_a,
        by=manager_a,
        kind="sp_gold",
        obtained_on=D(2025, 1, 2),
        expires_on=D(2028, 1, 2),
        certificate=_certificate(),
    )
    labels.decide(renewal, by=operator, confirm=True)
    statuses = sorted(Label.objects.values_list("status", "obtained_on"))
    assert statuses == [("confirmed", D(2025, 1, 2)), ("rejected", D(2025, 1, 2))]


def test_only_confirmed_labels_valid_on_the_last_day_of_fieldwork_count(
    in_fieldwork, structure_a, manager_a
):
    """The engine's "certifiée" column, read by the computation of every figure on
    certified structures (results.computing via campaigns.transfer.answers_frame)."""
    ends = in_fieldwork.fieldwork_ends  # 25 July 2025

    def certified() -> bool:
        task = AuditTask.objects.filter(edition=in_fieldwork, structure=structure_a).first()
        Answer.objects.get_or_create(task=task, criterion="accueil", value="oui")
        (row, *_) = answer_rows(in_fieldwork, task_ids=[task.pk])
        return row["certifiee"]

    expired = Label.objects.create(
        structure=structure_a,
        kind="marianne",
        obtained_on=D(2020, 1, 1),
        expires_on=ends - dt.timedelta(days=1),
        status="confirmed",
    )
    assert not certified()  # expired before the end of fieldwork
    proposed = labels.propose(
        structure_a,
        by=manager_a,
        kind="sp_gold",
        obtained_on=D(2025, 1, 2),
        expires_on=D(2029, 1, 2),
        certificate=_certificate(),
    )
    assert not certified()  # a manager's proposal
    Label.objects.filter(pk=proposed.pk).update(status="confirmed", obtained_on=ends)
    assert certified()  # confirmed, valid on the last day
    Label.objects.filter(pk=proposed.pk).update(obtained_on=ends + dt.timedelta(days=1))
    assert not certified()  # obtained after the fieldwork
    Label.objects.filter(pk=expired.pk).update(expires_on=ends)
    assert certified()  # valid until that day included


@pytest.mark.django_db(transaction=True)
def test_labels_entered_before_the_proposals_existed_become_confirmed():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("structures", "0009_structure_updated_at_index")]
    after = [("structures", "0010_label_confirmation")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    structure = old.get_model("structures", "Structure").objects.create(
        name="Ville de Metz", identifier="57463", kind="commune", department="57"
    )
    old.get_model("structures", "Label").objects.create(
        structure=structure, kind="marianne", obtained_on=D(2016, 3, 1)
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    assert list(new.get_model("structures", "Label").objects.values_list("status", flat=True)) == [
        "confirmed"
    ]


def test_the_registry_export_carries_only_confirmed_labels(manager_a, structure_a):
    """Its file goes back through the operators' import, which confirms what it writes."""
    from barometre.structures.exporting import export_structures

    labels.propose(
        structure_a,
        by=manager_a,
        kind="sp_gold",
        obtained_on=D(2025, 1, 2),
        expires_on=D(2028, 1, 2),
        certificate=_certificate(),
    )
    Label.objects.create(
        structure=structure_a, kind="marianne", obtained_on=D(2016, 3, 1), status="confirmed"
    )
    content = export_structures(Structure.objects.all(), "csv").decode("utf-8-sig")
    header, row = content.splitlines()[:2]
    cells = dict(zip(header.split(";"), row.split(";"), strict=True))
    assert cells["label_marianne"] == "01/03/2016" and cells["label_sp_or"] == ""
