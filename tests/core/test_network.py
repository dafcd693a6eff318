"""The login throttling and the public forms' rate limit count the same client address."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from barometre.core.network import client_address


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "203.0.113.5"}, "203.0.113.5"),
        (0, {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.5"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "203.0.113.5"),
        # The client wrote the left-most entry; the proxy appended the right-most one.
        (
            1,
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5"},
            "203.0.113.5",
        ),
        (
            2,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5, 10.0.0.1"},
            "203.0.113.5",
        ),
        # Behind a proxy, a request without the header (a health check) keeps the connection's.
        (1, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
    ],
)
def test_axes_and_the_rate_limit_read_the_same_address(settings, proxies, meta, expected):
    settings.BAROMETRE_PROXY_COUNT = proxies
    request = RequestFactory().get("/", **meta)
    assert client_address(request) == expected
    assert get_client_ip_address(request) == expected
