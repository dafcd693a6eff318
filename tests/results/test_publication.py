"""Publication as a reviewed decision: previews never reach the public, a stale version
is refused, a published edition is corrected by a new version with an erratum."""

import pytest
from django.urls import reverse

from barometre.campaigns.models import AuditTask, Edition
from barometre.core.errors import Refused
from barometre.results.computing import publish, request_computation, review_publication
from barometre.results.models import Laureate, ResultSet
from barometre.results.palmares import confirm_laureate
from tests.results.test_palmares import ranked  # noqa: F401

pytestmark = pytest.mark.django_db


def _at(edition, status):
    Edition.objects.filter(pk=edition.pk).update(status=status)
    edition.refresh_from_db()
    return edition


def _state(result_set):
    result_set.refresh_from_db()
    edition = Edition.objects.get(pk=result_set.edition_id)
    return result_set.published_at, result_set.erratum, edition.status, edition.transitions.count()


def test_nothing_is_computed_before_fieldwork(filled, operator):
    _at(filled, "enrolment")
    with pytest.raises(Refused) as caught:
        request_computation(filled, by=operator)
    assert caught.value.reasons == [
        "l'édition est en phase « Inscriptions » : les résultats se calculent à partir du terrain"
    ]
    assert not ResultSet.objects.exists()


@pytest.mark.parametrize("phase", ["fieldwork", "validation"])
def test_a_preview_computed_before_the_results_phase_is_never_published(
    filled, operator, client, phase
):
    _at(filled, phase)
    preview = request_computation(filled, by=operator)
    preview.refresh_from_db()
    assert preview.status == "ready" and preview.preview
    before = _state(preview)
    with pytest.raises(Refused) as caught:
        publish(preview, by=operator)
    label = {"fieldwork": "Terrain", "validation": "Validation"}[phase]
    assert caught.value.reasons == [
        f"l'édition est en phase « {label} » : les résultats ne se publient qu'en phase "
        "« Résultats »",
        "la version 1 est un aperçu calculé avant la phase « Résultats » : recalculez les "
        "résultats pour obtenir une version publiable",
    ]
    assert _state(preview) == before
    # Still in results phase, the preview stays unpublishable; recomputing makes it a
    # regular version.
    _at(filled, "results")
    with pytest.raises(Refused, match="est un aperçu"):
        publish(preview, by=operator)
    assert client.get(reverse("results:synthesis", args=[filled.pk])).status_code == 404
    again = request_computation(filled, by=operator)
    again.refresh_from_db()
    assert again.pk == preview.pk and not again.preview
    publish(again, by=operator)


def test_a_version_computed_before_the_last_validation_is_stale(filled, operator, client_for):
    result_set = request_computation(filled, by=operator)
    result_set.refresh_from_db()
    late = AuditTask.objects.filter(edition=filled).first()
    AuditTask.objects.filter(pk=late.pk).update(status="submitted")
    review = review_publication(result_set)
    assert review.refusals == [
        "la version 1 a été calculée avant la dernière validation d'audit (7 audits pris en "
        "compte, 6 validés aujourd'hui) : recalculez-la avant de publier"
    ]
    before = _state(result_set)
    page = client_for(operator).post(reverse("results:publish", args=[filled.pk, 1]), follow=True)
    assert "La version 1 a été calculée avant la dernière validation d&#x27;audit" in page.text
    assert _state(result_set) == before


def test_the_publication_page_says_what_becomes_public(filled, operator, client_for):
    result_set = request_computation(filled, by=operator)
    review = review_publication(ResultSet.objects.get(pk=result_set.pk))
    assert review.refusals == [] and review.correction_of is None
    assert (review.structures, review.validated) == (2, 7)
    page = client_for(operator).get(reverse("results:publish", args=[filled.pk, 1]))
    text = page.text
    assert "La synthèse nationale (page et PDF)" in text
    assert "chacune des 2 structures ayant des résultats" in text
    assert "Les audits non réalisés comptent comme couverture manquante" in text
    assert "Confirmer la publication" in text


def test_publishing_moves_the_edition_and_a_correction_needs_an_erratum(
    filled, operator, client, client_for
):
    first = request_computation(filled, by=operator)
    first.refresh_from_db()
    publish(first, by=operator)
    filled.refresh_from_db()
    assert filled.status == "published"
    assert filled.transitions.get(target="published").reason == "version 1 publiée"

    # A correction: a new version, computed after publication, published with an erratum.
    second = request_computation(filled, by=operator)
    second.refresh_from_db()
    assert second.version == 2 and not second.preview
    before = _state(second)
    with pytest.raises(Refused) as caught:
        publish(second, by=operator, erratum="  ")
    assert caught.value.reasons == [
        "la version 1 est déjà publiée : la version corrigée doit porter une note d'erratum "
        "qui dit ce qui a changé"
    ]
    assert _state(second) == before
    page = client_for(operator).get(reverse("results:publish", args=[filled.pk, 2]))
    shown = " ".join(page.text.split())
    assert "Publier la version 2 (correction de la version 1)" in shown
    assert "Note d'erratum" in shown
    client_for(operator).post(
        reverse("results:publish", args=[filled.pk, 2]),
        {"erratum": "Un audit de Metz était compté deux fois."},
    )
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.published_at and second.erratum == "Un audit de Metz était compté deux fois."
    assert first.published_at is not None  # the earlier version stays in the history
    synthesis = client.get(reverse("results:synthesis", args=[filled.pk]))
    assert "Version corrigée le" in synthesis.text
    assert "Un audit de Metz était compté deux fois." in synthesis.text
    history = client_for(operator).get(reverse("results:edition", args=[filled.pk]))
    assert "version corrigée : Un audit de Metz était compté deux fois." in history.text


def test_a_published_palmares_changes_only_through_a_correction(ranked, operator):  # noqa: F811
    from barometre.results.palmares import palmares

    (category,) = palmares(ranked)
    confirm_laureate(
        ranked, category.category, category.proposed.structure_id, "Réponses complètes", by=operator
    )
    publish(ranked, by=operator)
    with pytest.raises(Refused) as caught:
        confirm_laureate(
            ranked, category.category, category.proposed.structure_id, "Autre note", by=operator
        )
    assert caught.value.reasons == [
        "la version 1 est publiée : son palmarès et les notes du jury ne changent plus ; "
        "calculez une version corrigée pour les modifier"
    ]
    assert Laureate.objects.get(result_set=ranked).jury_note == "Réponses complètes"
    # The correction starts from the published palmarès, and may change it.
    correction = request_computation(ranked.edition, by=operator)
    correction.refresh_from_db()
    carried = Laureate.objects.get(result_set=correction)
    assert (carried.structure_id, carried.jury_note) == (
        category.proposed.structure_id,
        "Réponses complètes",
    )
    confirm_laureate(
        correction, category.category, category.proposed.structure_id, "Note corrigée", by=operator
    )
    assert Laureate.objects.get(result_set=ranked).jury_note == "Réponses complètes"
