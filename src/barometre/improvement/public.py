"""Anti-abuse for the public forms, without tracking anyone: a honeypot field, a rate
limit per address counted on a keyed hash that changes every day (neither reversible nor
linkable from one day to the next), and one-time submission keys so that a double click
or a retry is stored once."""

import contextlib
import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone

from barometre.core.network import client_address
from barometre.improvement.models import PublicSubmission

HONEYPOT = "site_web"  # hidden from people by CSS, filled in by naive robots


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


def digest(request) -> str:
    day = timezone.localdate().isoformat()
    key = f"{settings.SECRET_KEY}|{day}".encode()
    return hmac.new(key, client_address(request).encode(), hashlib.sha256).hexdigest()


def mailbox(email: str) -> str:
    """The mailbox an address delivers to, for counting: one mailbox whatever the case,
    the quotes around its local part (``"cible"@``), a sub-address (``cible+1@``), an
    internationalised domain written in Unicode or in ASCII, or a final dot."""
    local, _, domain = email.strip().rpartition("@")
    local = local.strip()
    if len(local) >= 2 and local[0] == local[-1] == '"':
        local = re.sub(r"\\(.)", r"\1", local[1:-1])
    local = local.split("+", 1)[0]
    domain = domain.strip().rstrip(".").lower()
    with contextlib.suppress(UnicodeError):  # else not a domain: counted as written
        domain = domain.encode("idna").decode("ascii")
    return f"{local.lower()}@{domain}"


def recipient_digest(email: str) -> str:
    """A keyed hash of the mailbox of an e-mail address the platform writes to. Not daily:
    the limit on acknowledgements counts over a whole day."""
    key = f"{settings.SECRET_KEY}|recipient".encode()
    return hmac.new(key, mailbox(email).encode(), hashlib.sha256).hexdigest()


def _recording(key: str, limit: int | None, minutes: int) -> tuple[str, list]:
    """The statement that records one submission under this digest unless it already
    made ``limit`` in the last ``minutes``: it inserts one row when allowed, none when not.
    Check and record are one statement. (Two requests at the very same moment may still
    both take the last place: each statement counts what was committed when it started. A
    rate limit can afford that.)"""
    limit = limit or settings.BAROMETRE_PUBLIC_RATE_LIMIT
    now = timezone.now()
    table = connection.ops.quote_name(PublicSubmission._meta.db_table)
    at = connection.ops.adapt_datetimefield_value  # stored as the ORM stores it
    return (
        f"INSERT INTO {table} (digest, at) SELECT %s, %s WHERE (SELECT COUNT(*) FROM "  # noqa: S608 - table name from the model
        f"(SELECT 1 FROM {table} WHERE digest = %s AND at >= %s LIMIT %s) AS recent) < %s",
        [key, at(now), key, at(now - dt.timedelta(minutes=minutes)), limit, limit],
    )


def _forget_now_and_then() -> None:
    """Now and then (one allowed submission in a hundred), forget what is past the window."""
    if secrets.randbelow(100) == 0:
        PublicSubmission.objects.filter(at__lt=timezone.now() - dt.timedelta(days=1)).delete()


WINDOW_MINUTES = 10  # submissions are counted over this sliding window
# What a refused sender is told to wait (HTTP Retry-After): at most the window, after
# which its oldest counted submission no longer counts.
RETRY_AFTER = str(WINDOW_MINUTES * 60)


def with_retry_after[R: HttpResponse](response: R) -> R:
    """A 429 answer says when to try again."""
    if response.status_code == 429:
        response["Retry-After"] = RETRY_AFTER
    return response


def allow(request, *, limit: int | None = None, minutes: int = WINDOW_MINUTES) -> bool:
    """Record one submission from this address; False when it already made ``limit``
    submissions in the last ``minutes``."""
    return _allow(digest(request), limit, minutes)


def allow_acknowledgement(email: str) -> bool:
    """Record one acknowledgement to this address; False when it already got
    ``BAROMETRE_ACKNOWLEDGEMENTS_PER_ADDRESS`` in the last 24 hours, so that the public
    form cannot make the platform write to anyone at will. 0 sends none."""
    limit = settings.BAROMETRE_ACKNOWLEDGEMENTS_PER_ADDRESS
    return limit > 0 and _allow(recipient_digest(email), limit, 24 * 60)


def _allow(key: str, limit: int | None, minutes: int) -> bool:
    sql, params = _recording(key, limit, minutes)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        allowed = cursor.rowcount == 1
    if allowed:
        _forget_now_and_then()
    return allowed


def allow_and_select(
    request,
    select: str,
    params: list,
    *,
    limit: int | None = None,
    minutes: int = WINDOW_MINUTES,
) -> tuple[bool | None, list[tuple]]:
    """``allow`` and a query in one round trip: on PostgreSQL, the recording runs as a
    data-modifying ``WITH`` of the query, which always runs it, so the submission counts
    even when the query finds nothing; on SQLite, which has no such ``WITH``, one after the
    other. Returns (allowed, the query's rows); allowed is None when there are no rows."""
    if connection.vendor != "postgresql":
        allowed = allow(request, limit=limit, minutes=minutes)
        with connection.cursor() as cursor:
            cursor.execute(select, params)
            rows = cursor.fetchall()
        return (allowed if rows else None), rows
    sql, recording = _recording(digest(request), limit, minutes)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH recorded AS ({sql} RETURNING 1) "  # noqa: S608 - fixed SQL of this module and of the caller
            f"SELECT EXISTS (SELECT 1 FROM recorded), found.* FROM ({select}) AS found",
            [*recording, *params],
        )
        rows = cursor.fetchall()
    if not rows:
        return None, []
    if rows[0][0]:
        _forget_now_and_then()
    return rows[0][0], [row[1:] for row in rows]
