"""Visitors' public pages can be kept by browsers and by the load balancer's cache: an
ETag that follows the published version, a short public Cache-Control with
stale-while-revalidate, 304 on a conditional request; logged-in answers stay private."""

import pytest
from django.urls import reverse

from barometre.results.computing import publish, request_computation
from barometre.structures.models import Structure

pytestmark = pytest.mark.django_db

ERRATUM = "Un audit de Metz était compté deux fois."
PAGES = ["results:synthesis", "results:public_palmares", "results:open_data"]


def _computed(edition, operator):
    result_set = request_computation(edition, by=operator)
    result_set.refresh_from_db()
    return result_set


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


@pytest.fixture
def published(filled, operator):
    publish(_computed(filled, operator), by=operator)
    return filled


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_gets_a_validator_and_a_short_public_cache_control(
    page, published, client_for, settings
):
    settings.BAROMETRE_PUBLIC_MAX_AGE = 10
    settings.BAROMETRE_PUBLIC_STALE_SECONDS = 30
    response = client_for(None).get(reverse(page, args=[published.pk]))
    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert control == {"public", "max-age=10", "stale-while-revalidate=30"}
    assert {"cookie", "accept-encoding"} <= _vary(response)
    assert not response.cookies  # a shared cache must never keep a cookie


@pytest.mark.parametrize("page", PAGES)
def test_by_default_every_visit_revalidates_so_a_publication_shows_at_once(
    page, published, client_for
):
    response = client_for(None).get(reverse(page, args=[published.pk]))
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert control == {"public", "max-age=0", "must-revalidate"}


@pytest.mark.parametrize("page", PAGES)
def test_a_conditional_request_with_the_current_etag_gets_304(page, published, client_for):
    url = reverse(page, args=[published.pk])
    visitor = client_for(None)
    etag = visitor.get(url)["ETag"]
    again = visitor.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and "public" in again["Cache-Control"]
    # Another validator (an older version's): the whole page.
    other = visitor.get(url, headers={"if-none-match": 'W/"0123"'})
    assert other.status_code == 200 and other["ETag"] == etag


@pytest.mark.parametrize("page", PAGES)
def test_the_etag_changes_at_once_with_a_correction(page, published, operator, client_for):
    url = reverse(page, args=[published.pk])
    visitor = client_for(None)
    before = visitor.get(url)["ETag"]
    correction = _computed(published, operator)
    # Computed only: visitors still read the published version, with the same validator.
    assert visitor.get(url, headers={"if-none-match": before}).status_code == 304
    publish(correction, by=operator, erratum=ERRATUM)
    after = visitor.get(url, headers={"if-none-match": before})
    assert after.status_code == 200 and after["ETag"] != before


def test_the_etag_changes_at_once_with_a_rename(ranked, operator, client_for):
    publish(ranked, by=operator)
    url = reverse("results:public_palmares", args=[ranked.edition_id])
    visitor = client_for(None)
    before = visitor.get(url)
    assert "Ville A" in before.content.decode()
    town = Structure.objects.get(name="Ville A")
    town.name = "Ville A-sur-Loire"
    town.save()
    after = visitor.get(url, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "Ville A-sur-Loire" in after.content.decode()


def test_the_validator_is_the_same_in_every_process(published, client_for):
    """Each web process may render the page into its own memory: the bytes, hence the
    ETag, do not depend on which process rendered them."""
    from django.core.cache import cache

    url = reverse("results:synthesis", args=[published.pk])
    first = client_for(None).get(url)["ETag"]
    cache.clear()  # as another process, which has not rendered it yet
    assert client_for(None).get(url)["ETag"] == first


@pytest.mark.parametrize("page", PAGES)
def test_a_logged_in_answer_is_private_and_never_304(page, published, operator, client_for):
    url = reverse(page, args=[published.pk])
    etag = client_for(None).get(url)["ETag"]
    response = client_for(operator).get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "cookie" in _vary(response)
    assert "ETag" not in response


def test_the_home_is_public_for_visitors_and_private_for_users(published, operator, client_for):
    visitor = client_for(None).get("/")
    assert "public" in visitor["Cache-Control"] and visitor["ETag"]
    assert {"cookie", "accept-encoding"} <= _vary(visitor)
    assert client_for(None).get("/", headers={"if-none-match": visitor["ETag"]}).status_code == 304
    user = client_for(operator).get("/")
    assert "private" in user["Cache-Control"] and "cookie" in _vary(user)
    assert "ETag" not in user
