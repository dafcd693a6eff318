"""The report of an internal campaign: a structure's own mystery calls read against its
target, as a préfecture's users' committee review presents them ("88,20 % taux de
satisfaction serveur vocal interactif, cible > 85 %"), never against other structures.

Per stage, the rate of satisfactory calls (k / n, Wilson interval, the grid's target);
the same rates for the structure's earlier internal campaigns, year after year; strengths
and improvement points, the criteria most and least often met with their rates; and, only
if the structure also took part in a published national edition, its national score,
shown as such. Rules: docs/scoring.md §9."""

from __future__ import annotations

from dataclasses import dataclass, field

from barometre.core.figures import Figure, minimum
from barometre.engine import Satisfaction, wilson
from barometre.results import stored
from barometre.results.models import ResultSet, StructureResult
from barometre.results.stored import StructureDetails

STRENGTHS_SHOWN = 5
IMPROVEMENTS_SHOWN = 3
YEARS_SHOWN = 3


def rate(
    satisfied: int, n: int, n_unit: str = "appels", *, label: str = "", id: str = ""
) -> Figure:
    """k satisfactory (or met) out of n, with its 95 % Wilson interval."""
    estimate = wilson(satisfied, n)
    return Figure(
        kind="rate",
        value=estimate.value if n else None,
        n=n,
        n_unit=n_unit,
        numerator=satisfied,
        low=estimate.low if n else None,
        high=estimate.high if n else None,
        minimum=minimum("rate"),
        label=label,
        id=id,
    )


@dataclass
class StageRate:
    id: str
    label: str
    figure: Figure
    target: float  # a share, 0.85

    @property
    def meets_target(self) -> bool | None:
        if self.figure.value is None:
            return None
        return self.figure.value >= self.target


@dataclass
class CampaignRates:
    """One internal campaign's rates per stage (earlier years included)."""

    name: str
    year: int
    calls: int
    rates: dict[str, Figure]


@dataclass
class InternalReport:
    result_set: ResultSet
    result: StructureResult
    satisfaction: Satisfaction
    stages: list[StageRate]
    strengths: list[Figure]
    improvements: list[Figure]
    history: list[CampaignRates] = field(default_factory=list)  # oldest first, this one last
    national: StructureResult | None = None  # the latest published national participation

    @property
    def target(self) -> float:
        return self.satisfaction.target / 100.0

    @property
    def threshold(self) -> float:
        return self.satisfaction.threshold

    @property
    def history_rows(self) -> list[tuple[str, list[Figure | None]]]:
        """Per stage of this campaign, its rate in each campaign of ``history``."""
        return [(s.label, [c.rates.get(s.id) for c in self.history]) for s in self.stages]

    @property
    def structure(self):
        return self.result.structure

    @property
    def edition(self):
        return self.result_set.edition

    @property
    def observations(self) -> list[dict]:
        return self.result.observations()


def _stage_rates(grid, details: StructureDetails) -> dict[str, Figure]:
    stored = details.get("satisfaction", {})
    return {
        s.id: rate(stored[s.id][0], stored[s.id][1], label=s.label, id=s.id)
        for s in grid.stages
        if s.id in stored
    }


def _met(figure: Figure) -> float:
    """A criterion's rate: never None, _criteria_rates keeps criteria with audits only."""
    if figure.value is None:
        raise ValueError(f"critère {figure.id} sans audit")
    return figure.value


def _criteria_rates(grid, details: StructureDetails) -> list[Figure]:
    stored = details.get("criteria_met", {})
    return [
        rate(stored[c.id][0], stored[c.id][1], label=c.label, id=c.id)
        for c in grid.criteria
        if c.scored and c.id in stored and stored[c.id][1]
    ]


def _history(result: StructureResult, grid) -> list[CampaignRates]:
    """The structure's internal campaigns up to this one, the latest computed version of
    each, YEARS_SHOWN at most, oldest first."""
    edition = result.result_set.edition
    rows = (
        StructureResult.objects.filter(
            structure_id=result.structure_id,
            result_set__status=ResultSet.Status.READY,
            result_set__edition__owner_id=result.structure_id,
            result_set__edition__fieldwork_ends__lte=edition.fieldwork_ends,
        )
        .exclude(result_set__edition_id=edition.pk)
        .select_related("result_set__edition")
        .order_by("-result_set__edition__fieldwork_ends", "-result_set__version")
    )
    seen, earlier = set(), []
    for row in rows:
        if row.result_set.edition_id in seen:
            continue
        seen.add(row.result_set.edition_id)
        earlier.append(row)
        if len(earlier) == YEARS_SHOWN - 1:
            break
    campaigns = [*reversed(earlier), result]
    return [
        CampaignRates(
            name=row.result_set.edition.name,
            year=row.result_set.edition.year,
            calls=row.audits,
            rates=_stage_rates(grid, stored.details(row)),
        )
        for row in campaigns
    ]


def _national(result: StructureResult) -> StructureResult | None:
    return (
        StructureResult.objects.filter(
            structure_id=result.structure_id,
            result_set__in=ResultSet.objects.published_national(),
        )
        .select_related("result_set__edition")
        .order_by("-result_set__edition__year", "-result_set__version")
        .first()
    )


def internal_report(result: StructureResult) -> InternalReport:
    """Everything an internal campaign's page, PDF and the annual review show."""
    result_set = result.result_set
    grid = result_set.grid.parsed()
    target = grid.satisfaction.target / 100.0
    rates = _stage_rates(grid, stored.details(result))
    stages = [StageRate(s.id, s.label, rates[s.id], target) for s in grid.stages if s.id in rates]
    criteria = _criteria_rates(grid, stored.details(result))
    # Strengths: met at least as often as the target, most often first; improvement
    # points: met less often, least often first. Equal rates: the larger sample first.
    strengths = sorted((f for f in criteria if _met(f) >= target), key=lambda f: (-_met(f), -f.n))
    improvements = sorted((f for f in criteria if _met(f) < target), key=lambda f: (_met(f), -f.n))
    return InternalReport(
        result_set=result_set,
        result=result,
        satisfaction=grid.satisfaction,
        stages=stages,
        strengths=strengths[:STRENGTHS_SHOWN],
        improvements=improvements[:IMPROVEMENTS_SHOWN],
        history=_history(result, grid),
        national=_national(result),
    )
