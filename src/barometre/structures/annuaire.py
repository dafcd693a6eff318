"""Importing structures from the Annuaire de l'administration: a dry run first, then all
or nothing, through the same writer as the spreadsheet import (``apply_import``).

The engine reads the file (engine/annuaire.py); this module decides, for each record,
which structure it is and what it becomes. The rules, each said in the report when it
applies, are documented in docs/formats.md (« Annuaire de l'administration »):

- a record is the structure that already carries its Annuaire ``id``; else the structure
  of its SIRET (or, for a mairie, of its INSEE code) not yet tied to another record,
  which it adopts; else a new structure, identified by its SIRET, or a mairie without
  SIRET by its commune's INSEE code. A record with neither is left out, said why;
- a record that would be a new structure, when the registry has a structure of the same
  type in the same commune not yet tied to a record (« Ville d'Orléans » for « Mairie -
  Orléans »: a commune has one town hall; else a name alike, engine/matching.py; for a
  council or a region, the one of its département), is a *probable match*: the dry run
  shows it and the operator confirms it (the record updates that structure) or rejects
  it (the record creates a new one). Decisions are kept with the stored import
  (``options["decisions"]``, record id → ``confirm`` or ``reject``) and applied at
  commit; the import waits until every match is decided;
- a structure of the registry keeps its name and type: the Annuaire names offices
  (« Mairie - Orléans »), the registry names structures, as the operators wrote them;
- two records of the file that would be the same structure (same identifier, or the same
  kind and name in a territory): the first is imported, the next left out, said why; a
  record that would create a second structure of a territory in the registry (a rejected
  match of the same name) is left out too, said why: the rest of the file is imported;
- the channels a record gives (phone, e-mail, website, social networks, visit and postal
  address) replace the structure's contact points on those channels; the others are
  kept as they are.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from barometre.engine import InputProblem
from barometre.engine.annuaire import (
    ATTRIBUTION,
    LICENCE,
    AnnuaireRecord,
    choose_type,
    read_annuaire,
)
from barometre.engine.matching import name_similarity, same_commune
from barometre.engine.tables import DEFAULT_MAX_ROWS, TableError
from barometre.structures.identifiers import identifier_problem
from barometre.structures.importing import (
    ImportPlan,
    PlannedStructure,
    by_identifier,
    check_duplicates,
    check_sqlite_write_size,
    chunks,
    decide_actions,
    plan_import,
)
from barometre.structures.models import (
    ONE_PER_DEPARTMENT,
    Structure,
    StructureImport,
    StructureKind,
    territory_keys,
)

KIND_OF_TYPE = {
    "mairie": StructureKind.COMMUNE,
    "prefecture": StructureKind.STATE,
    "sous_pref": StructureKind.STATE,
    "cr": StructureKind.REGION,
    "cg": StructureKind.DEPARTMENT,
    "epci": StructureKind.INTERCOMMUNALITY,
    "france_services": StructureKind.FRANCE_SERVICES,
    "ccas": StructureKind.SOCIAL,
    "caf": StructureKind.SOCIAL,
    "cpam": StructureKind.SOCIAL,
    "mdph": StructureKind.SOCIAL,
}


@dataclass(frozen=True)
class Skipped:
    number: int
    name: str
    reason: str


# The least name similarity (0–100, engine/matching.py) for a probable match of a type
# that a commune may have several of (France Services, social services…).
SIMILAR_NAMES = 85
DECISIONS = {"confirm": "même structure", "reject": "structure distincte"}


@dataclass(frozen=True)
class ProbableMatch:
    """A record of the file and a structure of the registry that may be the same."""

    number: int
    record_id: str
    record_name: str
    record_city: str
    structure: Structure
    similarity: int
    reason: str
    decision: str = ""  # "", "confirm" or "reject" (DECISIONS)


@dataclass
class AnnuairePlan(ImportPlan):
    skipped: list[Skipped] = field(default_factory=list)
    filtered_out: int = 0  # records of other types or territories than asked
    attribution: str = ""
    shape: str = ""
    matches: list[ProbableMatch] = field(default_factory=list)

    @property
    def with_notes(self) -> list[PlannedStructure]:
        return [item for item in self.items if item.notes]

    @property
    def undecided(self) -> list[ProbableMatch]:
        return [match for match in self.matches if not match.decision]

    @property
    def ok(self) -> bool:
        return super().ok and not self.undecided

    @property
    def count_pending(self) -> int:
        return self.count("pending")


def attribution(file_name: str, records: list[AnnuaireRecord]) -> str:
    """What the Licence Ouverte asks to cite: the source, the file and its date."""
    dates = [r.modified for r in records if r.modified]
    date = f", fiches à jour au {max(dates):%d/%m/%Y}" if dates else ""
    return (
        f"{ATTRIBUTION}, Annuaire de l'administration, fichier « {file_name} »{date} ({LICENCE})"
    )[:300]


def plan_annuaire(
    content: bytes,
    file_name: str = "",
    *,
    types: list[str] | None = None,
    department: str | None = None,
    decisions: dict[str, str] | None = None,
    max_bytes: int,
    max_rows: int = DEFAULT_MAX_ROWS,
    **_limits,
) -> AnnuairePlan:
    """Read and check an Annuaire file without writing (``types``: the kinds of office to
    keep, as the Annuaire names them; ``department``: one département or collectivity;
    ``decisions``: the operator's, record id → ``confirm`` or ``reject``, for the
    probable matches)."""
    try:
        annuaire = read_annuaire(content, max_bytes=max_bytes, max_records=max_rows)
    except TableError as exc:
        return AnnuairePlan(problems=[InputProblem(None, None, "", str(exc))], file_format="json")
    plan = AnnuairePlan(
        problems=list(annuaire.problems),
        file_format="json",
        shape=annuaire.shape,
        attribution=attribution(file_name, annuaire.records),
    )
    wanted = set(types or [])
    kept = []
    for record in annuaire.records:
        other_type = wanted and not wanted & set(record.service_types)
        other_territory = department and record.department != department
        if other_type or other_territory:
            plan.filtered_out += 1
        else:
            kept.append(record)
    _plan_records(plan, kept, wanted, decisions or {})
    if not plan.items and not plan.problems:
        plan.problems.append(
            InputProblem(
                None, None, "", "aucune fiche à importer avec ces critères (voir le rapport)"
            )
        )
    if not plan.problems:
        _keep_registry_names(plan)
        _skip_duplicates(plan)
    if not plan.problems:
        _keep_parents(plan)
        decide_actions(plan)
        pending = {match.number for match in plan.undecided}
        for item in plan.items:
            if item.row in pending:
                item.action = "pending"
        check_sqlite_write_size(plan)
    return plan


def plan_batch(batch: StructureImport, limits: dict[str, int]) -> ImportPlan:
    """The dry run of an uploaded import, whichever its source."""
    if batch.source == StructureImport.Source.ANNUAIRE:
        return plan_annuaire(bytes(batch.content), batch.file_name, **batch.options, **limits)
    return plan_import(bytes(batch.content), batch.file_name, **limits)


def decide_matches(
    batch: StructureImport, answers: dict[str, str], limits: dict[str, int]
) -> list[ProbableMatch]:
    """Keep the operator's decisions on the probable matches (``answers``: record id →
    ``confirm`` or ``reject``) with the stored import, while it is still a preview;
    returns the matches left undecided, which the import waits for."""
    decisions = dict(batch.options.get("decisions", {}))
    if batch.status == StructureImport.Status.PREVIEWED:
        plan = plan_batch(batch, limits)
        for match in getattr(plan, "matches", []):
            if answers.get(match.record_id) in DECISIONS:
                decisions[match.record_id] = answers[match.record_id]
        batch.options = {**batch.options, "decisions": decisions}
        StructureImport.objects.filter(pk=batch.pk).update(options=batch.options)
    return getattr(plan_batch(batch, limits), "undecided", [])


def _keep_parents(plan: AnnuairePlan) -> None:
    """The Annuaire says nothing of attachments: a structure keeps its parent."""
    parents: dict[str, str] = {}
    for chunk in chunks([item.identifier for item in plan.items]):
        rows = Structure.objects.filter(identifier__in=chunk, parent__isnull=False)
        parents |= dict(rows.values_list("identifier", "parent__identifier"))
    for item in plan.items:
        item.parent_identifier = parents.get(item.identifier)


def _keep_registry_names(plan: AnnuairePlan) -> None:
    """A structure of the registry keeps the name and type its operators gave it."""
    known = by_identifier([item.identifier for item in plan.items])
    for item in plan.items:
        structure = known.get(item.identifier)
        if structure is None:
            continue
        if structure.name != item.fields["name"]:
            item.notes.append(
                f"nom du registre gardé, « {structure.name} » (l'Annuaire la nomme "
                f"« {item.fields['name']} »)"
            )
        item.fields["name"], item.fields["kind"] = structure.name, structure.kind


def _skip_duplicates(plan: AnnuairePlan) -> None:
    """A record that would duplicate a structure of the registry (a rejected match of the
    same name, a second council for a département) is left out, not the whole file.
    Records waiting for the operator's decision are checked once it is made."""
    pending = {match.number for match in plan.undecided}
    checked = ImportPlan(items=[item for item in plan.items if item.row not in pending])
    check_duplicates(checked)
    refused = {problem.row: problem.message for problem in checked.problems}
    for item in [item for item in plan.items if item.row in refused]:
        reason = refused[item.row]
        plan.skipped.append(Skipped(item.row, str(item.fields["name"]), reason))
        plan.items.remove(item)
    plan.skipped.sort(key=lambda skipped: skipped.number)


