"""Background work goes through Django's tasks API with the database backend."""

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus

from barometre.structures.models import Structure, StructureImport
from barometre.structures.tasks import apply_structure_import
from tests.structures.files import csv_bytes

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_task_is_queued_run_by_the_worker_and_its_result_stored(settings):
    settings.TASKS = DB_TASKS
    batch = StructureImport.objects.create(file_name="s.csv", content=csv_bytes())
    result = apply_structure_import.enqueue(batch.pk)
    assert result.status == TaskResultStatus.READY
    assert Structure.objects.count() == 0  # queued, not run

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"create": 3, "update": 0, "unchanged": 0}
    assert Structure.objects.count() == 3
    batch.refresh_from_db()
    assert batch.status == "done"
