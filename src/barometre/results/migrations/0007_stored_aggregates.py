"""The aggregates of a result version are renamed ``stored_*`` in the code (read through
``results.publication`` only); their columns keep their names: nothing moves in the
database."""

from django.db import migrations, models


def _rename(old: str, new: str, field) -> list:
    return [
        migrations.RenameField("resultset", old, new),
        migrations.AlterField("resultset", new, field),
    ]


class Migration(migrations.Migration):
    dependencies = [("results", "0006_preview_erratum")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                *_rename(
                    "categories",
                    "stored_categories",
                    models.JSONField(default=list, db_column="categories"),
                ),
                *_rename(
                    "key_figures",
                    "stored_key_figures",
                    models.JSONField(default=list, db_column="key_figures"),
                ),
                *_rename(
                    "benchmarks",
                    "stored_benchmarks",
                    models.JSONField(
                        "moyennes de comparaison", default=dict, db_column="benchmarks"
                    ),
                ),
            ],
            database_operations=[],
        )
    ]
