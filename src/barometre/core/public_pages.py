"""Public pages served whole from the cache to visitors who are not logged in.

A visitor's page holds nothing personal (no name in the header, no CSRF token, no
message), so every visitor gets the same bytes. The caller builds the cache key from one
cheap query that names what the page shows (a result version and when it was published,
when a structure last changed what it publishes): a change gives a new key, so every
server process serves the new page at once, while the cache itself may be each process's
own memory. Logged-in users, and a visitor with a message to show, get a fresh render.

Visitors' answers can be kept by browsers and by the load balancer's cache: they carry an
``ETag`` (a digest of the page's bytes, so it changes with the version the key names, with
a correction or a rename) and ``Cache-Control: public`` for a few seconds
(``BAROMETRE_PUBLIC_MAX_AGE``) with ``stale-while-revalidate``; a request that sends the
current ``ETag`` back in ``If-None-Match`` gets a 304 without the page. Logged-in answers
are ``private`` and vary on the cookie, so no shared cache ever hands them to anyone else."""

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.text import compress_string

_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def for_visitors(
    request, key: str | Callable[[], str], render_page: Callable[[], HttpResponse], *, seconds: int
) -> HttpResponse:
    """``render_page()`` for a logged-in user; for a visitor, its bytes from the cache
    under ``key`` (or ``key()``, read for visitors only; built once, kept ``seconds``)."""
    if request.user.is_authenticated or len(get_messages(request)):
        return private(render_page())
    if callable(key):
        key = key()
    # Hashed: the values read from the database may hold spaces (a datetime as text).
    key = "visitor:" + hashlib.sha256(key.encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        response = render_page()
        if response.status_code != 200:
            return private(response)
        content = response.content
        cached = (content, compress_string(content), content_etag(content))
        cache.set(key, cached, seconds)
    content, compressed, etag = cached
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return for_everyone(not_modified, etag)
    if _ACCEPTS_GZIP.search(request.headers.get("accept-encoding", "")):
        response = HttpResponse(compressed)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(content)
    return for_everyone(response, etag)


def content_etag(content: bytes | str) -> str:
    """A weak validator of a page's bytes: the same for its gzip and plain forms, which
    ``Vary: Accept-Encoding`` tells apart."""
    data = content.encode() if isinstance(content, str) else content
    return f'W/"{hashlib.sha256(data).hexdigest()[:32]}"'


def for_everyone(response: HttpResponse, etag: str) -> HttpResponse:
    """The headers of an answer every visitor gets alike: its validator, and how long a
    browser or a shared cache may keep it before asking again (a 304 when unchanged)."""
    response["ETag"] = etag
    kept = {"stale_while_revalidate": settings.BAROMETRE_PUBLIC_STALE_SECONDS}
    if not settings.BAROMETRE_PUBLIC_MAX_AGE:
        # Asked again at every visit (a 304 while unchanged): a publication shows at once.
        kept = {"must_revalidate": True}
    patch_cache_control(response, public=True, max_age=settings.BAROMETRE_PUBLIC_MAX_AGE, **kept)
    # The same address answers a logged-in user with a private page: a shared cache
    # keeps the visitors' copy apart from theirs.
    patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
    return response


def private(response: HttpResponse) -> HttpResponse:
    """An answer made for one person (a logged-in user, a visitor's message): never kept
    by a shared cache, asked again by the browser each time."""
    if isinstance(response, HttpResponseNotModified) or response.streaming:
        return response
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response


def visitor_download(request, response: HttpResponse, etag: str) -> HttpResponse:
    """A public file (open data) the same for everyone: a 304 when the visitor holds the
    current ``etag``, otherwise ``response`` with the visitors' headers."""
    if request.user.is_authenticated:
        return private(response)
    not_modified = get_conditional_response(request, etag=etag)
    return for_everyone(not_modified or response, etag)


class KeyQuery:
    """The one query a visitor's request runs, compiled to SQL once per process.

    Building a query through the ORM costs several times what PostgreSQL takes to answer
    it (measured on the public synthesis: about four fifths of a cached page's time went to
    compiling its lookup). ``build(*placeholders)`` returns the queryset (a ``values_list``
    of what the key needs); it is compiled once with placeholder values, and each call runs
    that SQL with the request's values in their places. Returns the first row, or None."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *kinds: type):
        self.build = build
        self.kinds = kinds
        # The SQL, and each parameter's slot (its index in ``values``) or the value the
        # ORM compiled into it.
        self.compiled: tuple[str, list[tuple[int | None, Any]]] | None = None

    def _placeholders(self) -> list[int | str]:
        return [
            -(10**15) - i if kind is int else f"\x1fplaceholder-{i}\x1f"
            for i, kind in enumerate(self.kinds)
        ]

    def __call__(self, *values: int | str) -> tuple[Any, ...] | None:
        from django.db import connection

        if self.compiled is None:
            marks = self._placeholders()
            sql, marked = self.build(*marks).query.sql_with_params()
            slots = [marks.index(p) if p in marks else None for p in marked]
            self.compiled = (sql, list(zip(slots, marked, strict=True)))
        sql, parameters = self.compiled
        params = [values[s] if s is not None else p for s, p in parameters]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
