"""The survey results page keeps its counts and comment themes in the cache, brought up
to date with the responses added since: the figures are those of a full count, a new
answer shows at once, and the page runs as many queries whatever the volume."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from barometre.improvement import retention, surveys
from barometre.improvement.models import ItemAnswer, SurveyResponse

pytestmark = pytest.mark.django_db


def _figures(rows) -> list[tuple]:
    return [(r.item.code, r.answers, r.satisfied, r.very_satisfied, r.interval) for r in rows]


def _uncached(questionnaire, start, end) -> list[tuple]:
    cache.clear()
    return _figures(surveys.results(questionnaire, start, end))


def _page(client, url) -> str:
    """The page without what changes with every request (the CSRF token)."""
    text = client.get(url).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def _counted(client, url) -> tuple[str, int]:
    """The page and its number of queries. The log is emptied first: the request empties
    it when it starts, which would shift what CaptureQueriesContext slices."""
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        text = _page(client, url)
    return text, len(queries)


COMMENTS = [
    "Accueil très aimable au guichet",
    "Trop d'attente au guichet ce matin",
    "Horaires du guichet pas adaptés",
    "Site internet difficile, horaires introuvables",
]


def _submit(questionnaire, i: int, day: dt.date) -> int:
    stored, _ = surveys.submit(
        questionnaire,
        {"overall": 1 + i % 10, "courtesy": 1 + (3 * i) % 10},
        comment=f"{COMMENTS[i % 4]} (numéro {i})",
        answered_on=day,
    )
    return stored


def test_cached_counts_equal_a_full_count_after_additions_and_deletions(questionnaire):
    today = dt.date.today()
    start, end = dt.date(today.year, 1, 1), today
    for i in range(6):
        _submit(questionnaire, i, today)
    first = surveys.period_results(questionnaire, start, end)
    assert first.responses == 6
    for i in range(6, 11):  # added: only the new responses are counted
        _submit(questionnaire, i, today)
    added = surveys.period_results(questionnaire, start, end)
    assert added.responses == 11
    assert _figures(added.items) != _figures(first.items)
    expected = _uncached(questionnaire, start, end)
    assert _figures(added.items) == expected
    surveys.period_results(questionnaire, start, end)  # cached again
    SurveyResponse.objects.filter(questionnaire=questionnaire).order_by("id").first().delete()
    deleted = surveys.period_results(questionnaire, start, end)
    assert deleted.responses == 10
    assert _figures(deleted.items) == _uncached(questionnaire, start, end)


def test_the_current_year_of_the_yearly_table_shows_a_new_answer_at_once(questionnaire):
    today = dt.date.today()
    year = today.year
    _submit(questionnaire, 8, today)
    table = surveys.results_by_year(questionnaire, [year - 1, year])
    (before,) = [r for r in table[year] if r.item.code == "overall"]
    assert before.answers == 1
    _submit(questionnaire, 2, today)
    table = surveys.results_by_year(questionnaire, [year - 1, year])
    (after,) = [r for r in table[year] if r.item.code == "overall"]
    assert (after.answers, after.satisfied) == (2, 1)
    cache.clear()
    fresh = surveys.results_by_year(questionnaire, [year - 1, year])
    assert _figures(fresh[year]) == _figures(table[year])


def test_the_page_shows_a_new_answer_at_once_with_the_same_queries(
    client_for, manager_a, questionnaire
):
    today = dt.date.today()
    for i in range(10):
        _submit(questionnaire, i, today)
    client = client_for(manager_a)
    url = reverse("improvement:questionnaire", args=[questionnaire.pk])
    cache.clear()
    cold = _page(client, url)
    warm, warm_few = _counted(client, url)
    assert warm == cold  # the cached figures and themes are the same
    _submit(questionnaire, 10, today)
    page, after_answer = _counted(client, url)
    assert "(numéro 10)" in page  # the new comment
    cache.clear()
    assert _page(client, url) == page  # what a full count shows
    for i in range(11, 40):
        _submit(questionnaire, i, today)
    client.get(url)
    assert _counted(client, url)[1] == warm_few
    # the new answers counted for the period and for the current year, the comments themed
    assert after_answer == warm_few + 3


def test_themes_are_computed_again_after_a_new_response_or_an_erasure(questionnaire, settings):
    today = dt.date.today()
    start, end = today - dt.timedelta(days=settings.BAROMETRE_RETENTION_DAYS + 30), today
    old = today - dt.timedelta(days=settings.BAROMETRE_RETENTION_DAYS + 10)
    for i in range(12):
        _submit(questionnaire, i, old if i < 4 else today)
    themes = surveys.themes(questionnaire, start, end)
    assert themes
    with CaptureQueriesContext(connection) as queries:
        assert surveys.themes(questionnaire, start, end) == themes
    assert len(queries) == 2  # the period's version, the comments kept, then the cache
    _submit(questionnaire, 12, today)
    with CaptureQueriesContext(connection) as queries:
        surveys.themes(questionnaire, start, end)
    assert len(queries) == 3  # and the comments: computed again
    assert retention.anonymise()["comments"] == 4  # as another process would
    erased = surveys.themes(questionnaire, start, end)
    examples = [text for _, texts in erased for text in texts]
    assert not any(f"(numéro {i})" in text for i in range(4) for text in examples)
    cache.clear()
    assert surveys.themes(questionnaire, start, end) == erased


def test_a_deletion_and_a_response_committed_late_under_a_lower_id_count_again(questionnaire):
    """Two responses submitted at once may commit in the other order: the one with the
    lower id appears after the higher was counted. With a deletion in between, the number
    and the highest id are the same; the sum of the ids is not."""
    today = dt.date.today()
    start, end = dt.date(today.year, 1, 1), today
    ids = [_submit(questionnaire, i, today) for i in (9, 9, 9, 9)]
    late = SurveyResponse.objects.get(pk=ids[1])
    answers = [(a.item_id, a.value) for a in late.answers.all()]
    late.delete()  # its id is free, lower than the highest
    counted = surveys.period_results(questionnaire, start, end)
    SurveyResponse.objects.filter(pk=ids[0]).delete()
    committed = SurveyResponse.objects.create(
        pk=ids[1], questionnaire=questionnaire, answered_on=today, comment="Tard"
    )
    ItemAnswer.objects.bulk_create(
        ItemAnswer(response=committed, item_id=item, value=1 if value else None)
        for item, value in answers
    )
    again = surveys.period_results(questionnaire, start, end)
    assert (again.responses, again.version[1]) == (counted.responses, counted.version[1])
    assert _figures(again.items) != _figures(counted.items)
    assert _figures(again.items) == _uncached(questionnaire, start, end)