def _existing(records: list[AnnuaireRecord]) -> tuple[dict, dict]:
    by_record: dict[str, Structure] = {}
    for chunk in chunks([r.id for r in records]):
        by_record |= {s.annuaire_id: s for s in Structure.objects.filter(annuaire_id__in=chunk)}
    keys = {r.siret for r in records if r.siret} | {r.insee for r in records if r.insee}
    return by_record, by_identifier(sorted(keys))


def _candidates(records: list[AnnuaireRecord]) -> dict[tuple[str, str], list[Structure]]:
    """The structures of the registry not tied to a record, by (type, département), in
    the départements of the records: those a record may be a probable match of."""
    departments = sorted({r.department for r in records if r.department})
    found: dict[tuple[str, str], list[Structure]] = {}
    structures = Structure.objects.filter(department__in=departments, annuaire_id__isnull=True)
    for structure in structures.only("pk", "name", "identifier", "kind", "department", "city"):
        found.setdefault((structure.kind, structure.department), []).append(structure)
    return found


def _probable_match(
    record: AnnuaireRecord, kind: str, candidates: list[Structure], taken: set[str]
) -> tuple[Structure, int, str] | None:
    """The structure of the registry this record most likely is, its name similarity
    and why, or None."""
    found = []
    for structure in candidates:
        if structure.identifier in taken:
            continue
        similarity = name_similarity(record.name, structure.name)
        if kind in ONE_PER_DEPARTMENT:
            reason = "un seul de ce type par département"
        elif not same_commune(record.city, structure.city):
            continue
        elif kind == StructureKind.COMMUNE:
            reason = "une seule mairie par commune"
        elif similarity >= SIMILAR_NAMES:
            reason = "même type et même commune, noms semblables"
        else:
            continue
        found.append((similarity, structure.name, structure, reason))
    if not found:
        return None
    similarity, _, structure, reason = max(found, key=lambda f: (f[0], f[1]))
    return structure, similarity, reason


