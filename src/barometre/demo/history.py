"""Dates for an edition the demo runs through its lifecycle in a few seconds: every phase
change, computation and jury decision is recorded at the moment the demo is built, so a
version would read « calculée le 30/11/2026 » and « publiée le 15/10/2025 ». The demo
dates them afterwards on the edition's own calendar, in the order they happened:
enrolment opens, fieldwork starts, fieldwork closes, results computed, laureates
confirmed, published."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from barometre.campaigns.models import Edition, EditionTransition
from barometre.results.models import Laureate, ResultSet

# Before publication: the results phase opens, the results are computed, the jury meets.
RESULTS_PHASE_BEFORE = dt.timedelta(days=14)
COMPUTED_BEFORE = dt.timedelta(days=10)
CONFIRMED_BEFORE = dt.timedelta(days=7)
# After the fieldwork closes: the internal campaigns' results are computed.
COMPUTED_AFTER_FIELDWORK = dt.timedelta(days=5)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _date_phases(
    edition: Edition, results: dt.datetime, published: dt.datetime | None = None
) -> None:
    """The edition created two weeks before its enrolment opens and each phase change
    dated on its calendar, by its target phase (changes of the same moment a minute
    apart, in their order)."""
    opens = edition.enrolment_opens
    moments = {
        Edition.Status.ENROLMENT: _at(opens, 9),
        Edition.Status.FIELDWORK: _at(edition.fieldwork_starts, 9),
        Edition.Status.VALIDATION: _at(edition.fieldwork_ends + dt.timedelta(days=1), 9),
        Edition.Status.RESULTS: results,
        Edition.Status.PUBLISHED: published,
    }
    for i, transition in enumerate(edition.transitions.order_by("at", "id")):
        moment = moments.get(transition.target)
        if moment is not None:
            at = moment + dt.timedelta(minutes=i)
            EditionTransition.objects.filter(pk=transition.pk).update(at=at)
    Edition.objects.filter(pk=edition.pk).update(created_at=_at(opens - dt.timedelta(days=14), 9))


def date_published_edition(result_set: ResultSet, published: dt.datetime) -> None:
    """Date a national edition published at ``published``: its phases on its calendar,
    its version computed and its laureates confirmed in the days before."""
    computed = published - COMPUTED_BEFORE
    _date_phases(result_set.edition, published - RESULTS_PHASE_BEFORE, published)
    ResultSet.objects.filter(pk=result_set.pk).update(
        requested_at=computed - dt.timedelta(minutes=5),
        computed_at=computed,
        heartbeat=computed,
        published_at=published,
    )
    Laureate.objects.filter(result_set=result_set).update(confirmed_at=published - CONFIRMED_BEFORE)


def date_internal_campaign(result_set: ResultSet) -> None:
    """Date a structure's internal campaign of a past year: its phases on its calendar,
    its results computed a few days after its fieldwork closed (never after now)."""
    edition = result_set.edition
    computed = min(_at(edition.fieldwork_ends + COMPUTED_AFTER_FIELDWORK), timezone.now())
    _date_phases(edition, computed - dt.timedelta(hours=1))
    ResultSet.objects.filter(pk=result_set.pk).update(
        requested_at=computed - dt.timedelta(minutes=5), computed_at=computed, heartbeat=computed
    )
