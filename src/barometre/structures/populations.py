"""Setting communes' populations from INSEE files, and finding codes that no longer exist.

Two files are read (docs/formats.md, « Populations INSEE »):

- the *populations de référence* communal file (``donnees_communes.csv``: ``REG;Région;
  DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT``): each structure of a listed
  commune gets its municipal population (PMUN), which decides its category;
- the COG communes file (``v_commune_YYYY.csv``: ``TYPECOM,COM,…,COMPARENT``): no
  population, but the list of the codes in force.

A structure belongs to a commune when its identifier is the commune's INSEE code, or
when it is a commune identified by a SIRET whose SIREN holds the code (see
``commune_code``; not in Corsica, whose SIRENs cannot tell 2A from 2B). Both files report
the codes that match no structure, and the structures whose code is not (or no longer) a
commune in force: merged into a « commune nouvelle », they are now a delegated or
associated commune (TYPECOM COMD / COMA) or gone.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from barometre.core.uploads import sqlite_write_refusal
from barometre.engine import InputProblem
from barometre.engine.tables import TableError, cell_text, parse_int, read_table
from barometre.structures.importing import BATCH
from barometre.structures.models import Structure, StructureKind


@dataclass
class PopulationPlan:
    kind: str = ""  # "populations" or "cog"
    populations: dict[str, int] = field(default_factory=dict)  # INSEE code → PMUN
    in_force: set[str] = field(default_factory=set)
    parents: dict[str, str] = field(default_factory=dict)  # delegated commune → its parent
    changes: list[tuple[Structure, int | None, int]] = field(default_factory=list)
    unchanged: int = 0
    unmatched: list[str] = field(default_factory=list)  # codes of no structure
    gone: list[tuple[Structure, str]] = field(default_factory=list)  # structure, why
    problems: list[InputProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.kind == "populations"


def commune_code(structure: Structure) -> str | None:
    """The INSEE code of the commune a structure stands for, when it can be told."""
    identifier = structure.identifier
    if len(identifier) == 5:
        return identifier
    if structure.kind != StructureKind.COMMUNE or not identifier.startswith("21"):
        return None
    # A commune's SIREN: 21, its département's two digits and a 0 (450) or an overseas
    # département's three (971), its number on three digits (234, 001), a key. Corsica's
    # (200…) cannot tell 2A from 2B.
    department, number = identifier[2:5], identifier[5:8]
    if department.startswith("97"):
        return department + number[1:]
    if department.endswith("0") and department[:2] != "20":
        return department[:2] + number
    return None


def plan_populations(content: bytes, filename: str, **limits) -> PopulationPlan:
    try:
        table = read_table(content, filename, **limits)
    except TableError as exc:
        return PopulationPlan(problems=[InputProblem(None, None, "", str(exc))])
    plan = PopulationPlan(problems=list(table.problems))
    columns = set(table.columns)
    if {"pmun"} <= columns and ({"com"} <= columns or {"dep", "codcom"} <= columns):
        plan.kind = "populations"
        _read_populations(table, plan)
    elif {"typecom", "com"} <= columns:
        plan.kind = "cog"
        _read_cog(table, plan)
    else:
        plan.problems.append(
            InputProblem(
                None,
                None,
                "",
                (
                    "ni un fichier des populations de référence (colonnes COM ou DEP et CODCOM, et "
                    f"PMUN) ni un fichier des communes du COG (TYPECOM, COM) : colonnes trouvées "
                    f"{', '.join(table.columns)}"
                ),
            )
        )
    if not plan.problems:
        _match(plan)
    return plan


def _read_populations(table, plan: PopulationPlan) -> None:
    for row, values in table.rows:
        code = cell_text(values.get("com")) or (
            cell_text(values.get("dep")) + cell_text(values.get("codcom"))
        )
        code = code.upper()
        if len(code) != 5:
            plan.problems.append(
                InputProblem(row, "com", code, "code INSEE à 5 caractères attendu")
            )
            continue
        try:
            population = parse_int(values["pmun"])
        except ValueError as exc:
            plan.problems.append(InputProblem(row, "pmun", cell_text(values["pmun"]), str(exc)))
            continue
        if population is None or population < 0:
            plan.problems.append(
                InputProblem(
                    row, "pmun", cell_text(values["pmun"]), "population municipale attendue"
                )
            )
            continue
        plan.populations[code] = population
        plan.in_force.add(code)


def _read_cog(table, plan: PopulationPlan) -> None:
    for _row, values in table.rows:
        code = cell_text(values["com"]).upper()
        kind = cell_text(values["typecom"]).upper()
        if kind == "COM":
            plan.in_force.add(code)
        elif kind in ("COMD", "COMA") and cell_text(values.get("comparent")):
            plan.parents[code] = cell_text(values["comparent"]).upper()


def _match(plan: PopulationPlan) -> None:
    matched: set[str] = set()
    for structure in Structure.objects.only("identifier", "kind", "name", "population"):
        code = commune_code(structure)
        if code is None:
            continue
        if code not in plan.in_force:
            parent = plan.parents.get(code)
            why = (
                f"{code} est désormais une commune déléguée ou associée de {parent}"
                if parent
                else f"{code} n'est pas une commune en vigueur dans ce fichier (fusionnée ?)"
            )
            plan.gone.append((structure, why))
            continue
        matched.add(code)
        population = plan.populations.get(code)
        if population is None:
            continue
        # A commune « morte pour la France » counts 0 inhabitants: its structure keeps its
        # population (a population is at least 1).
        if structure.population == population or population == 0:
            plan.unchanged += 1
        else:
            plan.changes.append((structure, structure.population, population))
    plan.unmatched = sorted(plan.in_force - matched)
    if refusal := sqlite_write_refusal(len(plan.changes), "populations de structures"):
        plan.problems.append(InputProblem(None, None, "", refusal))


def apply_populations(plan: PopulationPlan) -> int:
    """Write the new populations in one transaction; returns how many changed."""
    if not plan.ok:
        raise ValueError("rien à enregistrer : " + "; ".join(str(p) for p in plan.problems))
    now = timezone.now()
    changed = []
    for structure, _old, new in plan.changes:
        structure.population, structure.updated_at = new, now
        changed.append(structure)
    with transaction.atomic():
        Structure.objects.bulk_update(changed, ["population", "updated_at"], batch_size=BATCH)
    return len(changed)
