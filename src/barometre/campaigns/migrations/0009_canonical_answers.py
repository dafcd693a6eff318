"""Stored audit answers in the canonical form every road now stores (issue 31): ``NON``
written through the API becomes ``non``, a level typed ``GOOD`` in a file becomes ``good``,
a share ``0.53`` written by the demo becomes ``53 %``. Answers the engine cannot read are
left as they were (the validation desk reports them)."""

from django.db import migrations


def canonicalise(apps, schema_editor):
    from barometre.campaigns.workflow import canonicalise_stored_answers

    changed, unreadable = canonicalise_stored_answers(
        apps.get_model("campaigns", "Answer"), apps.get_model("campaigns", "Edition")
    )
    if changed or unreadable:
        print(  # noqa: T201 - what an operator reads in the migrate output
            f"\n  réponses d'audit réécrites sous leur forme canonique : {changed} ; "
            f"illisibles, laissées telles quelles : {unreadable}"
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0008_french_labels")]

    operations = [migrations.RunPython(canonicalise, migrations.RunPython.noop, elidable=True)]
