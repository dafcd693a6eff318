"""A computation or a report batch whose worker was killed (``kill -9`` mid-run) leaves
its record « en cours »: after ``STALE_AFTER`` without a heartbeat its page says it has
stopped, stops refreshing itself and offers « Relancer » (core.background.Job)."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from barometre.core.background import STALE_AFTER
from barometre.results.models import ReportBatch, ResultSet

pytestmark = pytest.mark.django_db
REFRESH = '<meta http-equiv="refresh" content="3">'


def _page(client, result_set) -> str:
    response = client.get(reverse("results:edition", args=[result_set.edition_id]))
    return " ".join(html.unescape(response.content.decode()).split())


def test_a_computation_whose_worker_died_is_said_stopped_and_relaunched(
    computed, client_for, personas
):
    silent_since = timezone.now() - STALE_AFTER - dt.timedelta(minutes=2)
    ResultSet.objects.filter(pk=computed.pk).update(
        status=ResultSet.Status.COMPUTING, step="Calcul des scores", heartbeat=silent_since
    )
    operator = client_for(personas["operator"])
    page = _page(operator, computed)
    assert "Le calcul de la version 1 s'est interrompu" in page
    assert (
        "Il ne donne plus signe de vie depuis 17 minutes (dernière étape : Calcul des scores)"
        in page
    )
    assert REFRESH not in page and "Calcul de la version 1 :" not in page
    assert "Relancer le calcul" in page
    operator.post(reverse("results:compute", args=[computed.edition_id]))
    computed.refresh_from_db()  # immediate backend in tests: computed again at once
    assert (computed.status, computed.version) == (ResultSet.Status.READY, 1)
    assert "s'est interrompu" not in _page(operator, computed)


def test_a_live_computation_is_followed_and_not_offered_again(computed, client_for, personas):
    ResultSet.objects.filter(pk=computed.pk).update(
        status=ResultSet.Status.COMPUTING, step="Enregistrement", heartbeat=timezone.now()
    )
    page = _page(client_for(personas["operator"]), computed)
    assert REFRESH in page and "Calcul de la version 1 : Enregistrement" in page
    assert "Relancer" not in page


def test_a_report_batch_whose_worker_died_is_said_stopped_and_relaunched(
    computed, client_for, personas
):
    ReportBatch.objects.create(
        result_set=computed,
        requested_by=personas["operator"],
        status=ReportBatch.Status.RUNNING,
        done=1,
        total=2,
        heartbeat=timezone.now() - STALE_AFTER - dt.timedelta(minutes=1),
    )
    operator = client_for(personas["operator"])
    page = _page(operator, computed)
    assert "La production des rapports s'est interrompue à 1 sur 2" in page
    assert REFRESH not in page
    assert "Relancer la production des rapports" in page
    url = reverse("results:request_reports", args=[computed.edition_id, computed.version])
    operator.post(url)
    old, new = ReportBatch.objects.order_by("pk")
    assert (old.status, old.error) == ("failed", "Interrompu (traitement arrêté).")
    assert (new.status, new.done, new.total) == ("ready", 2, 2)
