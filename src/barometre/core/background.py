"""Background work that shows no sign of life: a worker killed mid-task (deployment,
out of memory) leaves its record « en cours » forever. Every long task records a
heartbeat; one silent for STALE_AFTER was killed and may be requested again."""

import datetime as dt

from django.utils import timezone

STALE_AFTER = dt.timedelta(minutes=15)


def stale(requested_at, heartbeat) -> bool:
    """True when background work shows no sign of life for STALE_AFTER (worker killed)."""
    return (heartbeat or requested_at) < timezone.now() - STALE_AFTER
