"""The client's address, read the same way by the login throttling (django-axes) and the
public forms' rate limit."""

from django.conf import settings


def client_address(request) -> str:
    """The right-most address that no trusted proxy added: behind ``BAROMETRE_PROXY_COUNT``
    reverse proxies, the one the outermost proxy appended to ``X-Forwarded-For``. The
    left-most entries are whatever the client chose to send, so they are never trusted.
    Without proxies (or without the header), the connection's address."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = settings.BAROMETRE_PROXY_COUNT
    if hops and forwarded:
        parts = [p.strip() for p in forwarded.split(",")]
        if len(parts) >= hops and parts[-hops]:
            return parts[-hops]
    return request.META.get("REMOTE_ADDR", "")
