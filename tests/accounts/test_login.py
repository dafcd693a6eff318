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
