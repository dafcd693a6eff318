"""The validation queue checks every submitted audit with a fixed number of queries, and
says the same as the check of one audit (the desk, the submission)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from barometre.campaigns import workflow
from barometre.campaigns.models import AuditTask, Scenario, TaskEvent

pytestmark = pytest.mark.django_db

TWIN = "même scénario déjà utilisé pour cette structure sur ce canal (doublon)"
HURRIED = "audits soumis à moins d'une minute d'intervalle"


def _submit(tasks, auditor, start=None, gap=-20):
    """Submitted ``gap`` seconds apart, from ``start`` (now by default)."""
    start = start or timezone.now()
    for i, task in enumerate(tasks):
        AuditTask.objects.filter(pk=task.pk).update(status="submitted", auditor=auditor)
        event = TaskEvent.objects.create(task=task, by=auditor, action="submit")
        TaskEvent.objects.filter(pk=event.pk).update(at=start + dt.timedelta(seconds=gap * i))


def _queue(client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("campaigns:validation"))
    assert page.status_code == 200
    return page.text, len(queries)


def test_the_queue_flags_what_the_check_of_one_audit_flags(
    in_fieldwork, auditor, operator, client_for
):
    scenario = Scenario.objects.create(
        code="s", title="S", persona="p", script="s", expected_answer="e", channels=["phone"]
    )
    phone = list(AuditTask.objects.filter(edition=in_fieldwork, channel="phone"))
    AuditTask.objects.filter(pk__in=[t.pk for t in phone]).update(scenario=scenario)
    _submit(phone, auditor)
    text, _ = _queue(client_for(operator))
    for task in AuditTask.objects.filter(pk__in=[t.pk for t in phone]):
        found = workflow.anomalies(task)
        assert TWIN in found and HURRIED in found
        assert f"À vérifier : {' ; '.join(found)}".replace("'", "&#x27;") in text


def test_the_queue_reads_the_same_queries_whatever_the_number_of_audits(
    in_fieldwork, auditor, operator, client_for
):
    client = client_for(operator)
    client.get(reverse("campaigns:validation"))  # warm caches (grid, site)
    tasks = list(AuditTask.objects.filter(edition=in_fieldwork).order_by("pk"))
    _submit(tasks[:1], auditor)
    _, few = _queue(client)
    _submit(tasks[1:], auditor, start=dt.datetime(2025, 6, 3, 10, tzinfo=dt.UTC))
    text, many = _queue(client)
    assert f"{len(tasks)} audits soumis." in text and len(tasks) > 3
    assert few == many
