"""The quality dashboard: each indicator's value per year, computed from the platform's
data (feedback register, surveys, internal mystery calls, the national barometer) or
from values entered per period, against its yearly target.

A year's value of an entered indicator is the value entered for the year itself, or else
the mean of the months or quarters entered that year (a monthly count is read as "per
month", like a préfecture's monthly social-network connections)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.utils import timezone

from barometre.core.figures import Figure, Kind, insufficient, minimum, round_half_up
from barometre.engine import sp_indicator_catalogue, wilson
from barometre.improvement import register, surveys
from barometre.improvement.models import Indicator
from barometre.results import stored
from barometre.results.models import ResultSet, StructureResult

SOURCE = Indicator.Source


def parse_parameter(text: str) -> dict[str, list[str]]:
    """``kinds=complaint,suggestion; channels=email`` → {"kinds": [...], "channels": [...]};
    a bare value is read as ``channels`` for the register, the item or stage otherwise."""
    out: dict[str, list[str]] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, _, value = part.partition("=") if "=" in part else ("value", "", part)
        out[key.strip()] = [v.strip() for v in value.split(",") if v.strip()]
    return out


def _mystery_value(
    indicator: Indicator, result: StructureResult | None, *, national: bool
) -> tuple[float | None, int | None, int | None]:
    if result is None:
        return None, None, None
    stage = indicator.parameter.strip()
    if stage and not national:
        satisfied, calls = stored.details(result).get("satisfaction", {}).get(stage) or (0, 0)
        if not calls:
            return None, None, None
        return 100.0 * satisfied / calls, calls, satisfied
    return result.score, result.audits, None


def _entered(indicator: Indicator, year: int, values: list) -> float | None:
    of_year = [v for v in values if v.year == year]
    whole = [v.value for v in of_year if v.period == str(year)]
    if whole:
        return whole[0]
    return statistics.fmean(v.value for v in of_year) if of_year else None


def _minimum(indicator: Indicator) -> int:
    """The register counts every entry: it is not a sample and has no minimum."""
    if indicator.source == SOURCE.SURVEY:
        return minimum("rate")
    if indicator.source == SOURCE.MYSTERY_CALLS and indicator.parameter.strip():
        return minimum("rate")  # satisfactory calls out of the calls of the stage
    if indicator.source in (SOURCE.MYSTERY_CALLS, SOURCE.BAROMETER):
        return minimum("structure_score")
    return 0


def _kind(indicator: Indicator) -> tuple[str, str]:
    """What the indicator's value is, as a ``core.figures`` kind, and what its n counts."""
    source, stage = indicator.source, indicator.parameter.strip()
    if source == SOURCE.REGISTER_ON_TIME:
        return "rate", ""  # k / n as on the register's own table
    if source == SOURCE.SURVEY:
        return "rate", "réponses"
    if source == SOURCE.MYSTERY_CALLS and stage:
        return "rate", "appels"
    if source == SOURCE.REGISTER_DELAY:
        return "mean", "réponses"  # the answered entries
    if source in (SOURCE.MYSTERY_CALLS, SOURCE.BAROMETER):
        return "score", "audits"
    return "count", ""


def met(indicator: Indicator, value: float | None, target: float | None) -> bool | None:
    if value is None or target is None:
        return None
    return (
        value >= target if indicator.direction == Indicator.Direction.AT_LEAST else value <= target
    )


