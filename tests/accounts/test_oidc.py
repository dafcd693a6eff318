import pytest
import requests
from django.urls import reverse

from barometre.accounts.models import User
from tests.html import shown

from .fake_oidc import FakeProvider


def _login_through(client, provider):
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302 and start.url.startswith(provider.base + "/authorize")
    # The browser follows the provider's redirect back to our callback.
    authorize = requests.get(start.url, allow_redirects=False, timeout=5)
    callback = authorize.headers["Location"]
    assert callback.startswith("http://testserver/oidc/callback/")
    return client.get(callback.removeprefix("http://testserver"))


@pytest.mark.django_db
def test_a_registered_agent_logs_in_with_the_provider(client, settings, manager_a):
    manager_a.email = "Magali.Della-Corte@loiret.gouv.fr"
    manager_a.save()
    claims = {
        "sub": "agent-123",
        "email": "magali.della-corte@loiret.gouv.fr",
        "given_name": "Magali",
        "usual_name": "Della Corte",
    }
    with FakeProvider(claims) as provider:
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        response = _login_through(client, provider)
    assert response.status_code == 302 and response.url == "/"
    home = client.get("/")
    assert home.context["user"] == manager_a
    manager_a.refresh_from_db()
    assert (manager_a.first_name, manager_a.last_name) == ("Magali", "Della Corte")


@pytest.mark.django_db
def test_an_unknown_person_is_not_given_an_account(client, settings):
    claims = {"sub": "x", "email": "inconnu@example.fr"}
    with FakeProvider(claims) as provider:
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        response = _login_through(client, provider)
    assert response.url == "/connexion/?oidc=echec"
    assert not User.objects.exists()
    page = client.get(response.url)
    assert "Aucun compte ne correspond" in page.text


@pytest.mark.django_db
def test_the_login_page_offers_the_provider_only_when_enabled(client, settings):
    assert "Se connecter avec ProConnect" not in shown(client.get(reverse("login")).text)
    settings.OIDC_ENABLED = True
    assert "Se connecter avec ProConnect" in shown(client.get(reverse("login")).text)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["oidc_authentication_init", "oidc_authentication_callback"])
def test_the_provider_pages_answer_404_while_oidc_is_off(client, settings, name):
    settings.OIDC_ENABLED = False
    assert client.get(reverse(name)).status_code == 404
