import pytest

# The results are computed from campaign data: reuse the campaign fixtures.
from tests.campaigns.conftest import edition, grid  # noqa: F401
from tests.campaigns.test_transfer import filled  # noqa: F401
from tests.results.test_palmares import ranked  # noqa: F401
from tests.samples import fabricate_result_set


@pytest.fixture
def fabricate(edition, operator):  # noqa: F811
    """A computed result set of ``n`` structures built directly in the database: what
    query-count tests need whatever the size of the edition."""
    return lambda n, **kw: fabricate_result_set(edition, n, by=operator, **kw)


@pytest.fixture
def computed(filled, operator):  # noqa: F811
    """The small edition computed (draft version 1)."""
    from barometre.results.computing import request_computation

    result_set = request_computation(filled, by=operator)
    result_set.refresh_from_db()
    return result_set


@pytest.fixture(autouse=True)
def thin_editions_publishable(request, settings):
    """Most tests here publish editions of one to five structures to test what publishing
    does: the minimum a national edition needs to be published (settings
    ``BAROMETRE_PUBLICATION_MIN_*``) is lifted for them. Its own tests
    (``test_publication_minimums.py``) are marked ``publication_minimums`` and keep it."""
    if request.node.get_closest_marker("publication_minimums"):
        return
    settings.BAROMETRE_PUBLICATION_MIN_RANKED_CATEGORIES = 0
    settings.BAROMETRE_PUBLICATION_MIN_AUDITS_DONE = 0
