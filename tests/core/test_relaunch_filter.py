"""``needs_relaunch`` is ``Job.stalled`` written for the database, plus the failed jobs:
the operator's home lists exactly the jobs whose page offers « Relancer »."""

import datetime as dt

import pytest
from django.utils import timezone

from barometre.core.background import needs_relaunch
from barometre.core.models import ExportFile

pytestmark = pytest.mark.django_db


def test_the_filter_agrees_with_the_stalled_rule(operator):
    now = timezone.now()
    cases = {
        # status, asked minutes ago, heartbeat minutes ago (None: never)
        "silent": ("running", 40, 20),
        "never_beat": ("queued", 20, None),
        "alive": ("running", 40, 1),
        "just_queued": ("queued", 2, None),
        "failed": ("failed", 60, 50),
        "ready": ("ready", 60, 50),
        "failed_long_ago": ("failed", 60 * 24 * 40, None),
    }
    jobs = {}
    for name, (status, asked, beat) in cases.items():
        job = ExportFile.objects.create(
            title=name, builder="x", filename="x.xlsx", status=status, requested_by=operator
        )
        ExportFile.objects.filter(pk=job.pk).update(
            requested_at=now - dt.timedelta(minutes=asked),
            heartbeat=None if beat is None else now - dt.timedelta(minutes=beat),
        )
        job.refresh_from_db()
        jobs[name] = job
    found = set(
        ExportFile.objects.filter(needs_relaunch(ExportFile)).values_list("title", flat=True)
    )
    assert found == {"silent", "never_beat", "failed"}
    for name, job in jobs.items():
        if job.status != "failed" and name != "failed_long_ago":
            assert job.stalled == (name in found), name
