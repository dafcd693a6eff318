"""Two validators deciding on the same audit: the first decision wins, the second is told
what happened and by whom, and nothing of it is written."""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from barometre.accounts.models import Role
from barometre.campaigns import workflow
from barometre.campaigns.models import AuditTask, TaskEvent
from barometre.core.errors import Conflict
from tests.conftest import _user

PHONE_ANSWERS = {"phone.rings": "3"}


@pytest.fixture
def second_operator(db):
    return _user("octave", Role.OPERATOR)


@pytest.fixture
def submitted(phone_task, auditor):
    workflow.save_answers(phone_task, PHONE_ANSWERS, by=auditor)
    workflow.submit(phone_task, by=auditor)
    phone_task.refresh_from_db()
    return phone_task


@pytest.mark.django_db
def test_the_second_decision_on_the_version_seen_is_refused_and_names_the_first(
    submitted, operator, second_operator, client_for
):
    url = reverse("campaigns:decide", args=[submitted.pk])
    seen = submitted.version
    first = client_for(operator).post(
        url, {"decision": "validate", "version": seen, "from": "desk"}, follow=True
    )
    assert "décision enregistrée" in first.text
    second = client_for(second_operator).post(
        url,
        {"decision": "reject", "comment": "Doublon", "version": seen, "from": "desk"},
        follow=True,
    )
    assert "décision enregistrée" not in second.text
    assert "Cet audit a déjà été validé par olivia le " in second.text
    assert "votre décision n&#x27;a pas été enregistrée" in second.text
    assert AuditTask.objects.get(pk=submitted.pk).status == "validated"
    assert list(submitted.events.values_list("action", flat=True)) == ["submit", "validate"]


@pytest.mark.django_db
def test_a_second_validation_from_the_queue_is_not_logged_twice(
    submitted, operator, second_operator, client_for
):
    url = reverse("campaigns:decide", args=[submitted.pk])
    for user in (operator, second_operator):
        client_for(user).post(url, {"decision": "validate", "version": submitted.version})
    assert submitted.events.filter(action="validate").count() == 1


@pytest.mark.django_db
def test_the_desk_and_the_queue_carry_the_version_seen(submitted, operator, client_for):
    client = client_for(operator)
    expected = f'name="version" value="{submitted.version}"'
    assert expected in client.get(reverse("campaigns:task", args=[submitted.pk])).text
    assert expected in client.get(reverse("campaigns:validation")).text


@pytest.mark.django_db
def test_a_decision_on_an_audit_resubmitted_since_it_was_read_is_refused(
    submitted, operator, auditor
):
    seen = submitted.version
    workflow.return_to_auditor(submitted, by=operator, comment="Précisez")
    workflow.submit(submitted, by=auditor)
    with pytest.raises(Conflict, match="soumis pour validation par elie"):
        workflow.validate(AuditTask.objects.get(pk=submitted.pk), by=operator, seen_version=seen)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_validators_at_the_same_instant_on_postgresql(submitted, operator, second_operator):
    """The first holds the row lock until it commits; the second waits for it, then
    sees the decision taken and writes nothing."""
    seen = submitted.version
    decided, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                workflow.validate(
                    AuditTask.objects.get(pk=submitted.pk), by=operator, seen_version=seen
                )
                decided.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        decided.wait(10)
        try:
            workflow.reject(
                AuditTask.objects.get(pk=submitted.pk),
                by=second_operator,
                reason="Doublon",
                seen_version=seen,
            )
            outcome["second"] = "recorded"
        except Conflict as exc:
            outcome["second"] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    decided.wait(10)
    threads[1].join(0.5)
    assert threads[1].is_alive()  # waiting for the first one's lock
    release.set()
    for thread in threads:
        thread.join(10)
    assert outcome["second"].startswith("Cet audit a déjà été validé par olivia")
    assert AuditTask.objects.get(pk=submitted.pk).status == "validated"
    actions = TaskEvent.objects.filter(task=submitted).values_list("action", flat=True)
    assert list(actions) == ["submit", "validate"]
