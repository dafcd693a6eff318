"""Error pages: French DSFR pages without debug details; JSON in the API's error format
under /api/."""

import json

import pytest
from django.test import Client
from django.urls import reverse

PANNE = "détail interne qui ne doit pas sortir"


def assert_french_page(response, status: int, title: str):
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="fr"' in html
    assert f"<h1>{title}</h1>" in html
    assert f"Erreur {status}" in html
    assert 'class="fr-header"' in html and 'id="footer"' in html  # the site's layout
    for leak in (PANNE, "Traceback", "URLconf", "Forbidden", "Not Found", "CSRF verification"):
        assert leak not in html


def api_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["code"] == code
    assert body["message"] and PANNE not in body["message"]
    assert body["details"] == []
    return body


@pytest.fixture
def failing(settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    return Client(raise_request_exception=False)


def test_an_unknown_page_answers_a_french_404_to_anyone(client_for, operator):
    assert_french_page(client_for(None).get("/pas-de-page-ici/"), 404, "Page introuvable")
    assert_french_page(client_for(operator).get("/pas-de-page-ici/"), 404, "Page introuvable")


def test_a_message_written_for_users_is_shown_but_not_djangos(client_for, operator):
    response = client_for(None).get(reverse("public:point", args=["inconnu"]))
    assert_french_page(response, 404, "Page introuvable")
    response = client_for(operator).get(reverse("structures:detail", args=[999_999]))
    assert_french_page(response, 404, "Page introuvable")
    assert "matches the given query" not in response.text


def test_a_page_refused_to_a_role_answers_a_french_403(client_for, no_role):
    response = client_for(no_role).get(reverse("journal"))
    assert_french_page(response, 403, "Accès refusé")


def test_a_get_on_a_post_only_address_answers_a_french_405(client_for, operator):
    response = client_for(operator).get(reverse("logout"))
    assert_french_page(response, 405, "Action non autorisée")
    assert response["Allow"] == "POST, OPTIONS"


def test_a_form_without_its_csrf_token_answers_a_french_page(operator):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert_french_page(response, 403, "Formulaire expiré")


def test_a_crash_answers_a_french_500_without_the_error(failing):
    assert_french_page(failing.get("/essai/panne/"), 500, "Erreur du serveur")


def test_a_suspicious_request_answers_a_french_400(failing):
    assert_french_page(failing.get("/essai/suspect/"), 400, "Requête incorrecte")


def test_the_lockout_after_failed_logins_is_a_french_429(client, settings, db):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "x", "password": "faux"})
    html = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="fr"' in html and "Connexion temporairement bloquée" in html


def test_the_api_answers_errors_in_its_own_format(failing, client_for, manager_a, structure_a):
    api_error(failing.get("/api/v1/pas-ici"), 404, "not_found")
    api_error(failing.get("/api/v1/essai/panne/"), 500, "server_error")
    api_error(failing.get("/api/v1/essai/suspect/"), 400, "bad_request")
    body = api_error(failing.delete("/api/v1/structures"), 405, "method_not_allowed")
    assert "Action non autorisée" not in body["message"]


def test_an_api_write_by_session_without_csrf_token_is_refused_in_french(manager_a, structure_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_a)
    url = f"/api/v1/improvement/structures/{structure_a.pk}/feedback"
    response = client.post(url, {}, content_type="application/json")
    body = api_error(response, 403, "forbidden")
    assert "CSRF" in body["message"] and "Failed" not in body["message"]
