# An edition in fieldwork, for the labels counted on its last day (test_labels.py).
from tests.campaigns.conftest import (  # noqa: F401
    edition,
    grid,
    in_fieldwork,
    second_auditor,
)
