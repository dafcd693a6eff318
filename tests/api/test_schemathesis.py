"""Schemathesis against a live server: generated requests for every operation, with an
operator's read-write token, for a bounded number of examples. No server error, and
every response matches the schema the API publishes."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from barometre.api.models import ApiToken
from barometre.improvement import surveys
from barometre.improvement.models import CollectionPoint

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLES = 40  # per operation: bounded time in CI (under a minute in all)


@pytest.fixture
def api_key(operator, structure_a, manager_a):
    questionnaire = surveys.create_from_template(structure_a)
    CollectionPoint.objects.create(
        structure=structure_a, label="Accueil", questionnaire=questionnaire
    )
    return ApiToken.issue(operator, "schemathesis", "write")[1]


def test_api_has_no_server_error_and_follows_its_schema(live_server, api_key, settings):
    settings.BAROMETRE_PUBLIC_RATE_LIMIT = 10**6
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {api_key}"}
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings_(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            checks = [
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ]
            case.call_and_validate(headers=headers, checks=checks)

        check()
        tested.append(operation.label)
    assert len(tested) >= 15, tested
