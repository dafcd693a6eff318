"""Background work that shows no sign of life: a worker killed mid-task (deployment,
out of memory) leaves its record « en cours » forever. Every long task records a
heartbeat; one silent for STALE_AFTER was killed and may be requested again."""

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=15)
# How far back a failed job is still offered for a relaunch on the operator's home.
RELAUNCH_WITHIN = dt.timedelta(days=30)


def stale(requested_at, heartbeat) -> bool:
    """True when background work shows no sign of life for STALE_AFTER (worker killed)."""
    return (heartbeat or requested_at) < timezone.now() - STALE_AFTER


class Job:
    """What every model of background work shares (exports, imports, result computations,
    report batches): statuses in ``ACTIVE`` mean queued or at work, ``heartbeat`` is its
    last sign of life, ``started_field`` names when it was asked for. One rule says when
    it has gone silent; its page then offers « Relancer » instead of waiting."""

    ACTIVE: tuple[str, ...] = ("queued", "running")
    started_field = "requested_at"
    status: str
    heartbeat: dt.datetime | None

    @property
    def stalled(self) -> bool:
        """Queued or at work with no sign of life for ``STALE_AFTER``: its worker was
        killed; asking again starts it anew."""
        started = getattr(self, self.started_field)
        return self.status in self.ACTIVE and stale(started, self.heartbeat)

    @property
    def busy(self) -> bool:
        return self.status in self.ACTIVE and not self.stalled

    @property
    def silent_minutes(self) -> int:
        """How long it has been silent, for the page that says so."""
        last = self.heartbeat or getattr(self, self.started_field)
        return int((timezone.now() - last).total_seconds() // 60)


@contextmanager
def failure_recorded(model, pk: int, **cleared: str) -> Iterator[None]:
    """The work of a job's task: an unexpected error marks the job failed with its reason in
    French (``cleared``: fields emptied at the same time, such as a step) and is raised
    again for the worker's log. When even that record fails (the database is down), the
    job's page will say it went silent."""
    try:
        yield
    except Exception as exc:
        try:
            model.objects.filter(pk=pk).update(
                status="failed", error=f"Erreur inattendue : {exc}"[:5000], **cleared
            )
        except DatabaseError:
            logger.exception("%s %s: failure not recorded", model.__name__, pk)
        raise


def needs_relaunch(model: type[Job], *, now: dt.datetime | None = None) -> Q:
    """The jobs of ``model`` to relaunch, as a filter: failed, or queued or at work and
    silent for ``STALE_AFTER`` (``Job.stalled``, written for the database), asked for
    within ``RELAUNCH_WITHIN``."""
    now = now or timezone.now()
    started = model.started_field
    cutoff = now - STALE_AFTER
    silent = Q(heartbeat__lt=cutoff) | Q(heartbeat__isnull=True, **{f"{started}__lt": cutoff})
    recent = Q(**{f"{started}__gte": now - RELAUNCH_WITHIN})
    return recent & (Q(status="failed") | (silent & Q(status__in=model.ACTIVE)))
