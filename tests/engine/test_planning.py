import datetime as dt
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometre.engine import DEPARTMENTS, EngineError, is_off
from barometre.engine.planning import (
    ON_SITE_CHANNELS,
    Auditor,
    StructureToAudit,
    assign,
    assignment_problems,
    generate_tasks,
)

PLANNED = {"phone": 3, "email": 2, "mail": 1, "website": 1, "social": 1, "visit": 2, "reviews": 1}
START, END = dt.date(2025, 5, 5), dt.date(2025, 7, 25)
DEPTS = sorted(DEPARTMENTS)
AREA = [*DEPTS[:6], "57", "974"]


@st.composite
def instances(draw):
    n_s = draw(st.integers(1, 25))
    communes = [f"C{i}" for i in range(draw(st.integers(1, 8)))]
    structures = [
        StructureToAudit(
            f"S{i}",
            draw(st.sampled_from(AREA)),
            draw(st.sampled_from(communes)),
            "commune",
            {ch: n for ch, n in PLANNED.items() if draw(st.booleans()) or ch == "phone"},
        )
        for i in range(n_s)
    ]
    auditors = [
        Auditor(
            f"E{i}",
            frozenset(draw(st.lists(st.sampled_from(AREA), max_size=4))),
            draw(st.integers(1, 6)),
            draw(st.sampled_from(communes)),
            frozenset(draw(st.lists(st.sampled_from([s.id for s in structures]), max_size=2))),
        )
        for i in range(draw(st.integers(0, 15)))
    ]
    return structures, auditors


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(0, 5))
def test_every_constraint_holds_on_random_instances(instance, seed):
    structures, auditors = instance
    tasks = generate_tasks(structures, START, END, seed=seed)
    left = assign(tasks, structures, auditors)
    by_structure = {s.id: s for s in structures}
    by_auditor = {a.id: a for a in auditors}
    # Every planned audit exists, once.
    assert len(tasks) == sum(sum(s.planned.values()) for s in structures)
    assert len({t.key for t in tasks}) == len(tasks)
    # Working days in the window, within opening hours, never twice a channel in a week.
    for task in tasks:
        structure = by_structure[task.structure]
        assert START <= task.scheduled.date() <= END
        assert not is_off(task.scheduled.date(), structure.department)
        assert any(a <= task.scheduled.time() < b for a, b in structure.opening_hours)
    weeks = Counter((t.structure, t.channel, t.week) for t in tasks)
    assert max(weeks.values()) == 1
    # Assignments respect area, ties, one audit per auditor and structure, capacity.
    assert all((t.auditor is None) == bool(t.problem) for t in tasks)
    assert {t.key for t in left} == {t.key for t in tasks if t.auditor is None}
    pairs = Counter((t.auditor, t.structure) for t in tasks if t.auditor)
    assert not pairs or max(pairs.values()) == 1
    weekly = Counter((t.auditor, t.week) for t in tasks if t.auditor)
    for task in tasks:
        if not task.auditor:
            continue
        auditor, structure = by_auditor[task.auditor], by_structure[task.structure]
        if task.channel in ON_SITE_CHANNELS:
            assert structure.department in auditor.departments
        assert structure.id not in auditor.conflicts
        assert auditor.commune != structure.commune
        assert weekly[(task.auditor, task.week)] <= auditor.weekly_capacity


def test_a_national_edition_is_planned_and_balanced():
    structures = [
        StructureToAudit(f"S{i:03d}", DEPTS[i % len(DEPTS)], f"C{i}", "commune", PLANNED)
        for i in range(350)
    ]
    auditors = [
        Auditor(f"E{i:02d}", frozenset(DEPTS[(i * 5) % 100 : (i * 5) % 100 + 15]), 12, f"R{i}")
        for i in range(40)
    ]
    tasks = generate_tasks(structures, START, END)
    left = assign(tasks, structures, auditors)
    assert len(tasks) == 350 * 11 and left == []
    loads = Counter(t.auditor for t in tasks)
    assert max(loads.values()) - min(loads.values()) <= 0.2 * max(loads.values())