@dataclass
class Cell:
    value: float | None  # in the indicator's unit: a rate in percent
    target: float | None
    met: bool | None
    n: int | None = None  # observations behind the value (survey answers, audits, replies)
    minimum: int = 0  # below it the value is a small sample (0: never, as for the register)
    numerator: int | None = None  # a rate's k, shown as k / n
    # The day a value of a year not over was counted: the value is provisional and is
    # given no target verdict ("année en cours, au 07/12").
    as_of: dt.date | None = None
    kind: str = "count"  # core.figures kind: "rate" (k / n), "mean", "score" or "count"
    n_unit: str = ""
    # A year not over yet: no value is « pas encore de valeur », not « non suivi ».
    current: bool = False

    @property
    def figure(self) -> Figure:
        """The value as a ``core.figures.Figure``: its k / n, its interval (a rate's
        Wilson interval) and its small-sample treatments, ``compared`` and ``own``."""
        n = self.n or 0
        if self.kind == "rate" and self.value is not None and self.numerator is not None and n:
            estimate = wilson(int(self.numerator), n)
            # The register is counted whole, not sampled (minimum 0): no interval.
            sampled = self.minimum > 0
            return Figure(
                kind="rate",
                value=estimate.value,
                n=n,
                n_unit=self.n_unit,
                numerator=self.numerator,
                low=estimate.low if sampled else None,
                high=estimate.high if sampled else None,
                minimum=self.minimum,
            )
        kind: Kind = "mean" if self.kind == "mean" else "score" if self.kind == "score" else "count"
        return Figure(kind=kind, value=self.value, n=n, n_unit=self.n_unit, minimum=self.minimum)

    @property
    def small(self) -> bool:
        """Estimated from fewer observations than the minimum (docs/scoring.md §7)."""
        return self.n is not None and self.value is not None and self.figure.small

    @property
    def insufficient(self) -> str:
        return insufficient(self.n)

    def exported(self, unit: str) -> float | int | str | None:
        """The cell in an export: a count as an integer, a percent or days with one
        decimal (rounded half up), or why a small sample is not given (the treatment
        of outputs that leave the structure as data, ``Figure.compared``)."""
        if self.value is None:
            return None
        if self.small:
            return self.figure.compared
        if unit == Indicator.Unit.COUNT:
            return int(round_half_up(self.value, 0))
        return float(round_half_up(self.value, 1))


@dataclass
class Row:
    indicator: Indicator
    cells: list[Cell]  # one per year
    target: float | None  # of the target year

    @property
    def section(self) -> str:
        return self.indicator.section or self.indicator.theme or OTHER_SECTION

    @property
    def trend(self) -> str:
        """↗ / ↘ / → between the last two years with a final value, in the indicator's
        direction: a year in progress (« au 07/12 ») is no trend yet."""
        known = [c.value for c in self.cells if c.value is not None and c.as_of is None]
        if len(known) < 2 or known[-1] == known[-2]:
            return "stable" if len(known) >= 2 else ""
        better = (known[-1] > known[-2]) == (self.indicator.direction == "ge")
        return "en progrès" if better else "en recul"


OTHER_SECTION = "Autres indicateurs"


@dataclass
class Section:
    """Rows of one section of the dashboard, as the committee's review groups them."""

    name: str
    part: str  # « Relation générale avec les usagers », or empty
    rows: list[Row]

    @property
    def title(self) -> str:
        return f"{self.part} — {self.name}" if self.part else self.name


def by_section(rows: list[Row]) -> list[Section]:
    """``rows`` grouped by section: the catalogue's sections first, in the review's order
    (dispositions générales, téléphonie, site internet, courriers, réseaux sociaux,
    collectivités), then the structure's own sections in the order of their first
    indicator; within a section, the rows keep their order."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.section, []).append(row)
    known = sp_indicator_catalogue().sections
    ordered = [s for s in known if s.name in groups]
    named = {s.name for s in ordered}
    out = [Section(s.name, s.part, groups[s.name]) for s in ordered]
    out += [Section(name, "", found) for name, found in groups.items() if name not in named]
    return out


def _register_years(
    indicator: Indicator, years: list[int], shared: dict, today: dt.date
) -> list[tuple]:
    """The register's on-time rate (with its k / n) or mean delay (with its n) for every
    year at once; indicators reading the same part of the register (same kinds and
    channels) share one computation. The on-time rate's n counts
    the open entries past their due date (late), as on the register's own page."""
    params = parse_parameter(indicator.parameter)
    channels = params.get("channels") or params.get("value")
    kinds = params.get("kinds")
    key = (tuple(kinds or ()), tuple(channels or ()))
    if key not in shared:
        shared[key] = register.figures(
            indicator.structure, years, kinds=kinds, channels=channels, today=today
        )
    if indicator.source == SOURCE.REGISTER_ON_TIME:
        return [(f.on_time_rate, f.counted, f.on_time) for f in shared[key]]
    return [(f.mean_delay, f.answered, None) for f in shared[key]]


