"""Temporary files live in a private folder of the data directory, which the daily purge
empties of what a killed process left; a full disk fails an export with a French message
and leaves no file."""

import io
import os
import time

import pytest
from django.core.management import call_command

from barometre.core import deferred
from barometre.core.exporting import Column
from barometre.core.models import ExportFile
from tests.disk import files_under, full_disk

pytestmark = pytest.mark.django_db
SEEN = []


def observed_sheets():
    """Rows that look, halfway, at what the export has written in the private folder."""
    from django.conf import settings

    def rows():
        for number in range(20):
            if number == 10:
                SEEN.append(files_under(settings.BAROMETRE_TEMP_DIR))
            yield number

    return [("Lignes", [Column("n°", lambda n: n)], rows())]


def _export(operator):
    return ExportFile.objects.create(
        title="Essai",
        builder="tests.core.test_disk.observed_sheets",
        filename="essai.xlsx",
        requested_by=operator,
    )


def test_an_export_writes_its_temporary_files_in_the_private_folder(operator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BAROMETRE_TEMP_DIR = private = tmp_path / "tmp"
    SEEN.clear()
    export = deferred.build(_export(operator))
    assert export.status == "ready"
    assert SEEN[0], "nothing was written in the private folder"
    assert os.stat(private).st_mode & 0o777 == 0o700
    assert files_under(private) == []  # removed once the export is stored


def test_the_daily_purge_removes_what_a_killed_process_left(settings, tmp_path):
    settings.BAROMETRE_TEMP_DIR = private = tmp_path / "tmp"
    private.mkdir()
    left, current = private / "tmpkilled.xlsx", private / "tmpwriting.xlsx"
    left.write_bytes(b"audits")
    current.write_bytes(b"audits")
    twenty_minutes_ago = time.time() - 20 * 60
    os.utime(left, (twenty_minutes_ago, twenty_minutes_ago))
    call_command("anonymise_old_data", stdout=io.StringIO())
    assert files_under(private) == [current]


def test_a_full_disk_fails_the_export_in_french_and_leaves_no_file(operator, settings, tmp_path):
    media = full_disk(settings, tmp_path)
    export = deferred.build(_export(operator))
    assert export.status == "failed"
    assert export.error.startswith("espace disque insuffisant : l'export n'a pas été enregistré")
    assert not export.file
    assert files_under(media) == [] and files_under(tmp_path / "tmp") == []
