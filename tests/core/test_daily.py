"""The daily commands: ``purge_exports`` alone, and ``daily`` (the Procfile's clock) running
them all, each once a day at the chosen hour."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from barometre.core.management.commands.daily import DAILY, next_run
from barometre.core.models import ExportFile

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def test_purge_exports_deletes_the_old_ones_only(operator, settings):
    settings.BAROMETRE_EXPORT_KEEP_HOURS = 48
    old, recent = (
        ExportFile.objects.create(
            title="A", builder="x.y", filename="a.xlsx", requested_by=operator
        )
        for _ in range(2)
    )
    long_ago = timezone.now() - dt.timedelta(hours=49)
    ExportFile.objects.filter(pk=old.pk).update(requested_at=long_ago, finished_at=long_ago)
    out = io.StringIO()
    call_command("purge_exports", stdout=out)
    assert "1 export de plus de 48 heures supprimé avec" in out.getvalue()
    assert list(ExportFile.objects.values_list("pk", flat=True)) == [recent.pk]


def test_daily_runs_every_daily_command(monkeypatch):
    from barometre.core.management.commands import daily

    ran = []

    def fake(name, **kwargs):
        ran.append(name)
        if name == "feedback_reminders":
            raise RuntimeError("SMTP injoignable")

    monkeypatch.setattr(daily, "call_command", fake)
    call_command("daily", stdout=io.StringIO())
    assert ran == DAILY  # a failure does not stop the next ones


def test_the_next_run_is_today_or_tomorrow_at_the_hour():
    at = dt.time(3, 0)
    before = dt.datetime(2026, 3, 28, 2, 0, tzinfo=PARIS)
    after = dt.datetime(2026, 3, 28, 3, 0, tzinfo=PARIS)
    assert next_run(before, at) == dt.datetime(2026, 3, 28, 3, 0, tzinfo=PARIS)
    assert next_run(after, at) == dt.datetime(2026, 3, 29, 3, 0, tzinfo=PARIS)
