"""Report builders: what a structure's dashboard, its PDF report and the national synthesis
show, as plain data. They run without HTTP, read a bounded number of SQL queries whatever
the size of the edition, and never expose another participant's identity: in a structure's
report the others are only ranks and scores."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from barometre.core.figures import Figure
from barometre.engine import Estimate
from barometre.results import figures as result_figures
from barometre.results import publication, stored
from barometre.results.figures import Funnel
from barometre.results.models import ResultSet, StructureResult
from barometre.results.palmares import CategoryPalmares, palmares
from barometre.results.stored import (
    CategoryRow,
    CategoryStatistics,
    EditionEvolution,
    PublishedCategoryRow,
    ScoredPart,
)
from barometre.structures.models import StructureKind

NATIONAL = "(national)"
GAPS_SHOWN = 5
RECOMMENDATIONS_SHOWN = 8
NEIGHBOURS_EACH_SIDE = 2
LOCAL_AUTHORITIES = {
    StructureKind.COMMUNE,
    StructureKind.INTERCOMMUNALITY,
    StructureKind.DEPARTMENT,
    StructureKind.REGION,
}


@dataclass
class Compared:
    """One channel, stage or determinant: the structure against its category and France."""

    id: str
    label: str
    score: float | None
    category: float | None
    national: float | None
    audits: int | None = None

    @property
    def gap(self) -> float | None:
        if self.score is None or self.category is None:
            return None
        return self.score - self.category

    @property
    def national_mean(self) -> Figure:
        """In the synthesis, ``score`` is the mean over the ``audits`` structures audited
        on this channel (stage, determinant)."""
        stats: CategoryRow = {"category": "", "structures": self.audits or 0, "mean": self.score}
        return result_figures.category_mean(stats)


@dataclass
class Neighbour:
    label: str  # "Votre structure" or "Autre participant"
    rank: int | None
    score: float
    low: float
    high: float
    own: bool
    overlaps_own: bool


@dataclass
class Gap:
    criterion: str
    label: str
    channel: str
    points: float  # % of the criterion's points obtained
    reference: float  # category mean (or national when the category is alone)
    recommendation: str

    @property
    def gap(self) -> float:
        return self.points - self.reference


@dataclass
class StructureReport:
    result_set: ResultSet
    result: StructureResult
    category_stats: PublishedCategoryRow | None
    national_stats: PublishedCategoryRow | None
    channels: list[Compared]
    stages: list[Compared]
    determinants: list[Compared]
    neighbours: list[Neighbour]
    ranked: int  # eligible structures ranked in the category
    above_apart: bool | None  # can be told apart from the structure ranked just above?
    below_apart: bool | None
    strengths: list[Gap]
    weaknesses: list[Gap]
    recommendations: list[Gap]
    evolution: EditionEvolution | None  # the edition's, with the structure's scores
    observations: list[dict]
    key_figures: list[Figure] = field(default_factory=list)
    funnel: Funnel | None = None

    @property
    def score(self) -> Figure:
        return result_figures.structure_score(self.result)

    @property
    def not_done(self) -> int:
        """Audits closed as not done when the fieldwork closed: missing coverage."""
        return sum(stored.details(self.result).get("not_done", {}).values())

    intervals: dict = field(default_factory=dict)  # category → 95 % interval of its mean

    @property
    def category_mean(self) -> Figure | None:
        if not self.category_stats:
            return None
        interval = self.intervals.get(self.result.category or "")
        return result_figures.category_mean(self.category_stats, interval=interval)

    @property
    def national_mean(self) -> Figure | None:
        if not self.national_stats:
            return None
        interval = self.intervals.get(NATIONAL)
        return result_figures.category_mean(self.national_stats, interval=interval)

    @property
    def structure(self):
        return self.result.structure

    @property
    def edition(self):
        return self.result_set.edition

    @property
    def standing(self) -> str:
        """Where the structure stands against its neighbours in the ranking (empty when
        it is not ranked)."""
        if not self.result.rank:
            return ""
        return standing_sentence(
            self.above_apart, self.below_apart, self.result.rank, self.result.tied_with_leader
        )


ABOVE = "celui de la structure classée juste au-dessus"
BELOW = "celui de la structure classée juste en dessous"


def standing_sentence(
    above_apart: bool | None, below_apart: bool | None, rank: int, tied_with_leader: bool | None
) -> str:
    """« Votre score se distingue de celui de la structure classée juste au-dessus, mais
    pas de celui de la structure classée juste en dessous. »: ``None`` when there is no
    structure on that side, otherwise whether the two score intervals are apart."""
    if above_apart is None and below_apart is None:
        sentence = "Votre structure est la seule classée dans sa catégorie."
    elif above_apart is None:
        verb = "se distingue de" if below_apart else "ne peut pas être distingué de"
        sentence = f"Votre structure est en tête de sa catégorie ; votre score {verb} {BELOW}."
    elif below_apart is None:
        verb = "se distingue de" if above_apart else "ne peut pas être distingué de"
        sentence = f"Votre score {verb} {ABOVE} ; aucune structure n'est classée après la vôtre."
    elif above_apart and below_apart:
        sentence = f"Votre score se distingue de {ABOVE} comme de {BELOW}."
    elif above_apart:
        sentence = f"Votre score se distingue de {ABOVE}, mais pas de {BELOW}."
    elif below_apart:
        sentence = (
            f"Votre score ne peut pas être distingué de {ABOVE}, mais il se distingue de {BELOW}."
        )
    else:
        sentence = f"Votre score ne peut être distingué ni de {ABOVE}, ni de {BELOW}."
    if tied_with_leader and rank > 1:
        sentence += " Votre intervalle rejoint celui de la structure classée première."
    return sentence


def _overlap(a_low, a_high, b_low, b_high) -> bool:
    return a_low <= b_high and b_low <= a_high


def _compare(items, own: dict, category: dict, national: dict, audits: dict | None = None):
    return [
        Compared(
            id=item.id,
            label=item.label,
            score=own.get(item.id),
            category=(category.get(item.id) or {}).get("mean"),
            national=(national.get(item.id) or {}).get("mean"),
            audits=(audits or {}).get(item.id),
        )
        for item in items
        if item.id in own or item.id in national
    ]


@dataclass
class SharedFigures:
    """What every structure report of a result version reads: every structure's score
    (for the funnel and the neighbours), the category and national intervals, the key
    figures. A batch computes them once for all its reports."""

    # (pk, score, score_low, score_high, audits, category, eligible, rank), by pk
    everyone: list[tuple]
    intervals: dict
    key_figures: list[Figure]

    def ranked(self, category: str) -> list[tuple]:
        """(pk, rank, score, score_low, score_high) of the ranked structures of a
        category, best first."""
        rows = [r for r in self.everyone if r[5] == category and r[6] and r[7] is not None]
        rows.sort(key=lambda r: (r[7], -r[1]))
        return [(r[0], r[7], r[1], r[2], r[3]) for r in rows]


def shared_figures(result_set: ResultSet) -> SharedFigures:
    everyone = list(
        StructureResult.objects.filter(result_set=result_set)
        .order_by("pk")
        .values_list(
            "pk", "score", "score_low", "score_high", "audits", "category", "eligible", "rank"
        )
    )
    return SharedFigures(
        everyone=everyone,
        intervals=result_figures.mean_intervals((r[5], r[1]) for r in everyone),
        key_figures=publication.key_figures(result_set),
    )


def structure_report(
    result: StructureResult, shared: SharedFigures | None = None
) -> StructureReport:
    """Everything a structure's dashboard and PDF report show. ``result`` should come with
    ``result_set__edition__grid`` and ``structure`` selected (see ``get_structure_result``);
    ``shared``, the figures of its result version, is read when not given."""
    result_set = result.result_set
    shared = shared or shared_figures(result_set)
    grid = result_set.grid.parsed()
    details = stored.details(result)
    benchmarks = publication.benchmarks(result_set)
    national = benchmarks.get(NATIONAL) or stored.no_benchmarks()
    category = (benchmarks.get(result.category) if result.category else None) or (
        stored.no_benchmarks()
    )
    channel_labels = {c.id: c.label for c in grid.channels}

    neighbours, ranked, above_apart, below_apart = [], 0, None, None
    if result.eligible and result.rank:
        rows = shared.ranked(result.category)
        ranked = len(rows)
        position = next(i for i, row in enumerate(rows) if row[0] == result.pk)
        window = rows[max(0, position - NEIGHBOURS_EACH_SIDE) : position + NEIGHBOURS_EACH_SIDE + 1]
        for pk, rank, score, low, high in window:
            own = pk == result.pk
            neighbours.append(
                Neighbour(
                    "Votre structure" if own else "Autre participant",
                    rank,
                    score,
                    low,
                    high,
                    own,
                    _overlap(low, high, result.score_low, result.score_high),
                )
            )
        if position > 0:
            above = rows[position - 1]
            above_apart = not _overlap(above[3], above[4], result.score_low, result.score_high)
        if position < ranked - 1:
            below = rows[position + 1]
            below_apart = not _overlap(below[3], below[4], result.score_low, result.score_high)

    own_criteria = details.get("criteria", {})
    category_criteria = category.get("criteria", {})
    national_criteria = national.get("criteria", {})
    gaps = []
    for criterion in grid.criteria:
        own = own_criteria.get(criterion.id)
        if not criterion.scored or own is None:
            continue
        reference = category_criteria.get(criterion.id)
        # Alone in its category, or too few to publish its mean: compare with France.
        if reference is None or reference["n"] < 2 or reference["mean"] is None:
            reference = national_criteria.get(criterion.id)
        if reference is None or reference["mean"] is None:
            continue
        gaps.append(
            Gap(
                criterion.id,
                criterion.label,
                channel_labels.get(criterion.channel, ""),
                100.0 * own,
                100.0 * reference["mean"],
                criterion.recommendation,
            )
        )
    strengths = sorted((g for g in gaps if g.gap > 0), key=lambda g: -g.gap)[:GAPS_SHOWN]
    weaknesses = sorted((g for g in gaps if g.gap < 0), key=lambda g: g.gap)[:GAPS_SHOWN]
    # Recommendations: the weaknesses first, then every criterion scored below half.
    recommendations, seen = [], set()
    for gap in [*weaknesses, *sorted((g for g in gaps if g.points < 50), key=lambda g: g.points)]:
        if gap.recommendation and gap.criterion not in seen:
            seen.add(gap.criterion)
            recommendations.append(gap)
    evolution: EditionEvolution | None = None
    if "evolution" in details:
        evolution = {**stored.evolution(result_set), **details["evolution"]}
    stats = publication.categories_by_name(result_set)
    national_row = stats.get(NATIONAL)
    national_mean = national_row.get("mean") if national_row else None
    return StructureReport(
        result_set=result_set,
        result=result,
        category_stats=stats.get(result.category),
        national_stats=stats.get(NATIONAL),
        channels=_compare(
            grid.channels,
            details.get("channels", {}),
            category.get("channels", {}),
            national.get("channels", {}),
            details.get("channel_audits", {}),
        ),
        stages=_compare(
            grid.stages,
            details.get("stages", {}),
            category.get("stages", {}),
            national.get("stages", {}),
        ),
        determinants=_compare(
            grid.determinants,
            details.get("determinants", {}),
            category.get("determinants", {}),
            national.get("determinants", {}),
        ),
        neighbours=neighbours,
        ranked=ranked,
        above_apart=above_apart,
        below_apart=below_apart,
        strengths=strengths,
        weaknesses=weaknesses,
        recommendations=recommendations[:RECOMMENDATIONS_SHOWN],
        evolution=evolution,
        observations=[
            dict(o, channel=channel_labels.get(o["channel"], o["channel"]))
            for o in result.observations()
        ],
        key_figures=shared.key_figures,
        funnel=result_figures.funnel(
            [r[:5] for r in shared.everyone], national_mean, own_pk=result.pk
        ),
        intervals=shared.intervals,
    )


@dataclass
class CategoryLine:
    category: str
    structures: int
    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None
    change: float | None  # mean change on shared criteria, structures present in both
    compared: int  # structures in both editions
    histogram: list[int]
    interval: Estimate | None = None  # of the mean, from the structures' scores

    @property
    def mean_figure(self) -> Figure:
        stats: CategoryRow = {
            "category": self.category,
            "structures": self.structures,
            "mean": self.mean,
        }
        return result_figures.category_mean(stats, interval=self.interval)

    @property
    def small(self) -> bool:
        return self.mean_figure.small


@dataclass
class NationalSynthesis:
    result_set: ResultSet
    participants: int
    local_authorities: int
    others: int
    national: PublishedCategoryRow
    change: float | None
    previous_participants: int | None
    certified: int
    mean_certified: float | None
    mean_not_certified: float | None
    categories: list[CategoryLine]
    channels: list[Compared]
    determinants: list[Compared]
    stages: list[Compared]
    key_figures: list[Figure]
    visit: Compared | None
    visit_figures: list[Figure]
    palmares: list[CategoryPalmares]
    histogram: list[int]
    evolution: EditionEvolution
    funnel: Funnel | None = None
    intervals: dict = field(default_factory=dict)  # category → 95 % interval of its mean

    @property
    def edition(self):
        return self.result_set.edition

    @property
    def mean(self) -> Figure:
        return result_figures.category_mean(self.national, interval=self.intervals.get(NATIONAL))

    @property
    def published_categories(self) -> list[CategoryLine]:
        """The categories whose mean is drawn: enough structures (§7)."""
        return [c for c in self.categories if not c.small]

    @property
    def published_channels(self) -> list[Compared]:
        """The channels whose mean is drawn: audited in enough structures (§7)."""
        return [c for c in self.channels if not c.national_mean.small]

    @property
    def certified_mean(self) -> Figure:
        return result_figures.category_mean(self.national, "mean_certified")

    @property
    def not_certified_mean(self) -> Figure:
        return result_figures.category_mean(self.national, "mean_not_certified")

    @property
    def local_share(self) -> float:
        return 100.0 * self.local_authorities / self.participants if self.participants else 0.0

    @property
    def participants_change(self) -> float | None:
        if not self.previous_participants:
            return None
        return 100.0 * (self.participants - self.previous_participants) / self.previous_participants

    @property
    def certified_gap(self) -> float | None:
        if self.mean_certified is None or self.mean_not_certified is None:
            return None
        return self.mean_certified - self.mean_not_certified


def _histogram(row: CategoryStatistics) -> list[int]:
    return [int(row.get(key) or 0) for key in stored.HISTOGRAM]


def national_synthesis(result_set: ResultSet, *, public: bool = True) -> NationalSynthesis:
    """The national synthesis of an edition: participants and their mix, global score and
    change, categories, channels with their key figures, certified vs not, distributions,
    the top-quartile threshold, the physical-visit channel and the palmarès."""
    grid = result_set.grid.parsed()
    kinds = list(
        StructureResult.objects.filter(result_set=result_set).values_list(
            "category",
            "structure__kind",
            stored.detail_lookup("evolution") + "__change",
            "pk",
            "score",
            "score_low",
            "score_high",
            "audits",
        )
    )
    local = sum(1 for _, kind, *_ in kinds if kind in LOCAL_AUTHORITIES)
    changes = defaultdict(list)
    for category, _, change, *_ in kinds:
        if change is not None:
            changes[category].append(float(change))
    stats = publication.categories_by_name(result_set)
    national_row = stats.get(NATIONAL) or stored.no_category(NATIONAL)
    intervals = result_figures.mean_intervals((row[0], row[4]) for row in kinds)
    categories = [
        CategoryLine(
            category=name,
            structures=int(row.get("structures") or 0),
            mean=row.get("mean"),
            median=row.get("median"),
            q1=row.get("q1"),
            q3=row.get("q3"),
            change=(sum(changes[name]) / len(changes[name])) if changes[name] else None,
            compared=len(changes[name]),
            histogram=_histogram(row),
            interval=intervals.get(name),
        )
        for name, row in stats.items()
        if name != NATIONAL
    ]
    national = publication.benchmarks(result_set).get(NATIONAL) or stored.no_benchmarks()

    def compared(items, key: ScoredPart):
        means = national[key]
        return [
            Compared(i.id, i.label, means[i.id].get("mean"), None, None, means[i.id].get("n"))
            for i in items
            if i.id in means
        ]

    channels = compared(grid.channels, "channels")
    visit = next((c for c in channels if c.id == "visit"), None)
    figures = publication.key_figures(result_set)
    evolution = stored.evolution(result_set)
    return NationalSynthesis(
        result_set=result_set,
        participants=len(kinds),
        local_authorities=local,
        others=len(kinds) - local,
        national=national_row,
        change=evolution.get("change"),
        previous_participants=evolution.get("participants"),
        certified=int(national_row.get("certified") or 0),
        mean_certified=national_row.get("mean_certified"),
        mean_not_certified=national_row.get("mean_not_certified"),
        categories=categories,
        channels=channels,
        determinants=compared(grid.determinants, "determinants"),
        stages=compared(grid.stages, "stages"),
        key_figures=figures,
        visit=visit,
        # Key figure ids start with their channel: phone_first_attempt, visit_mean_score…
        visit_figures=[f for f in figures if f.id.startswith("visit_")],
        palmares=palmares(result_set, public=public) if not result_set.edition.owner_id else [],
        histogram=_histogram(national_row),
        evolution=evolution,
        funnel=result_figures.funnel([row[3:] for row in kinds], national_row.get("mean")),
        intervals=intervals,
    )
