import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from barometre.campaigns import lifecycle
from barometre.campaigns.models import Answer, AuditTask, Edition
from barometre.core.errors import Refused
from barometre.results.computing import publish, request_computation
from barometre.results.palmares import confirm_laureate, palmares
from barometre.structures.models import ContactPoint, Structure
from tests.campaigns.test_transfer import EMAIL, PHONE

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db
WEBSITE = {
    "website.findable": "oui",
    "website.contact_details": "oui",
    "website.hours_up_to_date": "oui",
    "website.online_procedures": "oui",
    "website.digital_help": "non",
    "website.accessibility_statement": "oui",
    "website.reduced_mobility": "non",
    "website.mobile": "oui",
    "website.search": "fair",
    "website.information_quality": "complete",
    "website.feedback_path": "oui",
    "website.quality_results": "non",
}
TOWNS = [
    ("Ville A", "69123", "complete", True),
    ("Ville B", "31555", "complete", False),
    ("Ville C", "33063", "partial", True),
    ("Ville D", "44109", "wrong", True),
    ("Ville E", "59350", "wrong", True),
]


@pytest.fixture
def ranked(edition, operator):
    lifecycle.advance(edition, by=operator)
    for name, insee, quality, publish_ok in TOWNS:
        town = Structure.objects.create(
            name=name, identifier=insee, kind="commune", population=200_000, department="69"
        )
        for channel in ("phone", "email", "website"):
            ContactPoint.objects.create(structure=town, channel=channel, value=f"{channel}@x")
        lifecycle.enrol(edition, town, by=operator, publish_results=publish_ok)
        plan = [
            ("phone", PHONE | {"phone.answer_quality": quality}, 3),
            ("email", EMAIL, 2),
            ("website", WEBSITE, 1),
        ]
        for channel, answers, n in plan:
            for i in range(n):
                task = AuditTask.objects.create(
                    edition=edition,
                    structure=town,
                    channel=channel,
                    sequence=i + 1,
                    scheduled_at=dt.datetime(2025, 5, 6 + i, 10, tzinfo=PARIS),
                    status="validated",
                    sent_at=dt.datetime(2025, 5, 6, 9, tzinfo=PARIS),
                    replied_at=dt.datetime(2025, 5, 7, 9, tzinfo=PARIS),
                )
                Answer.objects.bulk_create(
                    Answer(task=task, criterion=c, value=v) for c, v in answers.items()
                )
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.RESULTS)
    edition.refresh_from_db()
    result_set = request_computation(edition, by=operator)
    result_set.refresh_from_db()
    return result_set


def test_the_laureate_is_proposed_among_structures_that_accept_publication(ranked, operator):
    (category,) = palmares(ranked)
    assert category.category == "Villes de plus de 50\u202f000 habitants"
    # A and B scored the same: the documented tie-break (identifier) puts B (31555) first.
    assert [r.structure.name for r in category.ranking][:2] == ["Ville B", "Ville A"]
    assert category.proposed.structure.name == "Ville A"  # B refused publication
    with pytest.raises(Refused, match="n'a pas accepté la publication"):
        town_b = Structure.objects.get(name="Ville B").pk
        confirm_laureate(ranked, category.category, town_b, "Accueil", by=operator)
    with pytest.raises(Refused, match="point remarquable du jury est obligatoire"):
        confirm_laureate(
            ranked, category.category, category.proposed.structure_id, " ", by=operator
        )
    laureate = confirm_laureate(
        ranked,
        category.category,
        category.proposed.structure_id,
        "Réponses complètes sur tous les canaux",
        by=operator,
    )
    assert laureate.structure.name == "Ville A"
    (category,) = palmares(ranked)
    assert "Ville B" in [r.structure.name for r in category.tied]  # same quality: not told apart


def test_the_public_palmares_shows_only_published_editions_and_consenting_structures(
    client, client_for, ranked, operator
):
    url = reverse("results:public_palmares", args=[ranked.edition_id])
    assert client.get(url).status_code == 404  # not yet published
    (category,) = palmares(ranked)
    confirm_laureate(
        ranked,
        category.category,
        category.proposed.structure_id,
        "Réponses complètes sur tous les canaux",
        by=operator,
    )
    publish(ranked, by=operator)
    page = client.get(url)
    assert page.status_code == 200
    assert "Point remarquable : Réponses complètes sur tous les canaux" in page.text
    assert "Ville A" in page.text and "Ville C" in page.text
    assert "Ville B" not in page.text  # refused publication
    assert "5 structures évaluées" in page.text
    confirm = client_for(operator).post(
        reverse("results:laureate", args=[ranked.edition_id, ranked.version]),
        {
            "category": category.category,
            "structure": category.proposed.structure_id,
            "jury_note": "Nouvelle note",
        },
        follow=True,
    )
    # A published palmarès changes only through a corrected version.
    assert "son palmarès et les notes du jury ne changent plus" in confirm.text
    assert "Nouvelle note" not in client.get(url).text


def test_a_renamed_structure_is_shown_at_once_on_the_cached_palmares(
    client, client_for, ranked, operator
):
    publish(ranked, by=operator)
    url = reverse("results:public_palmares", args=[ranked.edition_id])
    assert "Ville A" in client.get(url).text  # now cached, for visitors and as a body
    town = Structure.objects.get(name="Ville A")
    town.name = "Ville A-sur-Loire"
    town.save()
    for reader in (client, client_for(operator)):
        assert "Ville A-sur-Loire" in reader.get(url).text
