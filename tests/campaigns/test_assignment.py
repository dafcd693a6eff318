import pytest

from barometre.accounts.models import Membership, Role, User
from barometre.campaigns import lifecycle
from barometre.campaigns.models import AuditorProfile, AuditTask, Edition
from barometre.core.errors import Refused

pytestmark = pytest.mark.django_db


def _auditor(name, **profile):
    user = User.objects.create_user(name)
    Membership.objects.create(user=user, role=Role.AUDITOR)
    AuditorProfile.objects.create(
        user=user, **{"departments": ["45"], "weekly_capacity": 10, **profile}
    )
    return user


def test_reassignment_respects_the_planner_rules(in_fieldwork, operator, structure_a):
    Edition.objects.filter(pk=in_fieldwork.pk).update(status="enrolment")
    task = AuditTask.objects.filter(edition=in_fieldwork, channel="phone").first()
    other_task_auditor = (
        AuditTask.objects.exclude(pk=task.pk).filter(edition=in_fieldwork).first().auditor
    )
    with pytest.raises(Refused) as caught:
        lifecycle.reassign(task, other_task_auditor, by=operator)
    assert caught.value.reasons == [
        f"{other_task_auditor} a déjà audité cette structure dans l'édition"
    ]
    tied = _auditor("lie", commune="Orléans")
    with pytest.raises(Refused, match="réside dans la commune de la structure"):
        lifecycle.reassign(task, tied, by=operator)
    free = _auditor("libre")
    lifecycle.reassign(task, free, by=operator)
    task.refresh_from_db()
    assert task.auditor == free and task.version == 2


def test_double_coding_goes_to_another_auditor_and_stays_out_of_sequence(in_fieldwork, operator):
    task = AuditTask.objects.filter(edition=in_fieldwork, channel="phone").first()
    AuditTask.objects.filter(pk=task.pk).update(status="validated")
    with pytest.raises(Refused):
        lifecycle.request_double_coding(task, by=operator)  # every auditor already audited it
    fresh = _auditor("second-regard")
    copy = lifecycle.request_double_coding(task, by=operator)
    assert copy.auditor == fresh and copy.double_of == task and copy.sequence == task.sequence
    with pytest.raises(Refused, match="déjà un double codage"):
        lifecycle.request_double_coding(copy, by=operator)


def test_a_sample_is_double_coded(in_fieldwork, operator):
    AuditTask.objects.filter(edition=in_fieldwork).update(status="validated")
    for i in range(6):
        _auditor(f"renfort{i}")
    assert lifecycle.request_double_coding_sample(in_fieldwork, 0.4, by=operator) == 2
    assert AuditTask.objects.filter(double_of__isnull=False).count() == 2


def test_the_operator_reassigns_from_the_task_page(client_for, in_fieldwork, operator, auditor):
    from django.urls import reverse

    Edition.objects.filter(pk=in_fieldwork.pk).update(status="enrolment")
    task = AuditTask.objects.filter(edition=in_fieldwork).first()
    free = _auditor("libre")
    url = reverse("campaigns:task_staffing", args=[task.pk])
    assert client_for(auditor).post(url, {"auditor": free.pk}).status_code == 403
    page = client_for(operator).post(url, {"auditor": free.pk, "action": "reassign"}, follow=True)
    assert "Audit confié à libre." in page.text
