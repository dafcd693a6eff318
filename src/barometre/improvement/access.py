"""Who works on a structure's continuous improvement: its managers and agents (who
write) and viewers (who read). Operators of the barometer do not see a structure's
register: it holds users' messages. Anyone else gets a 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from barometre.accounts.models import Role
from barometre.improvement.models import (
    CollectionPoint,
    FeedbackEntry,
    Questionnaire,
    SurveyMailing,
)
from barometre.structures.models import Structure

READ = (Role.MANAGER, Role.AGENT, Role.VIEWER)
WRITE = (Role.MANAGER, Role.AGENT)


def improvement_structures(user):
    return Structure.objects.filter(pk__in=user.structure_ids(*READ)).order_by("name")


def can_write(user, structure_id: int) -> bool:
    return structure_id in user.structure_ids(*WRITE)


def can_manage(user, structure_id: int) -> bool:
    return structure_id in user.structure_ids(Role.MANAGER)


def sees_personal_data(user, entry: FeedbackEntry) -> bool:
    """Who handles an entry sees the user's contact details and its texts as written: the
    structure's managers and the person it is assigned to. The rest of the team reads it
    masked (``register.masked``); see the guide, « Données personnelles »."""
    return can_manage(user, entry.structure_id) or (
        entry.assigned_to_id is not None and entry.assigned_to_id == user.pk
    )


def _check(user, structure_id: int, need: tuple) -> None:
    if structure_id not in user.structure_ids(*READ):
        raise Http404("Introuvable.")
    if need != READ and structure_id not in user.structure_ids(*need):
        raise PermissionDenied("Votre rôle dans cette structure ne permet pas cette action.")


def get_structure(user, pk: int, need: tuple = READ) -> Structure:
    _check(user, pk, need)
    return Structure.objects.get(pk=pk)


def get_entry(user, pk: int, need: tuple = READ) -> FeedbackEntry:
    entry = FeedbackEntry.objects.select_related("structure", "assigned_to").filter(pk=pk).first()
    if entry is None:
        raise Http404("Fiche introuvable.")
    _check(user, entry.structure_id, need)
    return entry


def get_questionnaire(user, pk: int, need: tuple = READ) -> Questionnaire:
    questionnaire = Questionnaire.objects.select_related("structure").filter(pk=pk).first()
    if questionnaire is None:
        raise Http404("Questionnaire introuvable.")
    _check(user, questionnaire.structure_id, need)
    return questionnaire


def get_point(user, pk: int, need: tuple = READ) -> CollectionPoint:
    point = (
        CollectionPoint.objects.select_related("structure", "questionnaire").filter(pk=pk).first()
    )
    if point is None:
        raise Http404("Point de collecte introuvable.")
    _check(user, point.structure_id, need)
    return point


def get_mailing(user, pk: int, need: tuple = READ) -> SurveyMailing:
    mailing = SurveyMailing.objects.select_related("questionnaire__structure").filter(pk=pk).first()
    if mailing is None:
        raise Http404("Envoi introuvable.")
    _check(user, mailing.questionnaire.structure_id, need)
    return mailing
