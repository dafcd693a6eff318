import pytest

from barometre.improvement import surveys
from barometre.improvement.models import CollectionPoint


@pytest.fixture
def questionnaire(structure_a):
    return surveys.create_from_template(structure_a)


@pytest.fixture
def point(questionnaire, structure_a):
    return CollectionPoint.objects.create(
        structure=structure_a, label="Accueil du public", questionnaire=questionnaire
    )
