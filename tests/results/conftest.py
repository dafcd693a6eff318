# The results are computed from campaign data: reuse the campaign fixtures.
from tests.campaigns.conftest import edition, grid  # noqa: F401
from tests.campaigns.test_transfer import filled  # noqa: F401