def _plan_records(
    plan: AnnuairePlan,
    records: list[AnnuaireRecord],
    wanted: set[str],
    decisions: dict[str, str],
) -> None:
    by_record, by_code = _existing(records)
    registered = set(by_code) | {s.identifier for s in by_record.values()}
    candidates = _candidates(records)
    # Structures a record of the file is already, so that no other record matches them.
    taken = set(registered)
    seen: dict[object, AnnuaireRecord] = {}
    for record in records:

        def skip(reason: str, record=record) -> None:
            plan.skipped.append(Skipped(record.number, record.name, reason))

        notes = list(record.notes)
        if not record.published:
            skip("fiche non diffusable (statut_de_diffusion = false)")
            continue
        if record.department is None:
            skip(f"code INSEE « {record.insee} » hors des territoires connus ou absent")
            continue
        service_type = choose_type(record.service_types, wanted) if wanted else record.service_type
        kind = KIND_OF_TYPE.get(service_type, StructureKind.OTHER)
        identifier, refusal = _identity(record, by_record, by_code, notes)
        if refusal:
            skip(refusal)
            continue
        if identifier in seen:
            skip(
                f"même identifiant ({identifier}) que la fiche n° {seen[identifier].number} "
                f"« {seen[identifier].name} », importée à sa place"
            )
            continue
        duplicate = next(
            (
                seen[key]
                for key in territory_keys(kind, record.department, record.name)
                if key in seen
            ),
            None,
        )
        if duplicate is not None:
            skip(
                f"même structure que la fiche n° {duplicate.number} « {duplicate.name} » "
                "(même type et même nom, ou un seul par département), importée à sa place"
            )
            continue
        seen[identifier] = record
        for key in territory_keys(kind, record.department, record.name):
            seen[key] = record
        if identifier not in registered:
            identifier = _match(plan, record, kind, candidates, taken, decisions, notes, identifier)
        plan.items.append(_planned(record, identifier, kind, notes))


