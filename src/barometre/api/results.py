"""Published results of an edition (public, under the publication rule of
``results.publication``) and a structure's own results through the API."""

import datetime as dt
import math
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema

from barometre.api.contract import RATE_UNIT, errors
from barometre.api.inputs import Id
from barometre.results import access as result_access
from barometre.results import figures as result_figures
from barometre.results import publication, stored
from barometre.results.models import ResultSet


class KeyFigure(Schema):
    id: str
    label: str
    kind: Literal["rate", "mean"] = Field(description="taux (k / n) ou moyenne (de n valeurs)")
    unit: str = Field(
        description=(
            "unité de la valeur : « part » pour un taux, exprimé entre 0 et 1 (0,675 = "
            "67,5 %), sinon l'unité de la moyenne (« sonneries », « / 100 »…)"
        )
    )
    value: float | None = Field(description="vide quand l'effectif est insuffisant")
    low: float | None = Field(description="borne basse de l'intervalle à 95 %, dans l'unité")
    high: float | None = Field(description="borne haute de l'intervalle à 95 %, dans l'unité")
    numerator: float | None = Field(description="numérateur d'un taux")
    denominator: int | None = Field(description="effectif : observations comptées")
    counted: str = Field(description="ce que compte l'effectif : appels, structures…")
    insufficient: bool = Field(description="effectif sous le minimum de publication")


def _key_figure(figure) -> dict:
    """A key figure as the API publishes it (docs/scoring.md §7)."""
    small = figure.small
    return {
        "id": figure.id,
        "label": figure.label,
        "kind": figure.kind,
        "unit": RATE_UNIT if figure.kind == "rate" else figure.unit,
        "value": None if small else figure.value,
        "low": None if small else figure.low,
        "high": None if small else figure.high,
        "numerator": figure.numerator,
        "denominator": figure.n,
        "counted": figure.n_unit,
        "insufficient": small,
    }


class CategoryResults(Schema):
    """A category's scores out of 100 (or France's, category « (national) »), under the
    publication rule (docs/scoring.md §7): below the minimum of structures only their
    number is given; no minimum or maximum is ever published (each is one structure's
    score)."""

    category: str = Field(description="catégorie du palmarès, « (national) » pour la France")
    structures: int = Field(description="structures ayant un score dans la catégorie")
    published: bool = Field(
        description="faux sous le minimum de structures : seul leur nombre est publié"
    )
    mean: float | None = Field(description="score moyen sur 100")
    mean_low: float | None = Field(description="borne basse de l'intervalle à 95 % du score moyen")
    mean_high: float | None = Field(description="borne haute de l'intervalle à 95 % du score moyen")
    median: float | None
    q1: float | None = Field(description="premier quartile")
    q3: float | None = Field(description="troisième quartile : seuil du quart supérieur")
    histogram: list[int] | None = Field(
        description="structures par tranche de 10 points : 0–9, 10–19, …, 90–100"
    )


def _category(row: stored.PublishedCategoryRow, interval) -> dict:
    published = row["published"]
    bounds = (interval.low, interval.high) if published and interval else (None, None)
    low, high = (b if b is not None and math.isfinite(b) else None for b in bounds)
    return {
        "category": row["category"],
        "structures": row["structures"],
        "published": published,
        "mean": row.get("mean"),
        "mean_low": low,
        "mean_high": high,
        "median": row.get("median"),
        "q1": row.get("q1"),
        "q3": row.get("q3"),
        "histogram": [int(row.get(key) or 0) for key in stored.HISTOGRAM] if published else None,
    }


class PublishedResults(Schema):
    edition_id: int
    edition: str
    version: int
    published_at: dt.datetime
    participants: int
    key_figures: list[KeyFigure]
    categories: list[CategoryResults]


class StructureResult(Schema):
    edition_id: int
    structure_id: int
    version: int
    published: bool
    score: float
    score_low: float
    score_high: float
    audits: int
    category: str
    rank: int | None
    rank_low: int | None
    rank_high: int | None
    channels: dict[str, float | None]
    stages: dict[str, float | None]
    determinants: dict[str, float | None]


results_router = Router(tags=["results"])


@results_router.get(
    "/editions/{int:edition_id}",
    response={200: PublishedResults, **errors(public=True)},
    auth=None,
    summary="Lire les résultats nationaux d'une édition",
    description=(
        "Les agrégats publiés d'une édition nationale (aucune structure nommée) : "
        "chiffres clés avec leur effectif et leur intervalle, catégories "
        "(statistiques retenues sous le minimum de structures). Public, comme la "
        "synthèse et les données ouvertes."
    ),
)
def get_national_results(request, edition_id: Id):
    """National aggregates of a published edition (no structure named): public, as the
    edition's public page and open data."""
    found = (
        ResultSet.objects.published_national()
        .filter(edition_id=edition_id)
        .select_related("edition")
        .order_by("-version")
        .first()
    )
    if found is None:
        raise Http404("Aucun résultat publié pour cette édition.")
    intervals = result_figures.mean_intervals(found.structures.values_list("category", "score"))
    return {
        "edition_id": edition_id,
        "edition": found.edition.name,
        "version": found.version,
        "published_at": found.published_at,
        "participants": found.structures.count(),
        "key_figures": [_key_figure(f) for f in publication.key_figures(found)],
        "categories": [
            _category(row, intervals.get(row["category"]))
            for row in publication.category_rows(found)
        ],
    }


@results_router.get(
    "/editions/{int:edition_id}/structures/{int:structure_id}",
    response={200: StructureResult, **errors()},
    summary="Lire le résultat d'une structure",
    description=(
        "Le score d'une structure dans une édition, avec son intervalle à 90 %, son "
        "rang et l'intervalle de son rang, et ses scores par canal, étape et "
        "déterminant, pour qui peut lire ses résultats."
    ),
)
def get_structure_result(request, edition_id: Id, structure_id: Id):
    result = result_access.get_structure_result(request.user, edition_id, structure_id)
    details = stored.details(result)
    return {
        "edition_id": edition_id,
        "structure_id": structure_id,
        "version": result.result_set.version,
        "published": result.result_set.published_at is not None,
        "score": result.score,
        "score_low": result.score_low,
        "score_high": result.score_high,
        "audits": result.audits,
        "category": result.category,
        "rank": result.rank,
        "rank_low": result.rank_low,
        "rank_high": result.rank_high,
        "channels": details.get("channels", {}),
        "stages": details.get("stages", {}),
        "determinants": details.get("determinants", {}),
    }
