"""A report batch on a full disk fails with a French message and leaves no file."""

import pytest

from barometre.results.batches import request_batch
from tests.disk import files_under, full_disk

pytestmark = pytest.mark.django_db


def test_a_full_disk_fails_the_batch_in_french_and_leaves_no_file(computed, settings, tmp_path):
    media = full_disk(settings, tmp_path)
    settings.BAROMETRE_REPORT_PROCESSES = 1
    batch = request_batch(computed, by=computed.requested_by)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert batch.error.startswith("espace disque insuffisant : le lot n'a pas été enregistré")
    assert not batch.file
    assert files_under(media) == [] and files_under(tmp_path / "tmp") == []
