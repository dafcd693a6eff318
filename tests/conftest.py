"""Test personas reused everywhere: an operator, an auditor, and for two structures A and
B a manager, with an agent and a viewer of A, and a user with no role."""

import pytest

from barometre.accounts.models import Membership, Role, User
from barometre.structures.models import ContactPoint, Structure
from tests.redis_server import shared_cache  # noqa: F401 (a fixture)


@pytest.fixture
def structure_a(db):
    s = Structure.objects.create(
        name="Préfecture du Loiret",
        identifier="13000548700017",
        kind="state",
        department="45",
        city="Orléans",
    )
    ContactPoint.objects.create(structure=s, channel="phone", value="02 38 81 40 00")
    return s


@pytest.fixture
def structure_b(db):
    return Structure.objects.create(
        name="Ville de Metz",
        identifier="57463",
        kind="commune",
        department="57",
        population=121_000,
        city="Metz",
    )


def _user(username: str, role: str | None = None, structure=None) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username)
    if role:
        Membership.objects.create(user=user, role=role, structure=structure)
    return user


@pytest.fixture
def operator(db):
    return _user("olivia", Role.OPERATOR)


@pytest.fixture
def auditor(db):
    return _user("elie", Role.AUDITOR)


@pytest.fixture
def manager_a(structure_a):
    return _user("magali", Role.MANAGER, structure_a)


@pytest.fixture
def manager_b(structure_b):
    return _user("sophie", Role.MANAGER, structure_b)


@pytest.fixture
def agent_a(structure_a):
    return _user("antoine", Role.AGENT, structure_a)


@pytest.fixture
def viewer_a(structure_a):
    return _user("claire", Role.VIEWER, structure_a)


@pytest.fixture
def no_role(db):
    return _user("nobody")


@pytest.fixture
def personas(operator, auditor, manager_a, manager_b, agent_a, viewer_a, no_role):
    return {
        "anonymous": None,
        "operator": operator,
        "auditor": auditor,
        "manager_a": manager_a,
        "manager_b": manager_b,
        "agent_a": agent_a,
        "viewer_a": viewer_a,
        "no_role": no_role,
    }


@pytest.fixture
def client_for(client):
    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (ids are reused between tests)."""
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(items):
    """Tests that drive Chromium carry the ``browser`` marker, so that a developer can
    leave them out locally (``make test-fast``); CI runs everything."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) or "chromium" in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.browser)
