"""The one rule of a job's task (``core.background.failure_recorded``): an unexpected error
marks the job failed in French and is raised again; when the database cannot even record
that, the error is logged and still raised."""

import logging

import pytest
from django.db import DatabaseError

from barometre.core.background import failure_recorded
from barometre.core.models import ExportFile

pytestmark = pytest.mark.django_db


@pytest.fixture
def export(operator):
    return ExportFile.objects.create(
        title="Export", builder="x.y", filename="f.xlsx", requested_by=operator, total=10
    )


def test_an_unexpected_error_fails_the_job_with_its_reason_and_is_raised_again(export):
    with pytest.raises(ZeroDivisionError), failure_recorded(ExportFile, export.pk):
        1 / 0  # noqa: B018 - the error of the work
    export.refresh_from_db()
    assert export.status == ExportFile.Status.FAILED
    assert export.error == "Erreur inattendue : division by zero"


def test_work_that_ends_well_is_left_as_it_wrote_itself(export):
    with failure_recorded(ExportFile, export.pk):
        ExportFile.objects.filter(pk=export.pk).update(status=ExportFile.Status.READY)
    export.refresh_from_db()
    assert export.status == ExportFile.Status.READY and export.error == ""


def test_a_failure_the_database_cannot_record_is_logged_and_raised(export, monkeypatch, caplog):
    def refused(self, **fields):
        raise DatabaseError("connexion perdue")

    monkeypatch.setattr("django.db.models.query.QuerySet.update", refused)
    with (
        caplog.at_level(logging.ERROR),
        pytest.raises(ValueError),
        failure_recorded(ExportFile, export.pk),
    ):
        raise ValueError("dans le travail")
    assert "ExportFile" in caplog.text and "failure not recorded" in caplog.text
