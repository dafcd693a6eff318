"""Every audit has the auditor's observations, whatever its channel: typed on the audit
page, read on the validation desk, exported with the audits, quoted masked in the
structure's report."""

import datetime as dt
import zoneinfo

import pytest
from django.forms import Textarea
from django.urls import reverse

from barometre.campaigns.forms import AuditForm
from barometre.campaigns.models import Answer, AuditTask
from barometre.campaigns.transfer import export_audits
from barometre.results.computing import request_computation
from barometre.results.models import StructureResult
from barometre.results.reports import structure_report
from tests.campaigns.test_transfer import filled  # noqa: F401
from tests.html import shown

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db
NOTE = "Accueil aimable ; Mme Durand propose de rappeler au 06 12 34 56 78."


def test_the_audit_form_of_every_channel_has_the_observations_field(grid):
    parsed = grid.parsed()
    for channel in parsed.channel_ids:
        field = AuditForm(grid=parsed, channel=channel).fields[f"{channel}.observations"]
        assert field.label == "Observations de l'enquêteur", channel
        assert isinstance(field.widget, Textarea) and not field.required


def test_a_visit_audit_keeps_its_observations_on_the_desk_and_in_the_export(
    client_for, in_fieldwork, structure_a, auditor, operator
):
    task = AuditTask.objects.create(
        edition=in_fieldwork,
        structure=structure_a,
        channel="visit",
        sequence=1,
        scheduled_at=dt.datetime(2025, 6, 10, 10, tzinfo=PARIS),
        auditor=auditor,
        status="assigned",
    )
    url = reverse("campaigns:task", args=[task.pk])
    page = client_for(auditor).get(url).content.decode()
    assert 'name="visit.observations"' in page
    client_for(auditor).post(url, {"visit.signage": "good", "visit.observations": NOTE})
    assert task.answers.get(criterion="visit.observations").value == NOTE
    assert task.answers.get(criterion="visit.signage").value == "good"
    AuditTask.objects.filter(pk=task.pk).update(status="submitted")
    desk = shown(client_for(operator).get(url).content.decode())
    assert "Observations de l'enquêteur" in desk and NOTE in desk
    export = export_audits(in_fieldwork, "csv", statuses=("submitted",)).decode("utf-8-sig")
    assert f'visit.observations;"{NOTE}"' in export  # quoted: the text holds a ";"


def test_a_letter_audits_observations_reach_the_report_masked(filled, operator):  # noqa: F811
    structure = filled.enrolments.get(structure__identifier="57463").structure
    task = AuditTask.objects.create(
        edition=filled,
        structure=structure,
        channel="mail",
        sequence=1,
        scheduled_at=dt.datetime(2025, 5, 12, 10, tzinfo=PARIS),
        status="validated",
        sent_at=dt.datetime(2025, 5, 12, 10, tzinfo=PARIS),
        no_reply=True,
    )
    Answer.objects.bulk_create(
        [
            Answer(task=task, criterion="mail.address_findable", value="oui"),
            Answer(task=task, criterion="mail.observations", value=NOTE),
        ]
    )
    result_set = request_computation(filled, by=operator)
    result_set.refresh_from_db()
    result = StructureResult.objects.get(result_set=result_set, structure=structure)
    quoted = [o for o in structure_report(result).observations if o["channel"] == "Courrier postal"]
    assert [o["text"] for o in quoted] == [
        "Accueil aimable ; Mme [nom masqué] propose de rappeler au [téléphone masqué]."
    ]


def test_the_desk_shows_an_audit_holding_only_observations(
    client_for, in_fieldwork, structure_a, auditor, operator
):
    task = AuditTask.objects.create(
        edition=in_fieldwork,
        structure=structure_a,
        channel="website",
        sequence=1,
        scheduled_at=dt.datetime(2025, 6, 10, 10, tzinfo=PARIS),
        auditor=auditor,
        status="submitted",
    )
    Answer.objects.create(task=task, criterion="website.observations", value=NOTE)
    response = client_for(operator).get(reverse("campaigns:task", args=[task.pk]))
    assert response.status_code == 200  # was an IndexError: nothing to score
    page = shown(response.content.decode())
    assert NOTE in page and "Rien à noter dans cet audit : aucune réponse notée" in page
