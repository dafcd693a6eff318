import pytest
from django.urls import reverse

from barometre.accounts.models import Membership, Role


@pytest.mark.django_db
def test_password_login_leads_to_the_home_page(client, manager_a):
    response = client.post(reverse("login"), {"username": "magali", "password": "pw-magali"})
    assert response.status_code == 302
    assert "Mes structures" in client.get("/").text


@pytest.mark.django_db
def test_repeated_failures_block_the_login_even_with_the_right_password(client, manager_a):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "magali", "password": "faux"})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.text
    assert response["Retry-After"] == "900"  # the 15 minutes of the lockout
    response = client.post(reverse("login"), {"username": "magali", "password": "pw-magali"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_wrong_password_gets_a_french_message(client, manager_a):
    response = client.post(reverse("login"), {"username": "magali", "password": "faux"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.text


@pytest.mark.django_db
def test_a_structure_role_needs_a_structure(manager_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Ce rôle s'exerce pour une structure"):
        Membership(user=manager_a, role=Role.AGENT).full_clean()


def _fail_five_times(client, **meta):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "magali", "password": "faux"}, **meta)
    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_a_proxy_failures_from_one_client_do_not_lock_out_another(
    client, manager_a, settings
):
    settings.BAROMETRE_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    _fail_five_times(client, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    response = client.post(
        reverse("login"),
        {"username": "magali", "password": "pw-magali"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(manager_a.pk)


@pytest.mark.django_db
def test_behind_a_proxy_a_forged_forwarded_address_does_not_escape_the_lockout(
    client, manager_a, settings
):
    settings.BAROMETRE_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    _fail_five_times(client, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    # The client sends its own X-Forwarded-For; the proxy appends the real address.
    response = client.post(
        reverse("login"),
        {"username": "magali", "password": "pw-magali"},
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5",
        **proxy,
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_without_a_proxy_the_forwarded_header_is_ignored(client, manager_a, settings):
    settings.BAROMETRE_PROXY_COUNT = 0
    _fail_five_times(client, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    response = client.post(
        reverse("login"),
        {"username": "magali", "password": "pw-magali"},
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 429
    response = client.post(
        reverse("login"),
        {"username": "magali", "password": "pw-magali"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302
