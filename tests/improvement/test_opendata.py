import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from barometre.improvement.models import ImprovementProfile, Indicator, IndicatorValue
from tests.opendata import table_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def publishing(structure_a, structure_b):
    """The Préfecture publishes two indicators (one with values), keeps one private; Metz
    publishes too, without an SP+ code."""
    structure_a.sp_code = "PREF-45"
    structure_a.save()
    ImprovementProfile.objects.create(structure=structure_a, publish_transparency=True)
    ImprovementProfile.objects.create(structure=structure_b, publish_transparency=True)
    year = timezone.localdate().year
    rate = Indicator.objects.create(
        structure=structure_a, code="appels-decroches", label="=Appels décrochés", public=True
    )
    IndicatorValue.objects.create(indicator=rate, period=str(year - 1), year=year - 1, value=81.25)
    IndicatorValue.objects.create(indicator=rate, period=str(year), year=year, value=87.5)
    delay = Indicator.objects.create(
        structure=structure_a,
        code="delai-courriel",
        label="Délai de réponse aux courriels",
        unit="days",
        public=True,
    )
    IndicatorValue.objects.create(indicator=delay, period=str(year - 1), year=year - 1, value=4)
    secret = Indicator.objects.create(structure=structure_a, code="interne", label="Interne")
    IndicatorValue.objects.create(indicator=secret, period=str(year), year=year, value=1)
    Indicator.objects.create(structure=structure_a, code="vide", label="Sans valeur", public=True)
    other = Indicator.objects.create(structure=structure_b, code="metz", label="Metz", public=True)
    IndicatorValue.objects.create(indicator=other, period=str(year), year=year, value=5)
    return structure_a


def test_the_sp_results_export_is_valid_against_its_schema(client, publishing):
    url = reverse("public:sp_results", args=[publishing.identifier])
    content = client.get(url).content
    schema = client.get(reverse("public:sp_results_schema", args=[publishing.identifier]))
    assert table_errors(content, schema.content.decode()) == []
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert [(r["code_sp_de_l_indicateur"], r["valeur"], r["unite"]) for r in rows] == [
        ("appels-decroches", "87.5", "%"),  # its latest year
        ("delai-courriel", "4.0", "jours"),
    ]
    first = rows[0]
    assert first["code_sp_structure"] == "PREF-45"
    assert first["intitule_de_la_structure"] == "Préfecture du Loiret"
    assert first["titre_original_de_l_indicateur"] == "'=Appels décrochés"  # no formula
    assert first["typologie"] == "Service de l'État (préfecture…)"
    assert first["date_de_mise_a_jour"] == timezone.localdate().isoformat()
    descriptor = json.loads(schema.content)
    assert descriptor["primaryKey"] == ["code_sp_structure", "code_sp_de_l_indicateur"]
    assert all(field["description"] for field in descriptor["fields"])


def test_the_schema_catches_a_file_that_strays(client, publishing):
    url = reverse("public:sp_results", args=[publishing.identifier])
    content = client.get(url).content.replace(b";%;", b";pourcent;")
    schema = client.get(reverse("public:sp_results_schema", args=[publishing.identifier]))
    assert any("pourcent" in error for error in table_errors(content, schema.content.decode()))


def test_no_sp_code_or_no_publication_answers_404(client, publishing, structure_b):
    for structure in (structure_b,):  # publishes, but has no SP+ code
        assert (
            client.get(reverse("public:sp_results", args=[structure.identifier])).status_code == 404
        )
    ImprovementProfile.objects.filter(structure=publishing).update(publish_transparency=False)
    url = reverse("public:sp_results_schema", args=[publishing.identifier])
    assert client.get(url).status_code == 404


def test_the_transparency_page_links_to_the_sp_export(client, publishing):
    page = client.get(reverse("public:transparency", args=[publishing.identifier])).content.decode()
    assert reverse("public:sp_results", args=[publishing.identifier]) in page
    assert reverse("public:sp_results_schema", args=[publishing.identifier]) in page
