"""The journal of sensitive actions: role changes, publication, exports, tokens."""

import pytest
from django.urls import reverse

from barometre.accounts.models import Membership, Role, SensitiveAction
from barometre.results.computing import publish, request_computation
from tests.campaigns.conftest import edition, grid  # noqa: F401
from tests.campaigns.test_transfer import filled  # noqa: F401

pytestmark = pytest.mark.django_db


def test_role_changes_made_by_an_operator_are_journaled(client_for, operator, no_role, structure_a):
    client = client_for(operator)
    url = reverse("admin:accounts_membership_add")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    client = client_for(operator)
    client.post(url, {"user": no_role.pk, "role": Role.MANAGER, "structure": structure_a.pk})
    granted = SensitiveAction.objects.get(kind="role_granted", detail__user=no_role.pk)
    assert granted.actor == operator and "Préfecture du Loiret" in granted.target
    Membership.objects.filter(user=no_role).delete()
    assert SensitiveAction.objects.filter(kind="role_revoked", detail__user=no_role.pk).exists()
    page = client.get(reverse("journal") + "?action=role_granted").content.decode()
    assert "Rôle attribué" in page and "Préfecture du Loiret" in page


def test_tokens_and_exports_are_journaled(client_for, manager_a, operator, edition):  # noqa: F811
    client_for(manager_a).post("/api/jetons/", {"op": "create", "name": "x", "scope": "read"})
    assert SensitiveAction.objects.get(kind="token_created").actor == manager_a
    client_for(operator).get(reverse("campaigns:edition_export", args=[edition.pk]))
    export = SensitiveAction.objects.get(kind="personal_export")
    assert export.actor == operator and export.detail["edition"] == edition.pk


def test_publication_is_journaled_once(filled, operator, settings):  # noqa: F811
    settings.BAROMETRE_PUBLICATION_MIN_RANKED_CATEGORIES = 0  # a one-structure edition
    result_set = request_computation(filled, by=operator)
    result_set.refresh_from_db()
    publish(result_set, by=operator)
    publish(result_set, by=operator)  # already published: nothing new
    entry = SensitiveAction.objects.get(kind="results_published")
    assert entry.actor == operator and entry.detail["version"] == 1


def test_a_users_memberships_are_read_once_and_forgotten_after_a_change(
    no_role, structure_a, django_assert_num_queries
):
    assert no_role.structure_ids() == set()
    with django_assert_num_queries(0):
        assert not no_role.is_operator and no_role.structure_ids("manager") == set()
    membership = Membership.objects.create(user=no_role, role=Role.MANAGER, structure=structure_a)
    assert no_role.structure_ids("manager") == {structure_a.pk}
    membership.delete()
    assert no_role.structure_ids() == set()
