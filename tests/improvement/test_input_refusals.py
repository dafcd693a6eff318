"""Web inputs the database cannot take or the rules do not allow get a form error, not a
500 (run on PostgreSQL too: it cannot store or search NUL in text)."""

import pytest
from django.urls import reverse

from barometre.improvement import surveys
from barometre.improvement.models import FeedbackEntry

pytestmark = pytest.mark.django_db


def test_a_null_character_in_the_comment_search_is_a_form_error(client_for, agent_a, questionnaire):
    surveys.submit(questionnaire, {"overall": 9}, comment="Accueil parfait")
    url = reverse("improvement:questionnaire", args=[questionnaire.pk])
    response = client_for(agent_a).get(url, {"q": "Accueil\x00"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="q-error"' in page and "Le caractère nul n’est pas autorisé." in page
    found = client_for(agent_a).get(url, {"q": "parfait"}).content.decode()
    assert "Accueil parfait" in found and 'class="fr-error-text"' not in found


def test_an_entry_received_in_the_year_one_is_refused(client_for, manager_a, structure_a):
    response = client_for(manager_a).post(
        reverse("improvement:entry_create", args=[structure_a.pk]),
        {
            "kind": "complaint",
            "channel": "letter",
            "received_on": "0001-01-01",
            "subject": "Dossier",
            "description": "Perdu",
        },
    )
    assert response.status_code == 200
    assert "antérieure au 01/01/2000" in response.content.decode()
    assert FeedbackEntry.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/u/a%00b/",
        "/u/a%00b/reclamation/",
        "/u/a%00b/merci/",
        "/u/invitation/a%00b/",
        "/u/transparence/a%00b/",
    ],
)
def test_a_null_character_in_a_public_link_is_404(client, point, url):
    assert client.get(url).status_code == 404
