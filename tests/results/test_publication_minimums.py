"""What a national edition needs to be published, and what a category needs to be ranked
(docs/scoring.md §7): a near-empty edition is not a national synthesis, and a category of
two structures has participants, not a laureate and a « 2e de sa catégorie »."""

import datetime as dt
import html
import zoneinfo

import pytest
from django.urls import reverse

from barometre.campaigns.models import AuditTask, Enrolment
from barometre.core.errors import Refused
from barometre.results.computing import publish, request_computation, review_publication
from barometre.results.palmares import confirm_laureate, palmares
from barometre.structures.models import Structure
from tests.results.test_palmares import ranked  # noqa: F401

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = [pytest.mark.django_db, pytest.mark.publication_minimums]
CATEGORY = "Villes de plus de 50\u202f000 habitants"


def test_five_ranked_structures_and_every_audit_done_are_publishable(ranked):  # noqa: F811
    review = review_publication(ranked)
    assert review.refusals == []
    (rule,) = [r for r in review.rules if r.startswith("Minimum de publication")]
    assert rule == (
        "Minimum de publication d'une synthèse nationale : au moins 1 catégorie classée et "
        "80 % des audits prévus réalisés et validés — atteint pour cette version (1 catégorie "
        "classée avec au moins 5 structures ; 30 audits réalisés et validés sur 30 prévus "
        "(100,0\u00a0%))."
    )


def test_an_edition_without_a_ranked_category_is_not_published(ranked, operator, settings):  # noqa: F811
    settings.BAROMETRE_MIN_CATEGORY_STRUCTURES = 6
    result_set = request_computation(ranked.edition, by=operator)  # ranked again, with 6
    result_set.refresh_from_db()
    assert not result_set.structures.filter(rank__isnull=False).exists()
    with pytest.raises(Refused) as caught:
        publish(result_set, by=operator)
    assert caught.value.reasons == [
        "0 catégorie classée avec au moins 6 structures ; il en faut au moins 1 pour publier "
        "une synthèse nationale"
    ]
    result_set.refresh_from_db()
    assert result_set.published_at is None


def test_an_edition_with_too_few_audits_done_is_not_published(ranked, operator, client_for):  # noqa: F811
    """30 audits validated; 10 more planned and never done: 75 % < 80 %."""
    town = Structure.objects.get(name="Ville A")
    for i in range(10):
        AuditTask.objects.create(
            edition=ranked.edition,
            structure=town,
            channel="phone",
            sequence=10 + i,
            scheduled_at=dt.datetime(2025, 5, 20, 10, tzinfo=PARIS),
            status=AuditTask.Status.NOT_DONE,
        )
    (reason,) = review_publication(ranked).refusals
    assert reason == (
        "30 audits réalisés et validés sur 40 prévus (75,0\u00a0%) ; il en faut au moins 80 % "
        "pour publier"
    )
    page = client_for(operator).get(reverse("results:publish", args=[ranked.edition_id, 1]))
    text = html.unescape(page.text)
    assert "il en faut au moins 80 % pour publier" in text
    assert "Minimum de publication d'une synthèse nationale" in text
    with pytest.raises(Refused):
        publish(ranked, by=operator)


def test_a_category_below_the_minimum_is_neither_ranked_nor_distinguished(
    ranked,  # noqa: F811
    operator,
    client,
    settings,
):
    """Five towns, a minimum of six: the towns keep their scores, lose their ranks, and
    are listed as participants; the jury may not distinguish any of them."""
    settings.BAROMETRE_MIN_CATEGORY_STRUCTURES = 6
    settings.BAROMETRE_PUBLICATION_MIN_RANKED_CATEGORIES = 0
    result_set = request_computation(ranked.edition, by=operator)
    result_set.refresh_from_db()
    results = list(result_set.structures.all())
    assert len(results) == 5 and all(r.eligible and r.rank is None for r in results)
    assert all(r.score_low <= r.score <= r.score_high for r in results)
    (category,) = palmares(result_set)
    assert not category.ranked and category.awards == [] and category.proposed is None
    assert [r.structure.name for r in category.participants] == [
        "Ville A",
        "Ville B",
        "Ville C",
        "Ville D",
        "Ville E",
    ]
    town = Structure.objects.get(name="Ville A")
    with pytest.raises(Refused, match="elle n'a ni classement ni lauréat"):
        confirm_laureate(result_set, CATEGORY, town.pk, "Accueil", by=operator)
    review = review_publication(result_set)
    assert review.ranked == 0 and len(review.participants) == 5
    publish(result_set, by=operator)
    url = reverse("results:public_palmares", args=[ranked.edition_id])
    page = html.unescape(" ".join(client.get(url).text.split()))
    assert (
        "Catégorie trop petite pour un classement : 5 structures, il en faut au moins 6 ; "
        "ni rang ni distinction." in page
    )
    # Ville B refused publication: not named among the participants, but counted.
    assert (
        "Participantes : Ville A, Ville C, Ville D, Ville E (et 1 autre structure, qui n'a "
        "pas accepté la publication de ses résultats)." in page
    )
    section = page[page.index('<h3 id="pub-cat-1">') : page.index("</main>")]
    assert "Lauréat" not in section and "de sa catégorie" not in section


def test_a_stored_version_that_ranked_a_small_category_is_read_with_the_minimum(
    fabricate, operator
):
    """Versions computed before the engine applied the minimum carry ranks in categories
    of three: the palmarès reads them as participants all the same."""
    result_set = fabricate(6, published=False)
    result_set.status = "ready"
    result_set.save()
    categories = palmares(result_set)
    assert [(c.category, c.ranked, len(c.participants)) for c in categories] == [
        ("Communes A", False, 3),
        ("Communes B", False, 3),
    ]
    first = categories[0].participants[0]
    with pytest.raises(Refused, match="moins de 5 structures classées"):
        confirm_laureate(result_set, "Communes A", first.structure_id, "Accueil", by=operator)


def test_the_jury_choosing_the_second_keeps_the_first_in_every_palmares(
    ranked,  # noqa: F811
    operator,
    client,
    client_for,
):
    """Every town accepts publication; the jury confirms the 2nd of the ranking: the 1st
    stays « 1er de sa catégorie » with its score on the operator's page, the public
    palmarès and the workbook's palmarès sheet, and the laureate is said to be the jury's
    choice with its note."""
    import io

    from python_calamine import CalamineWorkbook

    from barometre.results.exports import export_results

    Enrolment.objects.filter(edition=ranked.edition).update(publish_results=True)
    (category,) = palmares(ranked)
    first, second = category.ranking[:2]
    confirm_laureate(ranked, CATEGORY, second.structure_id, "Accueil remarquable", by=operator)
    publish(ranked, by=operator)
    for url, user in (
        (reverse("results:edition", args=[ranked.edition_id]), operator),
        (reverse("results:public_palmares", args=[ranked.edition_id]), None),
    ):
        page = " ".join(client_for(user).get(url).text.split())
        assert f'<td>1er de sa catégorie</td> <th scope="row">{first.structure.name}</th>' in page
        assert "choisi par le jury, 2e du classement" in page
        assert "Accueil remarquable" in page
    ranked.refresh_from_db()
    book = CalamineWorkbook.from_filelike(io.BytesIO(export_results(ranked)))
    rows = {r[3]: r for r in book.get_sheet_by_name("Palmarès").to_python()[1:]}
    assert rows[first.structure.name][8] == "1er de sa catégorie"
    assert rows[second.structure.name][8] == "Lauréat (choisi par le jury, 2e du classement)"
    assert rows[second.structure.name][9] == "Accueil remarquable"
