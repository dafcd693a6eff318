"""The Services Publics+ indicator catalogue covers seed 004's quality dashboard."""

import pytest

from barometre.engine import sp_indicator_catalogue
from barometre.engine.programme import IndicatorCatalogue

# Seed 004's "Tableau de bord qualité 2022" (Préfecture du Loiret), by engagement.
SEED_004 = {
    "maj-site": "E 1.2",
    "maj-svi": "E 1.2",
    "tx-reponse": "E 3.1",
    "delai": "E 3.1",
    "appels-aboutis": "E 10.6",
    "connexions-site": "E 11.1",
    "delai-cni": "E 14.6",
    "delai-civ": "E 14.6",
    "delai-permis": "E 14.6",
    "point-numerique": "E 15",
    "tx-courriels-info": "E 17.2",
    "delai-courriers-info": "E 17.1",
    "delai-courriels-info": "E 17.2",
    "reseaux": "E 19.1",
    "collectivites-courriers": "E 36.1",
    "collectivites-courriels": "E 36.1",
    "rdv-4-jours": "E 37.1",
    "rdv-10-jours": "E 37.1",
}


def test_the_catalogue_covers_the_seed_dashboard_and_its_satisfaction_rates():
    catalogue = sp_indicator_catalogue()
    assert {code: catalogue.get(code).engagement for code in SEED_004} == SEED_004
    # The seed's satisfaction rates: the survey and the three stages of the mystery calls.
    assert [
        catalogue.get(c).parameter for c in ("satisfaction", "svi", "standard", "apres-transfert")
    ] == ["overall", "ivr", "switchboard", "after_transfer"]
    # Targets as the seed sets them: ≥ 85 %, ≤ 5 days, ≥ 75 %, ≥ 90 %; none for title delays.
    targets = {
        c: (catalogue.get(c).direction, catalogue.get(c).target)
        for c in ("tx-reponse", "delai", "tx-courriels-info", "rdv-4-jours", "delai-cni")
    }
    assert targets == {
        "tx-reponse": ("ge", 85),
        "delai": ("le", 5),
        "tx-courriels-info": ("ge", 75),
        "rdv-4-jours": ("ge", 90),
        "delai-cni": ("le", None),
    }
    units = {i.unit for i in catalogue.indicators}
    assert units == {"percent", "days", "count"}


def test_a_catalogue_with_a_duplicate_code_is_refused():
    item = {"code": "a", "label": "A", "unit": "percent", "direction": "ge"}
    with pytest.raises(ValueError, match="codes en double : a"):
        IndicatorCatalogue.model_validate({"id": "x", "version": 1, "indicators": [item, item]})
    survey = {**item, "source": "survey"}
    with pytest.raises(ValueError, match="demande un paramètre"):
        IndicatorCatalogue.model_validate({"id": "x", "version": 1, "indicators": [survey]})
