"""Public pages served whole from the cache to visitors who are not logged in.

A visitor's page holds nothing personal (no name in the header, no CSRF token, no
message), so every visitor gets the same bytes. The caller builds the cache key from one
cheap query that names what the page shows (a result version and when it was published,
when a structure last changed what it publishes): a change gives a new key, so every
server process serves the new page at once, while the cache itself may be each process's
own memory. Logged-in users, and a visitor with a message to show, get a fresh render."""

from collections.abc import Callable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse


def for_visitors(
    request, key: str, render_page: Callable[[], HttpResponse], *, seconds: int
) -> HttpResponse:
    """``render_page()`` for a logged-in user; for a visitor, its bytes from the cache
    under ``key`` (built once, kept ``seconds``)."""
    if request.user.is_authenticated or len(get_messages(request)):
        return render_page()
    content = cache.get(key)
    if content is None:
        response = render_page()
        if response.status_code != 200:
            return response
        content = response.content
        cache.set(key, content, seconds)
    return HttpResponse(content)
