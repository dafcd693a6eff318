"""The public pages of a collection point: no login, anti-abuse, masking, hostile input."""

import pytest
from django.urls import reverse

from barometre.improvement import public
from barometre.improvement.models import FeedbackEntry, ItemAnswer, SurveyResponse

pytestmark = pytest.mark.django_db


def _survey_data(key="cle-unique-0001", **extra):
    return {
        "submission_key": key,
        "item_overall": "9",
        "concerned_digital_desk": "oui",
        "item_digital_desk": "10",
        "item_disability": "3",  # not concerned: ignored
        "comment": "Très bon accueil de Mme Dupont, merci",
        **extra,
    }


def test_a_citizen_answers_the_survey_without_logging_in(client, point):
    url = reverse("public:point", args=[point.token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Courtoisie des agents" in page.content.decode()
    response = client.post(url, _survey_data())
    assert response.status_code == 302 and response.url.endswith("/merci/")
    stored = SurveyResponse.objects.get()
    assert stored.point == point and stored.source == "web"
    assert stored.comment == "Très bon accueil de Mme [nom masqué], merci"
    values = dict(ItemAnswer.objects.values_list("item__code", "value"))
    assert values["overall"] == 9 and values["digital_desk"] == 10
    assert values["disability"] is None  # rated without saying they were concerned
    # A double click (same one-time key) is stored once.
    client.post(url, _survey_data())
    assert SurveyResponse.objects.count() == 1


def test_the_honeypot_stores_nothing(client, point):
    response = client.post(
        reverse("public:point", args=[point.token]), _survey_data(site_web="http://spam.example")
    )
    assert response.status_code == 200 and "Merci" in response.content.decode()  # looks fine
    assert SurveyResponse.objects.count() == 0


def test_too_many_submissions_from_one_address_are_refused(client, point, settings):
    settings.BAROMETRE_PUBLIC_RATE_LIMIT = 3
    url = reverse("public:point", args=[point.token])
    answers = [client.post(url, _survey_data(key=f"cle-{i:04d}-abcdef")) for i in range(5)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429]
    assert answers[3]["Retry-After"] == "600"  # the counting window, in seconds
    assert SurveyResponse.objects.count() == 3
    page = client.post(url, _survey_data(key="cle-derniere")).content.decode()
    assert "Trop d&#x27;envois" in page or "Trop d'envois" in page
    # Another address is not affected.
    assert (
        client.post(url, _survey_data(key="cle-autre"), REMOTE_ADDR="10.0.0.9").status_code == 302
    )


def test_hostile_input_is_escaped_and_out_of_range_values_rejected(client, point):
    url = reverse("public:point", args=[point.token])
    response = client.post(
        url, _survey_data(item_overall="99", comment="<img src=x onerror=alert(1)>")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<img src=x onerror" not in page and "Sélectionnez un choix valide" in page
    assert SurveyResponse.objects.count() == 0


def test_a_complaint_through_the_public_form_gets_a_reference_and_an_acknowledgement(
    client, point, mailoutbox
):
    url = reverse("public:feedback", args=[point.token])
    data = {
        "kind": "complaint",
        "subject": "Attente trop longue",
        "description": "Deux heures au guichet des titres.",
        "contact_email": "usager@example.fr",
        "submission_key": "cle-reclamation-1",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    entry = FeedbackEntry.objects.get()
    assert (entry.channel, entry.kind, entry.service) == (
        "web_form",
        "complaint",
        "Accueil du public",
    )
    assert entry.answer_due is not None
    thanks = client.get(response.url).content.decode()
    assert entry.reference in thanks and entry.answer_due.strftime("%d/%m/%Y") in thanks
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["usager@example.fr"]
    assert entry.reference in mailoutbox[0].body and "au plus tard le" in mailoutbox[0].body
    client.post(url, data)  # a retry of the same form
    assert FeedbackEntry.objects.count() == 1 and len(mailoutbox) == 1


def test_an_inactive_or_unknown_link_is_404(client, point):
    assert client.get(reverse("public:point", args=["inconnu"])).status_code == 404
    point.active = False
    point.save()
    assert client.get(reverse("public:point", args=[point.token])).status_code == 404


def test_a_single_use_link_accepts_one_answer(client, client_for, manager_a, questionnaire):
    response = client_for(manager_a).post(
        reverse("improvement:invitations", args=[questionnaire.pk]), {"count": "2"}
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "jeton;lien" and len(lines) == 3
    link = lines[1].split(";")[1]
    path = link.removeprefix("http://localhost:8000")
    client.logout()
    assert client.get(path).status_code == 200
    response = client.post(path, _survey_data(key="invitation-1"))
    assert response.status_code == 200 and "Merci" in response.content.decode()
    assert SurveyResponse.objects.count() == 1
    again = client.post(path, _survey_data(key="invitation-2"))
    assert again.status_code == 410 and "déjà servi" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    refused = client_for(manager_a).post(
        reverse("improvement:invitations", args=[questionnaire.pk]),
        {"count": "5000"},
        follow=True,
    )
    assert "de 1 à 1 000 liens" in refused.content.decode()


def test_the_public_pages_name_the_structure_with_its_article(client, point, mailoutbox):
    page = client.get(reverse("public:feedback", args=[point.token])).content.decode()
    assert "Votre message est transmis à la Préfecture du Loiret." in page
    client.post(
        reverse("public:feedback", args=[point.token]),
        {
            "kind": "complaint",
            "subject": "Attente",
            "description": "Au guichet.",
            "contact_email": "usager@example.fr",
            "submission_key": "cle-article",
        },
    )
    assert "La Préfecture du Loiret a bien reçu votre message" in mailoutbox[0].body


def _complaint(client, point, number, **overrides):
    data = {
        "kind": "complaint",
        "subject": "Votre dossier est suspendu : régularisez sur https://piege.example",
        "description": "Cliquez sur https://piege.example/payer",
        "contact_email": "cible@example.fr",
        "submission_key": f"cle-relais-{number}",
        **overrides,
    }
    return client.post(reverse("public:feedback", args=[point.token]), data)


def test_the_acknowledgement_echoes_nothing_the_sender_typed(client, point, mailoutbox):
    assert _complaint(client, point, 1).status_code == 302
    entry = FeedbackEntry.objects.get()
    (message,) = mailoutbox
    assert "piege.example" not in message.subject + message.body
    assert "suspendu" not in message.subject + message.body
    assert entry.reference in message.subject and entry.reference in message.body
    assert point.structure.name in message.body
    assert entry.answer_due is not None and str(entry.answer_due.year) in message.body


def test_acknowledgements_to_one_address_are_limited(client, point, mailoutbox, settings):
    settings.BAROMETRE_ACKNOWLEDGEMENTS_PER_ADDRESS = 2
    for number in range(4):
        assert _complaint(client, point, number).status_code == 302
    assert _complaint(client, point, 9, contact_email="Autre@Example.fr").status_code == 302
    # Every entry is recorded; the targeted address got two messages, another one its own.
    assert FeedbackEntry.objects.count() == 5
    assert [m.to for m in mailoutbox] == [["cible@example.fr"]] * 2 + [["Autre@Example.fr"]]
    # The address counts whatever its case.
    _complaint(client, point, 10, contact_email="CIBLE@example.fr")
    assert len(mailoutbox) == 3
    # Nor whatever sub-address, quotes or final dot: one mailbox, already served twice.
    for number, variant in enumerate(
        ["cible+1@example.fr", '"cible"@example.fr', "CIBLE+x@Example.FR"], start=20
    ):
        assert _complaint(client, point, number, contact_email=variant).status_code == 302
    assert len(mailoutbox) == 3
    settings.BAROMETRE_ACKNOWLEDGEMENTS_PER_ADDRESS = 0  # none at all
    _complaint(client, point, 11, contact_email="nouveau@example.fr")
    assert len(mailoutbox) == 3 and FeedbackEntry.objects.count() == 10
    assert public.mailbox("Cible+1@Example.fr") == "cible@example.fr"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Cible@Example.fr", "cible@example.fr"),
        ("cible+tag@example.fr", "cible@example.fr"),
        ('"cible"@example.fr', "cible@example.fr"),
        ('"ci\\ble+x"@example.fr', "cible@example.fr"),
        (" cible@example.fr. ", "cible@example.fr"),
        ("cible@exämple.fr", "cible@xn--exmple-cua.fr"),
    ],
)
def test_addresses_are_counted_by_mailbox(address, expected):
    assert public.mailbox(address) == expected
