"""Computing an edition: stored, idempotent, versioned after publication."""

import polars as pl
import pytest

from barometre.campaigns.models import Answer, AuditTask
from barometre.core.errors import Refused
from barometre.results.computing import _mean, publish, request_computation
from barometre.results.models import ResultSet

pytestmark = pytest.mark.django_db


def test_an_edition_is_computed_in_the_background_and_stored(filled, operator):
    result_set = request_computation(filled, by=operator)  # immediate backend in tests
    result_set.refresh_from_db()
    assert result_set.status == "ready" and result_set.version == 1
    assert result_set.grid_id == filled.grid_id
    assert sorted(result_set.audit_ids) == sorted(
        AuditTask.objects.filter(edition=filled, status="validated").values_list("pk", flat=True)
    )
    metz = result_set.structures.get(structure__identifier="57463")
    assert set(metz.details["channels"]) == {"phone", "email"}
    assert metz.score_low <= metz.score <= metz.score_high and metz.audits == 4
    assert {f["id"] for f in result_set.stored_key_figures} >= {
        "phone_first_attempt",
        "email_answered",
    }
    assert result_set.stored_categories[0]["category"] == "(national)"


def test_recomputing_a_draft_is_idempotent(filled, operator):
    first = request_computation(filled, by=operator)
    scores = dict(first.structures.values_list("structure_id", "score"))
    second = request_computation(filled, by=operator)
    assert second.pk == first.pk and ResultSet.objects.count() == 1
    assert dict(second.structures.values_list("structure_id", "score")) == scores


def test_after_publication_a_recomputation_is_a_new_version_saying_what_moved(
    filled,
    operator,
):
    first = request_computation(filled, by=operator)
    first.refresh_from_db()
    publish(first, by=operator)
    task = AuditTask.objects.filter(
        edition=filled, structure__identifier="57463", channel="phone"
    ).first()
    Answer.objects.filter(task=task, criterion="phone.answer_quality").update(value="wrong")
    second = request_computation(filled, by=operator)
    second.refresh_from_db()
    assert (second.version, second.status) == (2, "ready")
    first.refresh_from_db()
    before = first.structures.get(structure__identifier="57463").score
    after = second.structures.get(structure__identifier="57463").score
    assert after < before  # the published version did not change
    assert [c["structure"] for c in second.changes] == ["Ville de Metz"]
    assert second.changes[0]["before"] == pytest.approx(before)


def test_only_those_who_run_the_edition_compute_and_something_must_be_validated(
    filled,
    manager_a,
    operator,
):
    with pytest.raises(Refused, match="calculent ses résultats"):
        request_computation(filled, by=manager_a)
    AuditTask.objects.filter(edition=filled).update(status="submitted")
    with pytest.raises(Refused, match="aucun audit validé"):
        request_computation(filled, by=operator)


def test_the_results_page_computes_shows_intervals_and_publishes(client_for, filled, operator):
    from django.urls import reverse

    client = client_for(operator)
    page = client.post(reverse("results:compute", args=[filled.pk]), follow=True)
    assert "Calcul de la version 1 lancé." in page.text
    assert "Ville de Metz" in page.text and "Intervalle 90 %" in page.text
    assert "Appels aboutis dès le premier appel" in page.text
    review = client.get(reverse("results:publish", args=[filled.pk, 1]))
    assert "Ce qui devient public" in review.text and "Confirmer la publication" in review.text
    assert ResultSet.objects.get().published_at is None  # reviewing publishes nothing
    client.post(reverse("results:publish", args=[filled.pk, 1]))
    assert ResultSet.objects.get().published_at is not None
    assert "publiée le" in client.get(reverse("results:edition", args=[filled.pk])).text


def test_a_computation_whose_worker_was_killed_can_be_requested_again(filled, operator):
    import datetime as dt

    from django.utils import timezone

    first = request_computation(filled, by=operator)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    # The worker died while computing: status stuck, no heartbeat for an hour.
    ResultSet.objects.filter(pk=first.pk).update(status="computing", heartbeat=long_ago)
    again = request_computation(filled, by=operator)
    again.refresh_from_db()
    assert again.pk == first.pk and again.status == "ready"
    # A computation alive a minute ago is not started twice.
    ResultSet.objects.filter(pk=first.pk).update(
        status="computing", heartbeat=timezone.now() - dt.timedelta(minutes=1)
    )
    assert request_computation(filled, by=operator).status == "computing"


def test_a_failure_while_writing_leaves_the_previous_results(filled, operator, monkeypatch):
    from barometre.results.computing import compute
    from barometre.results.models import StructureResult

    result_set = request_computation(filled, by=operator)
    before = dict(result_set.structures.values_list("structure_id", "score"))

    def boom(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(StructureResult.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        compute(ResultSet.objects.get(pk=result_set.pk))
    assert dict(result_set.structures.values_list("structure_id", "score")) == before


def test_the_evolution_mean_of_a_column_without_values_is_none_not_an_error():
    assert _mean(pl.Series([None, None], dtype=pl.Float64)) is None
    assert _mean(pl.Series([60.0, 70.0, float("nan")], dtype=pl.Float64)) is None
    assert _mean(pl.Series([60.0, 71.0], dtype=pl.Float64)) == 65.5
