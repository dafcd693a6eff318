"""A structure adopts the Services Publics+ indicator catalogue (seed 004's dashboard);
the internal mystery calls' indicators read the rate of satisfactory calls of a stage."""

import pytest
from django.urls import reverse

from barometre.engine import sp_indicator_catalogue
from barometre.improvement import catalogue, dashboard
from barometre.improvement.models import Indicator
from tests.results.test_internal_report import NOVEMBER_2022, colleagues, run_campaign  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_managers_tick_the_indicators_they_track(client_for, manager_a, structure_a):
    client = client_for(manager_a)
    url = reverse("improvement:indicator_catalogue", args=[structure_a.pk])
    page = client.get(url).text
    assert "Délai moyen trimestriel de délivrance des permis de conduire" in page
    assert "E 14.6" in page and "85\u00a0%" in page
    response = client.post(url, {"code": ["delai-permis", "tx-reponse", "inconnu"]}, follow=True)
    assert "2 indicateurs ajoutés au tableau de bord." in response.text
    permis = Indicator.objects.get(structure=structure_a, code="delai-permis")
    assert (permis.unit, permis.direction, permis.periodicity) == ("days", "le", "quarter")
    assert not permis.targets.exists()  # the seed sets no target for title delays
    on_time = Indicator.objects.get(structure=structure_a, code="tx-reponse")
    assert (on_time.source, on_time.engagement) == ("register_on_time", "E 3.1")
    assert [(t.year, t.value) for t in on_time.targets.all()] == [(on_time.targets.get().year, 85)]
    # Ticked again: nothing doubles; the page says which are already tracked.
    assert catalogue.adopt(structure_a, ["delai-permis"], year=2023) == []
    assert client.get(url).text.count("déjà suivi") == 2


def test_the_whole_catalogue_is_adopted_in_order(structure_a):
    created = catalogue.adopt(
        structure_a, [i.code for i in sp_indicator_catalogue().indicators], year=2023
    )
    codes = [i.code for i in sp_indicator_catalogue().indicators]
    assert [i.code for i in created] == codes and len(codes) >= 18
    assert list(Indicator.objects.filter(structure=structure_a).values_list("code", flat=True)) == (
        codes
    )


def test_another_structure_cannot_adopt_for_it(client_for, manager_b, agent_a, structure_a):
    url = reverse("improvement:indicator_catalogue", args=[structure_a.pk])
    assert client_for(manager_b).post(url, {"code": ["delai"]}).status_code == 404
    assert client_for(agent_a).post(url, {"code": ["delai"]}).status_code == 403
    assert not Indicator.objects.exists()


def test_a_mystery_call_indicator_is_the_stage_satisfaction_rate(
    structure_a,
    manager_a,
    colleagues,  # noqa: F811
):
    run_campaign(structure_a, manager_a, 2022, NOVEMBER_2022)
    catalogue.adopt(structure_a, ["svi", "standard"], year=2022)
    rows = {r.indicator.code: r for r in dashboard.dashboard(structure_a, [2021, 2022], 2022)}
    svi = rows["svi"].cells[-1]
    assert (svi.value, svi.n, svi.numerator, svi.met) == (90.0, 20, 18, True)
    assert rows["standard"].cells[-1].value == 100.0
    assert rows["svi"].cells[0].value is None  # no campaign in 2021
