"""The home page: each role's own home once logged in, the public home for visitors."""

import datetime

import time_machine
from django.urls import reverse

from barometre.improvement.models import ImprovementProfile
from barometre.structures.models import Label
from tests.campaigns.conftest import edition, grid  # noqa: F401
from tests.samples import fabricate_result_set


@time_machine.travel(datetime.datetime(2025, 11, 30, 12, tzinfo=datetime.UTC))
def test_an_expired_label_is_shown_as_expired_not_as_to_renew(client_for, manager_a, structure_a):
    Label.objects.create(
        structure=structure_a,
        kind="marianne",
        obtained_on=datetime.date(2022, 6, 15),
        expires_on=datetime.date(2025, 6, 15),
        status="confirmed",
    )
    Label.objects.create(
        structure=structure_a,
        kind="qualepref",
        obtained_on=datetime.date(2023, 3, 1),
        expires_on=datetime.date(2026, 3, 1),
        status="confirmed",
    )
    client = client_for(manager_a)
    html = client.get(reverse("home")).text
    expired, to_renew = html.split("Labels à renouveler dans l'année")
    assert "Labels expirés" in expired
    assert "Marianne, <strong>expiré depuis le 15/06/2025</strong>" in expired
    assert "15/06/2025" not in to_renew
    assert "Qual-e-pref, valable jusqu'au 01/03/2026" in to_renew
    detail = client.get(reverse("structures:detail", args=[structure_a.pk])).text
    assert "expiré depuis le 15/06/2025" in detail
    assert "valable jusqu'au 01/03/2026" in detail


def test_a_visitor_sees_what_the_platform_publishes(
    client_for,
    operator,
    edition,  # noqa: F811
    structure_a,
    structure_b,
):
    fabricate_result_set(edition, 4, by=operator)
    fabricate_result_set(edition, 4, by=operator)  # a newer version: listed once
    fabricate_result_set(edition, 2, by=operator, published=False)  # a draft
    ImprovementProfile.objects.create(structure=structure_a, publish_transparency=True)
    ImprovementProfile.objects.create(structure=structure_b, publish_transparency=False)
    response = client_for(None).get(reverse("home"))
    html = response.text
    assert response.status_code == 200
    assert html.count('<h3 class="fr-card__title">Baromètre 2025</h3>') == 1
    for name in ("results:synthesis", "results:public_palmares", "results:open_data"):
        assert reverse(name, args=[edition.pk]) in html
    assert reverse("public:transparency", args=[structure_a.identifier]) in html
    assert structure_b.identifier not in html
    assert f'href="{reverse("login")}"' in html and "Se connecter" in html
    assert f'href="{reverse("guide")}"' in html
    assert "Bonjour" not in html
    # A logged-in user keeps the home of their roles.
    html = client_for(operator).get(reverse("home")).text
    assert "Pilotage du baromètre" in html and "Résultats publiés" not in html


def test_a_visitor_is_told_when_nothing_is_published_yet(client_for, db):
    html = client_for(None).get(reverse("home")).text
    assert (
        "Aucun résultat n&#x27;est encore publié" in html
        or "Aucun résultat n'est encore publié" in html
    )
    assert "Aucune structure ne publie encore" in html


def test_a_visitor_reads_the_cached_home_with_one_query(
    client_for,
    operator,
    edition,  # noqa: F811
    structure_a,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fabricate_result_set(edition, 4, by=operator)
    ImprovementProfile.objects.create(structure=structure_a, publish_transparency=True)
    visitor = client_for(None)
    first = visitor.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        again = visitor.get(reverse("home"))
    assert again.content == first.content and "Baromètre 2025" in again.text
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_the_visitors_home_changes_the_moment_something_is_published(
    client_for,
    operator,
    edition,  # noqa: F811
    structure_a,
    structure_b,
):
    visitor = client_for(None)
    assert "Baromètre 2025" not in visitor.get(reverse("home")).text
    fabricate_result_set(edition, 4, by=operator)
    assert "Baromètre 2025" in visitor.get(reverse("home")).text
    transparency = reverse("public:transparency", args=[structure_b.identifier])
    profile = ImprovementProfile.objects.create(structure=structure_b)
    assert transparency not in visitor.get(reverse("home")).text
    profile.publish_transparency = True
    profile.save()
    assert transparency in visitor.get(reverse("home")).text
    profile.publish_transparency = False
    profile.save(update_fields=["publish_transparency"])
    assert transparency not in visitor.get(reverse("home")).text
