"""A double click on a single-use link: the answer is stored once and both requests of
that one submission get the thanks page; another submission is still told the link was
used."""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from barometre.improvement import surveys
from barometre.improvement.models import SurveyInvitation, SurveyResponse
from tests.improvement.test_public import _survey_data


@pytest.fixture
def invitation(questionnaire):
    (created,) = surveys.create_invitations(questionnaire, 1)
    return created


@pytest.mark.django_db
def test_the_second_request_of_one_submission_gets_the_same_thanks(client, invitation):
    url = reverse("public:invitation", args=[invitation.token])
    first = client.post(url, _survey_data(key="double-clic-1"))
    second = client.post(url, _survey_data(key="double-clic-1"))
    for response in (first, second):
        assert response.status_code == 200 and "Merci" in response.text
        assert "déjà servi" not in response.text
    assert SurveyResponse.objects.count() == 1
    other = client.post(url, _survey_data(key="autre-envoi"))
    assert other.status_code == 410 and "déjà servi" in other.text


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_clicks_at_the_same_instant_on_postgresql(questionnaire):
    """The second click waits for the first one's lock on the link, then finds its own
    answer stored under its key."""
    invitation = SurveyInvitation.objects.create(questionnaire=questionnaire, token="clic")
    stored, release = threading.Event(), threading.Event()
    outcome = {}

    def click(name, hold):
        try:
            with transaction.atomic():
                outcome[name] = surveys.submit(
                    questionnaire, {"overall": 8}, submission_key="k", invitation=invitation
                )
                if hold:
                    stored.set()
                    release.wait(10)
        except Exception as exc:  # the outcome is what the test reads
            outcome[name] = exc
        finally:
            connection.close()

    first = threading.Thread(target=click, args=("first", True))
    second = threading.Thread(target=click, args=("second", False))
    first.start()
    stored.wait(10)
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for the first click's lock on the link
    release.set()
    first.join(10)
    second.join(10)
    pk, created = outcome["first"]
    assert created and outcome["second"] == (pk, False)
    assert SurveyResponse.objects.count() == 1
