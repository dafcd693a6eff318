import io

import pytest
from django.core.management import call_command

from barometre.accounts.models import User
from barometre.campaigns.models import AuditTask, Edition
from barometre.structures.models import Structure

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_registry_users_and_a_planned_edition_idempotently():
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    call_command("demo", "--no-serve", stdout=out)  # a second run changes nothing
    assert Structure.objects.count() == 30
    assert Structure.objects.filter(department__in=["57", "67", "974", "972"]).count() >= 4
    assert User.objects.filter(username="operateur").get().is_operator
    edition = Edition.objects.get()
    assert edition.status == "fieldwork" and edition.enrolments.count() == 30
    tasks = AuditTask.objects.filter(edition=edition)
    assert tasks.count() > 250 and not tasks.filter(auditor__isnull=True).exists()
    assert tasks.filter(auditor__username="enqueteur").exists()
    text = out.getvalue()
    assert "operateur" in text and "Barometre-demo-2025" in text
    assert "en phase terrain" in text
