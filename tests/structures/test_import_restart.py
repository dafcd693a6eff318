"""A structure import whose worker was killed (queued or running, no sign of life for
STALE_AFTER) can be confirmed again, like result computations and report batches; on
SQLite, an import writes at most SQLITE_MAX_WRITES structures at once (core/uploads.py)."""

import datetime as dt
import html

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from barometre.core import uploads
from barometre.core.background import STALE_AFTER
from barometre.structures.importing import apply_import, plan_import
from barometre.structures.models import Structure, StructureImport

from .files import csv_bytes

pytestmark = pytest.mark.django_db


def _import(status: str, silent_for: dt.timedelta) -> StructureImport:
    batch = StructureImport.objects.create(file_name="s.csv", content=csv_bytes(), status=status)
    moment = timezone.now() - silent_for
    StructureImport.objects.filter(pk=batch.pk).update(created_at=moment, heartbeat=moment)
    return StructureImport.objects.get(pk=batch.pk)


@pytest.mark.parametrize("status", ["queued", "running"])
def test_a_killed_import_can_be_confirmed_again(client_for, operator, status):
    batch = _import(status, STALE_AFTER + dt.timedelta(minutes=1))
    client = client_for(operator)
    page = html.unescape(client.get(reverse("structures:import_status", args=[batch.pk])).text)
    assert "L'import s'est interrompu : rien n'a été enregistré" in page
    assert "depuis plus de 15 minutes" in page and "Relancer l'import" in page
    assert 'http-equiv="refresh"' not in page
    client.post(reverse("structures:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done" and Structure.objects.count() == 3


def test_an_import_still_alive_is_not_queued_twice(client_for, operator):
    batch = _import("running", dt.timedelta(minutes=1))
    client = client_for(operator)
    page = html.unescape(client.get(reverse("structures:import_status", args=[batch.pk])).text)
    assert "en cours" in page and "Relancer" not in page
    client.post(reverse("structures:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "running" and not Structure.objects.exists()


def test_a_finished_import_is_not_written_again(client_for, operator):
    batch = _import("done", STALE_AFTER * 4)
    client_for(operator).post(reverse("structures:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done" and not Structure.objects.exists()


def test_on_sqlite_an_import_writes_a_bounded_number_of_structures(monkeypatch):
    monkeypatch.setattr(uploads, "SQLITE_MAX_WRITES", 2)
    plan = plan_import(csv_bytes(), "s.csv", max_bytes=10**6)
    if connection.vendor != "sqlite":
        assert not plan.problems
        return
    assert [str(p) for p in plan.problems] == [
        "Le fichier écrirait 3 structures (créées ou modifiées) d'un coup ; sur une base "
        "SQLite, un import en écrit au plus 2, pour ne pas bloquer les autres "
        "enregistrements de la plateforme pendant l'écriture. Découpez le fichier."
    ]
    monkeypatch.setattr(uploads, "SQLITE_MAX_WRITES", 3)
    apply_import(plan_import(csv_bytes(), "s.csv", max_bytes=10**6))
    monkeypatch.setattr(uploads, "SQLITE_MAX_WRITES", 0)
    assert not plan_import(csv_bytes(), "s.csv", max_bytes=10**6).problems  # all unchanged
