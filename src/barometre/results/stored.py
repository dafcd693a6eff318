"""What a result version stores as JSON, typed once.

``results.computing`` writes these shapes and every reader (reports, internal reports,
awards, palmarès, exports, the API, the quality dashboard) reads them through the
accessors below, never through the raw ``JSONField``: mypy (``make lint``) then refuses a
misspelt key, which would otherwise silently empty a section of a report.

The stored JSON is read back as the application wrote it; a key missing from an older
version reads as absent (the ``total=False`` dictionaries), never as an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypedDict, cast

if TYPE_CHECKING:
    from barometre.results.models import ResultSet, StructureResult

NATIONAL = "(national)"  # the scope of the national rows and benchmarks


class Observation(TypedDict):
    """An auditor's free-text observation, names masked when stored."""

    channel: str
    date: str  # ISO date (the audit's day, Paris time)
    text: str


class StructureEvolution(TypedDict):
    """A structure's score in both editions on the criteria they share."""

    previous: float | None
    current: float | None
    change: float | None


class StructureDetails(TypedDict, total=False):
    """``StructureResult.details``: the structure's scores by part, and what its report
    says beside them."""

    # Score out of 100 by channel, stage, determinant; points by criterion (None: no
    # applicable answer).
    channels: dict[str, float | None]
    stages: dict[str, float | None]
    determinants: dict[str, float | None]
    criteria: dict[str, float | None]
    channel_audits: dict[str, int]  # audits scored per channel
    not_done: dict[str, int]  # audits closed as not done, per channel
    observations: list[Observation]
    evolution: StructureEvolution
    # Internal campaigns only: [satisfactory calls, calls] by stage, [audits that met it,
    # audits where it applied] by criterion.
    satisfaction: dict[str, list[int]]
    criteria_met: dict[str, list[int]]


DetailPart = Literal[
    "channels",
    "stages",
    "determinants",
    "criteria",
    "channel_audits",
    "not_done",
    "observations",
    "evolution",
    "satisfaction",
    "criteria_met",
]
ScoredPart = Literal["channels", "stages", "determinants", "criteria"]


class CategoryStatistics(TypedDict, total=False):
    """The distribution of the global scores of a category: what
    ``results.publication`` withholds below the minimum (``min`` and ``max`` are one
    structure's score each: never published)."""

    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None
    min: float | None
    max: float | None
    mean_certified: float | None
    mean_not_certified: float | None
    certified: int
    from_0: int
    from_10: int
    from_20: int
    from_30: int
    from_40: int
    from_50: int
    from_60: int
    from_70: int
    from_80: int
    from_90: int


HistogramKey = Literal[
    "from_0", "from_10", "from_20", "from_30", "from_40",
    "from_50", "from_60", "from_70", "from_80", "from_90",
]  # fmt: skip
HISTOGRAM: tuple[HistogramKey, ...] = (
    "from_0", "from_10", "from_20", "from_30", "from_40",
    "from_50", "from_60", "from_70", "from_80", "from_90",
)  # fmt: skip
# The means over structures a category row gives (``results.figures.category_mean``).
MeanKey = Literal["mean", "median", "q1", "q3", "mean_certified", "mean_not_certified"]


class CategoryRow(CategoryStatistics):
    """One row of ``ResultSet.stored_categories`` (``category`` is ``NATIONAL`` for
    France)."""

    category: str
    structures: int


class PublishedCategoryRow(CategoryRow):
    """A category row as it may be published (``results.publication.category_rows``):
    ``published`` False when only its number of structures may be."""

    published: bool


class KeyFigureRow(TypedDict):
    """One row of ``ResultSet.stored_key_figures``: a key figure with its sample (k / n)
    and interval."""

    id: str
    label: str
    unit: str
    value: float | None
    low: float | None
    high: float | None
    numerator: float | None  # a sum of weights may be fractional
    denominator: int | None


class Mean(TypedDict):
    """A comparison mean and the number of structures it is computed over."""

    mean: float | None
    n: int


class BenchmarkScope(TypedDict):
    """The comparison means of a scope (France or a category), by part and key."""

    channels: dict[str, Mean]
    stages: dict[str, Mean]
    determinants: dict[str, Mean]
    criteria: dict[str, Mean]


Benchmarks = dict[str, BenchmarkScope]  # by scope: NATIONAL or a category


class EditionEvolution(TypedDict, total=False):
    """``ResultSet.evolution``: the comparison with the previous published edition of the
    same owner, on the criteria both grids share (empty when there is none)."""

    edition: str
    year: int
    version: int
    participants: int
    structures: int
    shared_criteria: int
    previous: float | None
    current: float | None
    change: float | None


def no_category(name: str) -> PublishedCategoryRow:
    """The row of a category no structure was ranked in (nothing to publish)."""
    return {"category": name, "structures": 0, "published": False}


def no_benchmarks() -> BenchmarkScope:
    return {"channels": {}, "stages": {}, "determinants": {}, "criteria": {}}


def details(result: StructureResult) -> StructureDetails:
    return cast(StructureDetails, result.details or {})


def detail_lookup(part: DetailPart) -> str:
    """The ORM lookup that reads one part of ``details`` in SQL (``values_list``)."""
    return f"details__{part}"


# The aggregates that compare structures, raw: read by ``results.publication`` only, which
# applies the publication rule (tests/results/test_publication_rule.py checks who calls them).
def raw_categories(result_set: ResultSet) -> list[CategoryRow]:
    return cast(list[CategoryRow], result_set.stored_categories or [])


def raw_key_figures(result_set: ResultSet) -> list[KeyFigureRow]:
    return cast(list[KeyFigureRow], result_set.stored_key_figures or [])


def raw_benchmarks(result_set: ResultSet) -> Benchmarks:
    return cast(Benchmarks, result_set.stored_benchmarks or {})


def evolution(result_set: ResultSet) -> EditionEvolution:
    return cast(EditionEvolution, result_set.evolution or {})
