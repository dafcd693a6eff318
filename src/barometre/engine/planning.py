"""Planning the fieldwork of an edition: which audit happens when, and who does it.

Only on-site channels (the physical visit by default) need an auditor covering the
structure's département; remote contacts (phone, e-mail, letter, web, social networks,
reviews) can be made from anywhere.

``generate_tasks`` spreads each structure's planned audits over the fieldwork window:
on working days of the structure's calendar, within its opening hours, and never two on
the same channel in the same week. When the structure's weekly hours are known (from the
Annuaire de l'administration), its visits and calls fall on the days it opens, within
that day's hours; otherwise, and for the other channels, ``opening_hours`` every day.

``assign`` gives each task to an auditor who covers the structure's département, is not
tied to it (declared conflict or same commune of residence), has not audited it already
in the edition, and has capacity left that week; among those, the least loaded. Tasks
nobody can take are returned with the reason.
``assignment_problems`` checks one hand-made assignment against the same rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from barometre.engine.calendars import is_off
from barometre.engine.errors import EngineError

ON_SITE_CHANNELS = frozenset({"visit"})
# Channels that reach the office itself, so only while it is open.
HOURS_CHANNELS = frozenset({"visit", "phone"})
DEFAULT_HOURS = ((dt.time(9, 0), dt.time(12, 0)), (dt.time(14, 0), dt.time(17, 0)))
Slots = tuple[tuple[dt.time, dt.time], ...]


@dataclass(frozen=True)
class StructureToAudit:
    id: str
    department: str
    commune: str = ""
    kind: str = ""
    # Channel → number of audits planned there (only channels where it has a presence).
    planned: dict[str, int] = field(default_factory=dict)
    opening_hours: Slots = DEFAULT_HOURS
    # Weekday (0 = Monday) → that day's slots; empty when unknown.
    weekly_hours: dict[int, Slots] = field(default_factory=dict)

    def slots(self, channel: str, day: dt.date) -> Slots:
        if self.weekly_hours and channel in HOURS_CHANNELS:
            return self.weekly_hours.get(day.weekday(), ())
        return self.opening_hours


def weekly_hours(hours: Mapping[str, Sequence[Sequence[str]]]) -> dict[int, Slots]:
    """Stored opening hours ({"0": [["08:30", "12:00"], …]}) as the planner's slots,
    leaving out slots too short to place an audit in."""
    result: dict[int, Slots] = {}
    for day, slots in hours.items():
        parsed = tuple(
            (dt.time.fromisoformat(start), dt.time.fromisoformat(end))
            for start, end in slots
            if dt.time.fromisoformat(end) > dt.time.fromisoformat(start)
        )
        if parsed:
            result[int(day)] = parsed
    return result


@dataclass(frozen=True)
class Auditor:
    id: str
    departments: frozenset[str]
    weekly_capacity: int
    commune: str = ""
    conflicts: frozenset[str] = frozenset()  # structure ids the auditor is tied to


@dataclass
class Task:
    structure: str
    channel: str
    sequence: int  # 1..planned on that channel
    scheduled: dt.datetime
    scenario: str | None = None
    auditor: str | None = None
    problem: str = ""

    @property
    def key(self) -> str:
        return f"{self.structure}/{self.channel}/{self.sequence}"

    @property
    def week(self) -> tuple[int, int]:
        iso = self.scheduled.isocalendar()
        return (iso.year, iso.week)


def _stable(*parts: object) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def _weeks(start: dt.date, end: dt.date) -> list[list[dt.date]]:
    weeks: dict[tuple[int, int], list[dt.date]] = {}
    day = start
    while day <= end:
        iso = day.isocalendar()
        weeks.setdefault((iso.year, iso.week), []).append(day)
        day += dt.timedelta(days=1)
    return list(weeks.values())


def generate_tasks(
    structures: list[StructureToAudit],
    start: dt.date,
    end: dt.date,
    *,
    scenarios: dict[tuple[str, str], list[str]] | None = None,
    seed: int = 0,
    spread: str = "week",
) -> list[Task]:
    """Tasks for every planned audit. ``scenarios`` maps (channel, structure kind) to the
    scenario ids suited to it (kind "" for any); a structure never gets the same scenario
    twice on a channel while there are enough of them. ``spread="week"`` (a barometer)
    never puts two audits of a channel in the same week; ``spread="day"`` (a structure's
    own campaign of many calls) never puts two on the same day."""
    if end < start:
        raise EngineError("la fin du terrain précède son début", path="fieldwork")
    weeks = _weeks(start, end)
    tasks: list[Task] = []
    for structure in structures:
        working = [[d for d in week if not is_off(d, structure.department)] for week in weeks]
        for channel, planned in structure.planned.items():
            if planned <= 0:
                continue
            open_weeks = [[d for d in week if structure.slots(channel, d)] for week in working]
            open_weeks = [w for w in open_weeks if w]
            if spread == "day":
                open_weeks = [[day] for week in open_weeks for day in week]
            if planned > len(open_weeks):
                unit = "jours ouvrés" if spread == "day" else "semaines ouvrées"
                if structure.weekly_hours and channel in HOURS_CHANNELS:
                    unit += " d'ouverture"
                raise EngineError(
                    f"{planned} audits {channel} prévus pour {structure.id} mais seulement "
                    f"{len(open_weeks)} {unit} sur le terrain",
                    path="planning",
                )
            # Spread the audits evenly, each structure starting at its own offset so that
            # weekly load is balanced across structures.
            step = len(open_weeks) / planned
            offset = _stable(seed, structure.id, channel) % max(1, int(step))
            pool = _scenario_pool(scenarios or {}, channel, structure.kind)
            for k in range(planned):
                week = open_weeks[int(offset + k * step) % len(open_weeks)]
                day = week[_stable(seed, structure.id, channel, k, "day") % len(week)]
                slots = structure.slots(channel, day)
                slot = slots[_stable(seed, structure.id, channel, k, "slot") % len(slots)]
                minutes = (slot[1].hour * 60 + slot[1].minute) - (
                    slot[0].hour * 60 + slot[0].minute
                )
                at = (
                    slot[0].hour * 60
                    + slot[0].minute
                    + (_stable(seed, structure.id, channel, k, "min") % max(1, minutes - 30))
                )
                scheduled = dt.datetime.combine(day, dt.time(at // 60, at % 60))
                scenario = None
                if pool:
                    first = _stable(seed, structure.id, channel) % len(pool)
                    scenario = pool[(first + k) % len(pool)]
                tasks.append(Task(structure.id, channel, k + 1, scheduled, scenario))
    return tasks


def _scenario_pool(
    scenarios: dict[tuple[str, str], list[str]], channel: str, kind: str
) -> list[str]:
    return sorted(set(scenarios.get((channel, kind), [])) | set(scenarios.get((channel, ""), [])))


@dataclass
class _State:
    load: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    weekly: dict[tuple[str, tuple[int, int]], int] = field(default_factory=lambda: defaultdict(int))
    audited: set[tuple[str, str]] = field(default_factory=set)  # (auditor, structure)

    def take(self, auditor: str, task: Task) -> None:
        self.load[auditor] += 1
        self.weekly[(auditor, task.week)] += 1
        self.audited.add((auditor, task.structure))


def _refusal(
    auditor: Auditor,
    task: Task,
    structure: StructureToAudit,
    state: _State,
    on_site: frozenset[str] = ON_SITE_CHANNELS,
    independent: bool = True,
) -> str:
    if task.channel in on_site and structure.department not in auditor.departments:
        return f"ne couvre pas le département {structure.department}"
    if structure.id in auditor.conflicts:
        return "a déclaré un lien avec la structure"
    # A barometer needs independent auditors; a structure's own campaign uses colleagues.
    if (
        independent
        and auditor.commune
        and structure.commune
        and auditor.commune == structure.commune
    ):
        return "réside dans la commune de la structure"
    if independent and (auditor.id, structure.id) in state.audited:
        return "a déjà audité cette structure dans l'édition"
    if state.weekly[(auditor.id, task.week)] >= auditor.weekly_capacity:
        return f"capacité hebdomadaire atteinte (semaine {task.week[1]})"
    return ""


def assign(
    tasks: list[Task],
    structures: list[StructureToAudit],
    auditors: list[Auditor],
    *,
    on_site: frozenset[str] = ON_SITE_CHANNELS,
    independent: bool = True,
) -> list[Task]:
    """Assign tasks in place (most constrained first); returns the tasks left without
    auditor, each with the reason."""
    by_id = {s.id: s for s in structures}
    state = _State()
    for task in tasks:
        if task.auditor:
            state.take(task.auditor, task)
    pending = [t for t in tasks if not t.auditor]

    def eligible_count(task: Task) -> int:
        structure = by_id[task.structure]
        local = task.channel in on_site
        return sum(
            1
            for a in auditors
            if (not local or structure.department in a.departments)
            and structure.id not in a.conflicts
        )

    pending.sort(key=lambda t: (eligible_count(t), t.scheduled, t.key))
    unassigned = []
    for task in pending:
        structure = by_id[task.structure]
        reasons: dict[str, int] = defaultdict(int)
        best = None
        for auditor in auditors:
            why = _refusal(auditor, task, structure, state, on_site, independent)
            if why:
                reasons[why.split(" (")[0]] += 1
                continue
            rank = (state.load[auditor.id] / max(1, auditor.weekly_capacity), auditor.id)
            if best is None or rank < best[0]:
                best = (rank, auditor)
        if best is None:
            task.problem = _explain(reasons, structure, len(auditors))
            unassigned.append(task)
            continue
        task.auditor = best[1].id
        task.problem = ""
        state.take(task.auditor, task)
    return unassigned


def _explain(reasons: dict[str, int], structure: StructureToAudit, total: int) -> str:
    if not total:
        return "aucun enquêteur n'est inscrit"
    covering = total - reasons.get(f"ne couvre pas le département {structure.department}", 0)
    if covering == 0:
        return f"aucun enquêteur ne couvre le département {structure.department}"
    others = {k: v for k, v in reasons.items() if not k.startswith("ne couvre pas")}
    detail = ", ".join(f"{n} {why}" for why, n in sorted(others.items(), key=lambda i: -i[1]))
    return f"aucun des {covering} enquêteurs possibles n'est disponible : {detail}"


def assignment_problems(
    task: Task,
    auditor: Auditor,
    tasks: list[Task],
    structures: list[StructureToAudit],
    *,
    on_site: frozenset[str] = ON_SITE_CHANNELS,
    independent: bool = True,
) -> list[str]:
    """Why ``auditor`` may not take ``task`` given the other tasks' assignments (empty
    when the assignment is allowed). Used to check hand reassignments."""
    structure = next(s for s in structures if s.id == task.structure)
    state = _State()
    for other in tasks:
        if other.auditor and other is not task and other.key != task.key:
            state.take(other.auditor, other)
    why = _refusal(auditor, task, structure, state, on_site, independent)
    return [why] if why else []
