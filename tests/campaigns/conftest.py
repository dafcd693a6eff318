import datetime as dt

import pytest

from barometre.accounts.models import Membership, Role, User
from barometre.campaigns import lifecycle
from barometre.campaigns.models import AuditorProfile, AuditTask, Edition, GridVersion
from barometre.engine.grid import DATA_DIR
from barometre.structures.models import ContactPoint


@pytest.fixture
def grid(db):
    text = (DATA_DIR / "barometre-2025.yaml").read_text()
    return GridVersion.objects.create(grid_id="barometre-2025", version=1, yaml=text)


@pytest.fixture
def edition(grid, operator):
    return lifecycle.create_edition(
        year=2025,
        name="Baromètre 2025",
        grid=grid,
        enrolment_opens=dt.date(2025, 1, 6),
        enrolment_closes=dt.date(2025, 4, 30),
        fieldwork_starts=dt.date(2025, 5, 5),
        fieldwork_ends=dt.date(2025, 7, 25),
        by=operator,
    )


@pytest.fixture
def second_auditor(db):
    user = User.objects.create_user("zoe")
    Membership.objects.create(user=user, role=Role.AUDITOR)
    AuditorProfile.objects.create(user=user, departments=["45"], weekly_capacity=20)
    return user


@pytest.fixture
def in_fieldwork(edition, operator, structure_a, auditor, second_auditor):
    """Préfecture du Loiret enrolled on phone and e-mail, planned, fieldwork started."""
    AuditorProfile.objects.create(user=auditor, departments=["45"], weekly_capacity=20)
    ContactPoint.objects.create(structure=structure_a, channel="email", value="pref@example.fr")
    lifecycle.advance(edition, by=operator)
    lifecycle.enrol(edition, structure_a, by=operator)
    lifecycle.plan_fieldwork(edition, by=operator)
    # Two auditors cannot take five audits of one structure: give the rest by hand.
    AuditTask.objects.filter(edition=edition, auditor__isnull=True).update(
        auditor=second_auditor, status="assigned", planning_problem=""
    )
    Edition.objects.filter(pk=edition.pk).update(status="fieldwork")
    edition.refresh_from_db()
    return edition


def _task_for(edition, channel, auditor):
    task = AuditTask.objects.filter(edition=edition, channel=channel).first()
    AuditTask.objects.filter(pk=task.pk).update(auditor=auditor)
    task.refresh_from_db()
    return task


@pytest.fixture
def email_task(in_fieldwork, auditor):
    return _task_for(in_fieldwork, "email", auditor)


@pytest.fixture
def phone_task(in_fieldwork, auditor):
    return _task_for(in_fieldwork, "phone", auditor)