def _match(plan, record, kind, candidates, taken, decisions, notes, identifier) -> str:
    """The identifier of a record that is no structure of the registry by its ids: its
    own, or that of the structure it matches, once the operator confirmed it."""
    found = _probable_match(record, kind, candidates.get((kind, record.department), []), taken)
    if found is None:
        return identifier
    structure, similarity, reason = found
    taken.add(structure.identifier)
    decision = decisions.get(record.id, "")
    decision = decision if decision in DECISIONS else ""
    plan.matches.append(
        ProbableMatch(
            record.number,
            record.id,
            record.name,
            record.city,
            structure,
            similarity,
            reason,
            decision,
        )
    )
    if decision == "confirm":
        notes.append(f"rapprochée de « {structure.name} » du registre (décision de l'opérateur)")
        return structure.identifier
    if decision == "reject":
        notes.append(
            f"rapprochement avec « {structure.name} » refusé : nouvelle structure "
            "(décision de l'opérateur)"
        )
    return identifier


def _identity(record, by_record, by_code, notes):
    """(identifier, None) for the structure the record is or becomes, or (None, reason)
    when it cannot be imported."""
    known = by_record.get(record.id)
    if known is not None:
        if record.siret and record.siret != known.identifier and known.identifier_kind == "siret":
            notes.append(
                f"SIRET de la fiche ({record.siret}) différent de l'identifiant du registre "
                f"({known.identifier}) : celui du registre est gardé"
            )
        return known.identifier, None
    # Whatever its retained type, a record that is also a mairie is its commune's.
    mairie = "mairie" in record.service_types
    candidates = []
    if mairie and record.insee:
        candidates.append(record.insee)
    if record.siret and identifier_problem(record.siret) is None:
        candidates.append(record.siret)
    for candidate in candidates:
        existing = by_code.get(candidate)
        if existing is None:
            continue
        if existing.annuaire_id and existing.annuaire_id != record.id:
            return None, (
                f"l'identifiant {candidate} est déjà celui de « {existing.name} », "
                "tirée d'une autre fiche de l'Annuaire"
            )
        notes.append(f"structure « {existing.name} » du registre reconnue par son identifiant")
        return candidate, None
    if record.siret and identifier_problem(record.siret) is None:
        return record.siret, None
    if mairie and record.insee and identifier_problem(record.insee) is None:
        if record.siret:
            notes.append(f"SIRET invalide ({record.siret}) : le code INSEE est l'identifiant")
        return record.insee, None
    reason = "SIRET invalide" if record.siret else "pas de SIRET"
    return None, f"{reason}, et seule une mairie peut être identifiée par son code INSEE"


def _planned(
    record: AnnuaireRecord, identifier: str, kind: str, notes: list[str]
) -> PlannedStructure:
    contacts: dict[str, list[str]] = {}
    labels: dict[tuple[str, str], str] = {}
    for contact in record.contacts:
        contacts.setdefault(contact.channel, [])
        if contact.value not in contacts[contact.channel]:
            contacts[contact.channel].append(contact.value)
            labels[(contact.channel, contact.value)] = contact.label
    modified = (
        timezone.make_aware(record.modified, timezone.get_default_timezone())
        if record.modified
        else None
    )
    return PlannedStructure(
        row=record.number,
        identifier=identifier,
        fields={
            "name": record.name,
            "kind": kind,
            "department": record.department,
            "city": record.city,
            "postal_code": record.postal_code if record.postal_code.isdigit() else "",
            "annuaire_id": record.id,
            "opening_hours": {
                str(day): [list(slot) for slot in slots] for day, slots in record.hours.items()
            },
            "annuaire_modified": modified,
        },
        parent_identifier=None,
        contacts=contacts,
        labels={},
        contact_labels=labels,
        notes=notes,
    )
