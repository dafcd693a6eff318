"""One annual review prints one satisfaction rate per question: its satisfaction section
and its quality dashboard read the same questionnaire (``surveys.reference_questionnaire``),
and the dashboard's cells take their figure and small-sample treatment from
``core.figures.Figure``."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from barometre.improvement import annual, dashboard, surveys
from barometre.improvement.models import ImprovementProfile, Indicator, Questionnaire

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def two_questionnaires(structure_a):
    """The published questionnaire (40 satisfied of 40) and a newer one holding the same
    item code (2 answers, none satisfied), as the review that printed 100 % and 0 %."""
    with time_machine.travel(dt.datetime(2022, 1, 3, 9, tzinfo=dt.UTC), tick=False):
        published = surveys.create_from_template(structure_a, title="Accueil")
    with time_machine.travel(dt.datetime(2022, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        newer = surveys.create_from_template(structure_a, title="Standard téléphonique")
    with time_machine.travel(dt.datetime(2023, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        for _ in range(40):
            surveys.submit(published, {"overall": 9}, answered_on=D(2022, 10, 3))
        for _ in range(2):
            surveys.submit(newer, {"overall": 1}, answered_on=D(2022, 10, 4))
    ImprovementProfile.objects.create(structure=structure_a, publish_survey=published)
    Indicator.objects.create(
        structure=structure_a,
        code="satisfaction",
        label="Satisfaction générale",
        source="survey",
        parameter="overall",
    )
    return published, newer


@time_machine.travel(dt.datetime(2023, 1, 20, 9, tzinfo=dt.UTC), tick=False)
def test_the_review_reads_one_questionnaire_for_its_section_and_its_dashboard(
    two_questionnaires, structure_a, client_for, manager_a
):
    published, _ = two_questionnaires
    assert surveys.reference_questionnaire(structure_a, "overall") == published
    review = annual.annual_review(structure_a, 2022)
    assert review.questionnaire == published
    (row,) = review.dashboard
    cell = row.cells[-1]  # 2022
    assert (review.overall.figure.numerator, review.overall.figure.n) == (40, 40)
    assert (cell.numerator, cell.n, cell.value) == (40, 40, 100.0)
    assert cell.figure.value == review.overall.figure.value
    page = client_for(manager_a).get(reverse("improvement:review", args=[structure_a.pk, 2022]))
    text = " ".join(page.content.decode().split())
    assert "100 % de satisfaits" in text and "(40 / 40 réponses" in text
    assert not re.search(r"(?<![\d,])0,0 %", text) and "0 / 2 réponses" not in text


@time_machine.travel(dt.datetime(2023, 1, 20, 9, tzinfo=dt.UTC), tick=False)
def test_without_the_item_the_newest_questionnaire_holding_it_is_read(
    two_questionnaires, structure_a
):
    published, newer = two_questionnaires
    published.items.filter(code="overall").delete()
    assert surveys.reference_questionnaire(structure_a, "overall") == newer
    assert surveys.reference_questionnaire(structure_a) == published
    ImprovementProfile.objects.filter(structure=structure_a).update(publish_survey=None)
    assert surveys.reference_questionnaire(structure_a) == newer
    assert Questionnaire.objects.filter(structure=structure_a).count() == 2


@time_machine.travel(dt.datetime(2023, 1, 20, 9, tzinfo=dt.UTC), tick=False)
def test_a_dashboard_cell_takes_its_figure_and_small_sample_treatment_from_figure(
    two_questionnaires, structure_a
):
    _, newer = two_questionnaires
    ImprovementProfile.objects.filter(structure=structure_a).update(publish_survey=newer)
    (row,) = dashboard.dashboard(structure_a, [2022], 2023)
    (cell,) = row.cells
    figure = cell.figure
    assert (figure.kind, figure.numerator, figure.n, figure.minimum) == ("rate", 0, 2, 30)
    assert cell.small and figure.small
    # Where structures are compared it is not given; in the structure's own publications
    # it is, with k / n, its interval and "effectif faible".
    assert figure.compared == figure.public == "effectif insuffisant (n = 2)"
    assert figure.own.startswith("0,0\u00a0% (0 / 2 réponses ; intervalle à 95\u00a0% : 0,0 – ")
    assert figure.own.endswith(", effectif faible (n = 2)")
    assert cell.exported("percent") == "effectif insuffisant (n = 2)"


def test_the_single_year_copy_of_the_dashboard_is_gone():
    for name in ("value_for", "sampled_value", "_register", "_survey", "_mystery"):
        assert not hasattr(dashboard, name), name
