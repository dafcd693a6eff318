"""The registry's export builder moved from ``accounts`` to ``structures``: an export
queued before the upgrade is built by its new path."""

from django.db import migrations

OLD = "barometre.accounts.registry_export.registry_sheets"
NEW = "barometre.structures.registry_export.registry_sheets"


def forwards(apps, schema_editor):
    apps.get_model("core", "ExportFile").objects.filter(builder=OLD).update(builder=NEW)


def backwards(apps, schema_editor):
    apps.get_model("core", "ExportFile").objects.filter(builder=NEW).update(builder=OLD)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_background_export_files")]

    operations = [migrations.RunPython(forwards, backwards)]