def _survey_years(indicator: Indicator, years: list[int], shared: dict) -> list[tuple]:
    """The item's % of satisfied users per year, with its n answers and k satisfied, read
    in the questionnaire the structure's review also reads (``surveys.
    reference_questionnaire``); past years' counts are cached by surveys."""
    code = indicator.parameter.strip()
    if ("survey", code) not in shared:
        questionnaire = surveys.reference_questionnaire(indicator.structure, code)
        shared["survey", code] = (
            surveys.results_by_year(questionnaire, years) if questionnaire else None
        )
    per_year = shared["survey", code]
    out = []
    for year in years:
        found = next((r for r in per_year[year] if r.item.code == code), None) if per_year else None
        out.append((found.percent, found.answers, found.satisfied) if found else (None, None, None))
    return out


def _mystery_years(
    indicator: Indicator, years: list[int], *, national: bool, shared: dict
) -> list[tuple]:
    """``_mystery`` for every year at once: the structure's results of those years are
    read in one query, the latest of each year kept (the same order as ``_mystery``)."""
    if ("mystery", national) not in shared:
        result_sets = ResultSet.objects.filter(
            status=ResultSet.Status.READY, edition__year__in=years
        )
        if national:
            result_sets = result_sets.published_national()
        else:
            result_sets = result_sets.filter(edition__owner=indicator.structure)
        results = (
            StructureResult.objects.filter(
                result_set__in=result_sets, structure=indicator.structure
            )
            .select_related("result_set__edition")
            .order_by("-result_set__edition__fieldwork_ends", "-result_set__version")
        )
        latest: dict[int, StructureResult] = {}
        for result in results:
            latest.setdefault(result.result_set.edition.year, result)
        shared["mystery", national] = latest
    latest = shared["mystery", national]
    return [_mystery_value(indicator, latest.get(y), national=national) for y in years]


# Values that grow through the year as entries and answers come in: until the year is over
# they are counted "as of today" and not judged against the target.
RUNNING_SOURCES = (SOURCE.REGISTER_ON_TIME, SOURCE.REGISTER_DELAY, SOURCE.SURVEY)


def dashboard(
    structure, years: list[int], target_year: int, today: dt.date | None = None
) -> list[Row]:
    """Rows of the dashboard: values of ``years`` and the target of ``target_year``.
    The register, the surveys and the results are read once for all the years (and
    shared by the indicators that read the same part), not once per indicator and year:
    the number of queries follows the kinds of indicators, not the data."""
    indicators = (
        Indicator.objects.filter(structure=structure)
        .prefetch_related("values", "targets")
        .select_related("structure")
    )
    today = today or timezone.localdate()
    rows = []
    shared: dict = {}
    for indicator in indicators:
        targets = {t.year: t.value for t in indicator.targets.all()}
        entered = list(indicator.values.all())
        least = _minimum(indicator)
        if indicator.source in (SOURCE.REGISTER_ON_TIME, SOURCE.REGISTER_DELAY):
            sampled = _register_years(indicator, years, shared, today)
        elif indicator.source == SOURCE.SURVEY:
            sampled = _survey_years(indicator, years, shared)
        elif indicator.source in (SOURCE.MYSTERY_CALLS, SOURCE.BAROMETER):
            national = indicator.source == SOURCE.BAROMETER
            sampled = _mystery_years(indicator, years, national=national, shared=shared)
        else:
            sampled = [(_entered(indicator, year, entered), None, None) for year in years]
        kind, n_unit = _kind(indicator)
        cells = []
        for year, (value, n, k) in zip(years, sampled, strict=True):
            target = targets.get(year)
            running = indicator.source in RUNNING_SOURCES and year >= today.year
            verdict = None if running else met(indicator, value, target)
            as_of = today if running and value is not None else None
            cells.append(
                Cell(
                    value,
                    target,
                    verdict,
                    n,
                    least,
                    k,
                    as_of,
                    kind=kind,
                    n_unit=n_unit,
                    current=year >= today.year,
                )
            )
        rows.append(Row(indicator, cells, targets.get(target_year)))
    return rows
