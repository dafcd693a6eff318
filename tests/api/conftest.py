import pytest
from django.test import Client

from barometre.api.models import ApiToken


@pytest.fixture
def api_client():
    """A client calling the API with a personal token of ``user`` (None: no token)."""

    def make(user=None, scope="write"):
        client = Client()
        if user is None:
            return client
        _, key = ApiToken.issue(user, "test", scope)
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return make


# Audits come from the campaign fixtures.
from tests.campaigns.conftest import (  # noqa: E402, F401
    edition,
    email_task,
    grid,
    in_fieldwork,
    phone_task,
    second_auditor,
)
