"""The public survey's write path in SQL (``surveys.receive`` and ``surveys.submit``):
the rows it writes are the rows the models describe, on SQLite and on PostgreSQL."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.test import RequestFactory

from barometre.core.errors import Refused
from barometre.improvement import surveys
from barometre.improvement.models import (
    CollectionPoint,
    ItemAnswer,
    Questionnaire,
    SurveyInvitation,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


def open_target(token: str) -> surveys.SurveyTarget | None:
    """The survey a public submission to this link reads (the rate limit counts it too)."""
    return surveys.receive(RequestFactory().post("/"), token)[0]


def test_the_target_of_a_point_is_read_with_its_items(point, questionnaire):
    target = open_target(point.token)
    items = {item.code: (item.pk, item.label) for item in questionnaire.items.all()}
    assert target == surveys.SurveyTarget(questionnaire.pk, point.pk, questionnaire.scale, items)
    assert len(items) >= 5 and target.allowed == set(range(1, 11))
    assert open_target("inconnu") is None


def test_no_target_when_the_point_or_its_survey_is_closed(point, questionnaire, structure_a):
    CollectionPoint.objects.filter(pk=point.pk).update(active=False)
    assert open_target(point.token) is None
    CollectionPoint.objects.filter(pk=point.pk).update(active=True)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(active=False)
    assert open_target(point.token) is None
    no_survey = CollectionPoint.objects.create(structure=structure_a, label="Guichet")
    assert open_target(no_survey.token) is None


@time_machine.travel(NOW, tick=False)
def test_the_rows_written_are_those_of_the_models(point, questionnaire, manager_a):
    answers = {"overall": 8, "courtesy": 10, "digital_desk": None}
    stored, created = surveys.submit(
        open_target(point.token),
        answers,
        submission_key="cle-publique-01",
        comment="  Rappelez-moi au 06 11 22 33 44 ; merci  ",
    )
    response = SurveyResponse.objects.get(pk=stored)
    assert created is True
    assert (
        response.questionnaire,
        response.point,
        response.answered_on,
        response.source,
        response.submission_key,
        response.entered_by,
    ) == (questionnaire, point, dt.date(2026, 11, 23), "web", "cle-publique-01", None)
    assert response.comment == "Rappelez-moi au [téléphone masqué] ; merci"
    assert response.created_at == NOW
    written = {a.item.code: a.value for a in response.answers.select_related("item")}
    assert written == answers
    # Paper entry by an agent, through the questionnaire: the same function, its fields.
    paper, _ = surveys.submit(
        questionnaire, {"overall": 3}, answered_on=dt.date(2026, 3, 2), source="paper", by=manager_a
    )
    paper = SurveyResponse.objects.get(pk=paper)
    assert (paper.point, paper.source, paper.entered_by, paper.submission_key) == (
        None,
        "paper",
        manager_a,
        "",
    )
    assert list(paper.answers.values_list("value", flat=True)) == [3]


def test_a_comment_alone_is_stored_without_answers(point):
    stored, created = surveys.submit(open_target(point.token), {}, comment="Parking trop petit")
    assert created and ItemAnswer.objects.filter(response_id=stored).count() == 0
    assert SurveyResponse.objects.get(pk=stored).comment == "Parking trop petit"


def test_a_key_sent_again_is_stored_once(point):
    target = open_target(point.token)
    first = surveys.submit(target, {"overall": 9}, submission_key="cle-double-clic")
    again = surveys.submit(target, {"overall": 9}, submission_key="cle-double-clic")
    assert first == (first[0], True) and again == (first[0], False)
    assert SurveyResponse.objects.count() == 1 and ItemAnswer.objects.count() == 1
    with pytest.raises(Refused, match="question inconnue « couleur »"):
        surveys.submit(target, {"couleur": 3}, submission_key="cle-autre")
    assert SurveyResponse.objects.count() == 1


def test_a_single_use_link_is_spent_once(questionnaire):
    invitation = SurveyInvitation.objects.create(questionnaire=questionnaire, token="lien-unique")
    stored, created = surveys.submit(
        questionnaire, {"overall": 7}, submission_key="cle-lien", invitation=invitation
    )
    assert created and SurveyInvitation.objects.get(pk=invitation.pk).used_at is not None
    assert surveys.submit(
        questionnaire, {"overall": 7}, submission_key="cle-lien", invitation=invitation
    ) == (stored, False)
    with pytest.raises(Refused, match="déjà servi"):
        surveys.submit(
            questionnaire, {"overall": 2}, submission_key="cle-autre", invitation=invitation
        )
    assert SurveyResponse.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_key_at_the_same_moment_is_stored_once(point):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time: nothing concurrent to check there")
    target = open_target(point.token)
    barrier, results, errors = threading.Barrier(8), [], []

    def send():
        try:
            barrier.wait()
            results.append(surveys.submit(target, {"overall": 6}, submission_key="cle-course"))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {stored for stored, _ in results} == set(
        SurveyResponse.objects.values_list("pk", flat=True)
    )
    assert sorted(created for _, created in results) == [False] * 7 + [True]
    assert ItemAnswer.objects.count() == 1


def test_a_public_submission_is_counted_and_its_target_read_together(point, rf, settings):
    settings.BAROMETRE_PUBLIC_RATE_LIMIT = 3
    request = rf.post("/", REMOTE_ADDR="192.0.2.10")
    target, allowed = surveys.receive(request, point.token)
    assert target == open_target(point.token) and allowed is True
    # Links tried at random count too, and then the real one is refused.
    assert surveys.receive(request, "devine-1") == (None, False)
    assert surveys.receive(request, "devine-2") == (None, False)
    target, allowed = surveys.receive(request, point.token)
    assert target is not None and allowed is False
    # Another address is not affected.
    assert surveys.receive(rf.post("/", REMOTE_ADDR="192.0.2.11"), point.token)[1] is True