def test_unassignable_tasks_say_why():
    structure = StructureToAudit("S1", "974", "Saint-Denis", "commune", {"visit": 1, "phone": 2})
    near = Auditor("E1", frozenset({"974"}), 5, "Saint-Denis")
    far = Auditor("E2", frozenset({"75"}), 5, "Paris")
    tasks = generate_tasks([structure], START, END)
    left = assign(tasks, [structure], [near, far])
    assert sorted(t.channel for t in left) == ["phone", "visit"]
    reasons = {t.channel: t.problem for t in left}
    assert reasons["visit"] == (
        "aucun des 1 enquêteurs possibles n'est disponible : 1 réside dans la commune de la "
        "structure"
    )
    # Auditors are considered in order: E1 lives there, E2 already audited it.
    assert reasons["phone"] == (
        "aucun des 2 enquêteurs possibles n'est disponible : 1 réside dans la commune de la "
        "structure, 1 a déjà audité cette structure dans l'édition"
    )


def test_hand_reassignment_is_checked_with_the_same_rules():
    s = StructureToAudit("S1", "45", "Orléans", "commune", {"phone": 2})
    tasks = generate_tasks([s], START, END)
    a = Auditor("E1", frozenset({"45"}), 5)
    assign(tasks, [s], [a, Auditor("E2", frozenset(), 5)])
    taken_by_e2 = next(t for t in tasks if t.auditor == "E2")
    assert assignment_problems(taken_by_e2, a, tasks, [s]) == [
        "a déjà audité cette structure dans l'édition"
    ]
    tied = Auditor("E3", frozenset({"45"}), 5, conflicts=frozenset({"S1"}))
    assert assignment_problems(tasks[0], tied, tasks, [s]) == [
        "a déclaré un lien avec la structure"
    ]


def test_scenarios_are_not_repeated_on_a_channel():
    s = StructureToAudit("S1", "45", "", "commune", {"phone": 3})
    scenarios = {
        ("phone", ""): ["horaires", "carte-identite"],
        ("phone", "commune"): ["etat-civil"],
    }
    tasks = generate_tasks([s], START, END, scenarios=scenarios)
    assert sorted(t.scenario for t in tasks) == ["carte-identite", "etat-civil", "horaires"]


def test_too_short_a_window_is_refused():
    s = StructureToAudit("S1", "45", "", "commune", {"phone": 3})
    with pytest.raises(EngineError, match="3 audits phone prévus pour S1 mais seulement 2"):
        generate_tasks([s], dt.date(2025, 5, 5), dt.date(2025, 5, 13))


def test_visits_and_calls_fall_within_the_weekly_opening_hours():
    from barometre.engine.planning import weekly_hours

    # Open Tuesday morning and Thursday afternoon only (as the Annuaire gives it).
    hours = weekly_hours({"1": [["08:30", "12:00"]], "3": [["14:00", "17:30"]], "5": []})
    structure = StructureToAudit(
        "S", "45", planned={"visit": 4, "phone": 4, "email": 4}, weekly_hours=hours
    )
    tasks = generate_tasks([structure], START, END, seed=3)
    for task in tasks:
        day, at = task.scheduled.weekday(), task.scheduled.time()
        if task.channel == "email":
            continue  # not tied to the office's hours
        assert day in (1, 3)
        start, end = hours[day][0]
        assert start <= at < end


def test_a_structure_open_too_rarely_for_its_audits_is_refused_with_the_reason():
    from barometre.engine.planning import weekly_hours

    hours = weekly_hours({"0": [["09:00", "12:00"]]})
    structure = StructureToAudit("S", "45", planned={"visit": 3}, weekly_hours=hours)
    with pytest.raises(EngineError, match="semaines ouvrées d'ouverture"):
        generate_tasks([structure], dt.date(2025, 5, 5), dt.date(2025, 5, 16))
