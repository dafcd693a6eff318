"""A structure's transparency page (Services Publics+ engagement 6), served to visitors
from the cache.

The page's key is read with the structure's profile in one query: the structure's
``updated_at`` (its name, its logo) and the profile's ``revision``, which moves whenever
the structure changes what else the page shows — its profile, its indicators, their
targets and entered values, its actions, its questionnaires (the receivers below). Every
server process then serves the new page at once. Figures computed from the day's activity
(register entries, survey answers, mystery calls) are not publication decisions: the page
is rebuilt from them at most ``LIVE_SECONDS`` later. Bulk writes, which send no signal,
show within the same delay."""

from django.db.models import F
from django.db.models.functions import Now
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from barometre.improvement.models import (
    Action,
    ImprovementProfile,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Questionnaire,
    SurveyItem,
)

LIVE_SECONDS = 60


def page_key(identifier: str, revision: int, structure_updated_at) -> str:
    # The values as the database driver gives them (a datetime, or text on SQLite).
    return f"transparency:{identifier}:{revision}:{structure_updated_at}"


def touch(**structure) -> None:
    """What the structure publishes changed: its pages get a new key."""
    ImprovementProfile.objects.filter(**structure).update(
        revision=F("revision") + 1, changed_at=Now()
    )


def _own_row_changed(sender, instance, **kwargs):
    touch(structure_id=instance.structure_id)


def _indicator_row_changed(sender, instance, **kwargs):
    touch(structure__in=Indicator.objects.filter(pk=instance.indicator_id).values("structure"))


def _question_changed(sender, instance, **kwargs):
    touch(
        structure__in=Questionnaire.objects.filter(pk=instance.questionnaire_id).values("structure")
    )


for _model, _handler in (
    (Indicator, _own_row_changed),
    (Action, _own_row_changed),
    (Questionnaire, _own_row_changed),
    (IndicatorTarget, _indicator_row_changed),
    (IndicatorValue, _indicator_row_changed),
    (SurveyItem, _question_changed),
):
    receiver([post_save, post_delete], sender=_model, dispatch_uid=f"transparency-{_model}")(
        _handler
    )
