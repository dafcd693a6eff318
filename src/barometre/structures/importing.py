"""Importing structures from a spreadsheet: always a dry run first, then all or nothing.

``plan_import`` reads and checks every row without writing, and returns a report that
lists each problem by row, column, value and reason. ``apply_import`` writes a plan that
has no problem, in one transaction; re-importing the same file changes nothing.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone

from barometre.core.figures import count_of, plural
from barometre.core.plans import PlanSummary
from barometre.core.uploads import sqlite_write_refusal
from barometre.engine import InputProblem, normalize_department
from barometre.engine.tables import (
    DEFAULT_MAX_CELLS,
    DEFAULT_MAX_ROWS,
    Table,
    TableError,
    cell_text,
    parse_date,
    parse_int,
    read_table,
)
from barometre.structures.columns import (
    ALL_COLUMNS,
    CONTACT_COLUMNS,
    LABEL_COLUMNS,
    MULTI_VALUE_SEPARATOR,
    REQUIRED,
)
from barometre.structures.identifiers import identifier_problem, normalize_identifier
from barometre.structures.models import (
    Channel,
    ContactPoint,
    Label,
    Structure,
    StructureImport,
    StructureKind,
    duplicate_reason,
    territory_keys,
)
from barometre.structures.names import LINE_BREAK, LINE_BREAK_PROBLEM

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Columns stored in fields that hold on one line (structures/names.py).
_ONE_LINE = {"nom", "nom_dans_une_phrase", "commune"}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_KIND_LOOKUP = {_fold(code): code for code in StructureKind.values} | {
    _fold(label): code for code, label in StructureKind.choices
}
_KIND_LOOKUP |= {
    "ville": StructureKind.COMMUNE,
    "mairie": StructureKind.COMMUNE,
    "epci": StructureKind.INTERCOMMUNALITY,
    "prefecture": StructureKind.STATE,
    "ehpad": StructureKind.HOSPITAL,
    "ccas": StructureKind.SOCIAL,
    "office de tourisme": StructureKind.ECONOMIC,
}


@dataclass
class PlannedStructure:
    row: int
    identifier: str
    fields: dict[str, object]
    parent_identifier: str | None
    contacts: dict[str, list[str]]  # channel → values, only for columns present
    labels: dict[str, dt.date | None]  # kind → date, only for columns present
    action: str = "create"  # create, update, unchanged, or pending (a match to decide)
    contact_labels: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # rules applied (Annuaire import)

    @property
    def action_label(self) -> str:
        return {
            "create": "Création",
            "update": "Mise à jour",
            "unchanged": "Inchangée",
            "pending": "À décider",
        }[self.action]


@dataclass
class ImportPlan(PlanSummary):
    items: list[PlannedStructure] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    file_format: str = ""


class ImportRefused(Exception):
    def __init__(self, problems: list[InputProblem]):
        super().__init__(f"{count_of(len(problems), 'problème')} : rien n'a été enregistré.")
        self.problems = problems


def plan_import(
    content: bytes,
    filename: str = "",
    *,
    max_bytes: int,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> ImportPlan:
    try:
        table = read_table(
            content, filename, max_bytes=max_bytes, max_rows=max_rows, max_cells=max_cells
        )
    except TableError as exc:
        return ImportPlan(problems=[InputProblem(None, None, "", str(exc))])
    plan = ImportPlan(problems=list(table.problems), file_format=table.format)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        names = ", ".join(f"« {c} »" for c in missing)
        s = plural(len(missing))
        plan.problems.append(
            InputProblem(
                None,
                None,
                "",
                f"Colonne{s} obligatoire{s} absente{s} : {names}. "
                f"Colonnes trouvées : {', '.join(table.columns)}.",
            )
        )
        return plan
    unknown = [c for c in table.columns if c not in ALL_COLUMNS]
    if unknown:
        plan.problems.append(
            InputProblem(
                None,
                None,
                "",
                f"Colonne{plural(len(unknown))} inconnue{plural(len(unknown))} : "
                f"{', '.join(unknown)}. "
                "Voir la liste des colonnes dans docs/formats.md.",
            )
        )
        return plan
    if not table.rows and not plan.problems:
        plan.problems.append(
            InputProblem(None, None, "", "Le fichier n'a aucune ligne de données.")
        )
        return plan
    _plan_rows(table, plan)
    if not plan.problems:
        _check_parents(plan)
        check_duplicates(plan)
    if not plan.problems:
        decide_actions(plan)
        check_sqlite_write_size(plan)
    return plan


def check_sqlite_write_size(plan: ImportPlan) -> None:
    writes = plan.count_create + plan.count_update  # unchanged rows are not written
    if refusal := sqlite_write_refusal(writes, "structures (créées ou modifiées)"):
        plan.problems.append(InputProblem(None, None, "", refusal))


def _plan_rows(table: Table, plan: ImportPlan) -> None:
    seen: dict[str, int] = {}
    email_validator = EmailValidator()
    url_validator = URLValidator(schemes=["http", "https"])
    for row, values in table.rows:

        def problem(column: str, message: str, *, row=row, values=values) -> None:
            plan.problems.append(InputProblem(row, column, cell_text(values.get(column)), message))

        for column, value in values.items():
            if isinstance(value, str) and _CONTROL.search(value):
                problem(column, "caractères de contrôle interdits")
            elif column in _ONE_LINE and LINE_BREAK.search(cell_text(value)):
                problem(column, LINE_BREAK_PROBLEM)
        identifier = normalize_identifier(cell_text(values["identifiant"]))
        if reason := identifier_problem(identifier):
            problem("identifiant", reason)
        elif identifier in seen:
            problem("identifiant", f"identifiant déjà présent à la ligne {seen[identifier]}")
        else:
            seen[identifier] = row
        name = cell_text(values["nom"])
        if not name:
            problem("nom", "le nom est obligatoire")
        elif len(name) > 200:
            problem("nom", f"{len(name)} caractères, 200 au plus")
        in_sentence = cell_text(values.get("nom_dans_une_phrase"))
        if len(in_sentence) > 210:
            problem("nom_dans_une_phrase", f"{len(in_sentence)} caractères, 210 au plus")
        kind = _KIND_LOOKUP.get(_fold(cell_text(values["type"])))
        if not kind:
            accepted = ", ".join(StructureKind.values)
            problem("type", f"type inconnu ; valeurs acceptées : {accepted}")
        department = normalize_department(cell_text(values["departement"]))
        if not department:
            problem("departement", "code de département inconnu (ex. 45, 2A, 974)")
        population = None
        if "population" in values:
            try:
                population = parse_int(values["population"])
                if population is not None and population < 1:
                    problem("population", "la population doit être positive")
            except ValueError as exc:
                problem("population", str(exc))
        postal_code = (
            cell_text(values.get("code_postal")).zfill(5)
            if values.get("code_postal") not in (None, "")
            else ""
        )
        if postal_code and not re.fullmatch(r"\d{5}", postal_code):
            problem("code_postal", "code postal à 5 chiffres attendu")
        sp_code = cell_text(values.get("code_sp"))
        if sp_code and not re.fullmatch(r"[A-Za-z0-9_.-]{1,30}", sp_code):
            problem("code_sp", "code Services Publics+ : 30 lettres, chiffres, - _ ou . au plus")
        parent = normalize_identifier(cell_text(values.get("rattachement"))) or None
        if parent and parent == identifier:
            problem("rattachement", "une structure ne peut pas se rattacher à elle-même")

        contacts: dict[str, list[str]] = {}
        for column, channel in CONTACT_COLUMNS.items():
            if column not in values:
                continue
            items = [
                v.strip()
                for v in cell_text(values[column]).split(MULTI_VALUE_SEPARATOR)
                if v.strip()
            ]
            for item in items:
                if len(item) > 300:
                    problem(column, "300 caractères au plus par coordonnée")
                elif channel == Channel.EMAIL and "@" in item:
                    try:
                        email_validator(item)
                    except ValidationError:
                        problem(column, f"adresse électronique invalide : {item}")
                elif channel == Channel.PHONE and (
                    not re.fullmatch(r"[+\d][\d .()\-]*", item) or len(re.sub(r"\D", "", item)) < 4
                ):
                    problem(column, f"numéro de téléphone invalide : {item}")
                elif channel in (Channel.WEBSITE, Channel.REVIEWS) and item.startswith("http"):
                    try:
                        url_validator(item)
                    except ValidationError:
                        problem(column, f"adresse web invalide : {item}")
            contacts[channel] = items

        labels: dict[str, dt.date | None] = {}
        for column, label_kind in LABEL_COLUMNS.items():
            if column not in values:
                continue
            try:
                obtained = parse_date(values[column])
            except ValueError as exc:
                problem(column, str(exc))
                continue
            if obtained and obtained > dt.date.today():
                problem(column, "la date d'obtention est dans le futur")
            labels[label_kind] = obtained

        plan.items.append(
            PlannedStructure(
                row=row,
                identifier=identifier,
                fields={
                    "name": name,
                    **(
                        {"name_in_sentence": in_sentence} if "nom_dans_une_phrase" in values else {}
                    ),
                    "kind": kind,
                    "department": department,
                    "population": population,
                    "city": cell_text(values.get("commune"))[:120],
                    "postal_code": postal_code,
                    **({"sp_code": sp_code} if "code_sp" in values else {}),
                },
                parent_identifier=parent,
                contacts=contacts,
                labels=labels,
            )
        )


def _check_parents(plan: ImportPlan) -> None:
    in_file = {item.identifier: item for item in plan.items}
    wanted = {i.parent_identifier for i in plan.items if i.parent_identifier} - set(in_file)
    existing = set(
        Structure.objects.filter(identifier__in=wanted).values_list("identifier", flat=True)
    )
    for item in plan.items:
        parent = item.parent_identifier
        if parent and parent not in in_file and parent not in existing:
            plan.problems.append(
                InputProblem(
                    item.row,
                    "rattachement",
                    parent,
                    "structure de rattachement inconnue (ni dans le fichier, ni dans le registre)",
                )
            )
    # A cycle within the file (A → B → A) would leave no root.
    for item in plan.items:
        chain, current = {item.identifier}, item.parent_identifier
        while current in in_file:
            if current in chain:
                plan.problems.append(
                    InputProblem(
                        item.row,
                        "rattachement",
                        item.parent_identifier or "",
                        "rattachement circulaire entre structures du fichier",
                    )
                )
                break
            chain.add(current)
            current = in_file[current].parent_identifier


def check_duplicates(plan: ImportPlan) -> None:
    """Refuse a second structure for the same territory, within the file or against the
    registry (a structure of the same identifier is the one being updated)."""
    registry: dict[tuple, Structure] = {}
    kinds = {item.fields["kind"] for item in plan.items}
    for structure in Structure.objects.filter(kind__in=kinds).only(
        "identifier", "name", "kind", "department"
    ):
        for key in territory_keys(structure.kind, structure.department, structure.name):
            registry.setdefault(key, structure)
    in_file: dict[tuple, PlannedStructure] = {}
    for item in plan.items:
        fields = item.fields
        for key in territory_keys(fields["kind"], fields["department"], fields["name"]):
            earlier = in_file.setdefault(key, item)
            existing = registry.get(key)
            if earlier is not item:
                reason = (
                    f"même structure que la ligne {earlier.row} (même type et même "
                    f"{'nom' if len(key) == 3 else 'département'})"
                )
            elif existing is not None and existing.identifier != item.identifier:
                reason = duplicate_reason(existing)
            else:
                continue
            plan.problems.append(InputProblem(item.row, "nom", str(fields["name"]), reason))
            break


def decide_actions(plan: ImportPlan) -> None:
    existing = {
        s.identifier: s
        for s in Structure.objects.filter(identifier__in=[i.identifier for i in plan.items])
        .prefetch_related("contact_points", "labels")
        .select_related("parent")
    }
    for item in plan.items:
        structure = existing.get(item.identifier)
        if structure is None:
            item.action = "create"
            continue
        same_fields = all(getattr(structure, k) == v for k, v in item.fields.items())
        parent = structure.parent.identifier if structure.parent else None
        same_contacts = all(
            sorted(c.value for c in structure.contact_points.all() if c.channel == channel)
            == sorted(values)
            for channel, values in item.contacts.items()
        )
        current_labels = {label.kind: label.obtained_on for label in structure.labels.all()}
        same_labels = all(current_labels.get(k) == v for k, v in item.labels.items())
        unchanged = same_fields and parent == item.parent_identifier and same_contacts
        item.action = "unchanged" if unchanged and same_labels else "update"


ProgressCallback = Callable[[int, int], None]
# Rows per bulk statement: well under SQLite's limit of bound variables.
BATCH = 500


def chunks(values: list):
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def by_identifier(identifiers: list[str]) -> dict[str, Structure]:
    found: dict[str, Structure] = {}
    for chunk in chunks(identifiers):
        found |= {s.identifier: s for s in Structure.objects.filter(identifier__in=chunk)}
    return found


def apply_import(plan: ImportPlan, progress: ProgressCallback | None = None) -> dict[str, int]:
    """Write a checked plan in one transaction (all or nothing). Returns counts per action.

    Rows are written in bulk, a few statements per BATCH rows, because on SQLite the
    transaction holds the database's only write lock: other writers wait for it at most
    20 seconds (the busy timeout) before failing with « database is locked ». Rows left
    unchanged are not written at all. See docs/operations.md for the measured limit."""
    if not plan.ok:
        waiting = InputProblem(None, None, "", "rien à écrire, ou un rapprochement à décider")
        raise ImportRefused(plan.problems or [waiting])
    total = len(plan.items)
    changed = [item for item in plan.items if item.action != "unchanged"]
    now = timezone.now()
    with transaction.atomic():
        existing = by_identifier([item.identifier for item in changed])
        done = total - len(changed)
        for chunk in chunks(changed):
            created = [
                Structure(identifier=item.identifier, **item.fields)
                for item in chunk
                if item.identifier not in existing
            ]
            Structure.objects.bulk_create(created)
            updated = []
            for item in chunk:
                structure = existing.get(item.identifier)
                if structure is not None:
                    for name, value in item.fields.items():
                        setattr(structure, name, value)
                    structure.updated_at = now
                    updated.append(structure)
            if updated:
                names = sorted({name for item in chunk for name in item.fields})
                Structure.objects.bulk_update(updated, [*names, "updated_at"])
            done += len(chunk)
            if progress:
                progress(done, total)
        written = by_identifier([item.identifier for item in changed])
        _write_contacts(changed, written)
        _write_labels(changed, written)
        _write_parents(changed, written, now)
    return {action: plan.count(action) for action in ("create", "update", "unchanged")}


def _write_contacts(items: list[PlannedStructure], written: dict[str, Structure]) -> None:
    """A channel present in the file gets exactly the file's contact points."""
    current: dict[tuple[int, str], dict[str, int]] = {}
    ids = [written[item.identifier].pk for item in items if item.contacts]
    for chunk in chunks(ids):
        rows = ContactPoint.objects.filter(structure_id__in=chunk)
        for pk, structure_id, channel, value in rows.values_list(
            "pk", "structure_id", "channel", "value"
        ):
            current.setdefault((structure_id, channel), {})[value] = pk
    removed: list[int] = []
    added: list[ContactPoint] = []
    for item in items:
        structure_id = written[item.identifier].pk
        for channel, values in item.contacts.items():
            have = current.get((structure_id, channel), {})
            removed += [pk for value, pk in have.items() if value not in values]
            added += [
                ContactPoint(
                    structure_id=structure_id,
                    channel=channel,
                    value=value,
                    label=item.contact_labels.get((channel, value), ""),
                )
                for value in dict.fromkeys(values)
                if value not in have
            ]
    for chunk in chunks(removed):
        ContactPoint.objects.filter(pk__in=chunk).delete()
    ContactPoint.objects.bulk_create(added, batch_size=BATCH)


def _write_labels(items: list[PlannedStructure], written: dict[str, Structure]) -> None:
    """A label column present in the file sets the date obtained, or removes the label.
    The file is an operator's: the labels it writes are confirmed (managers' proposals are
    left to the operators' decision)."""
    current: dict[tuple[int, str], Label] = {}
    ids = [written[item.identifier].pk for item in items if item.labels]
    for chunk in chunks(ids):
        for label in Label.objects.confirmed().filter(structure_id__in=chunk):
            current[(label.structure_id, label.kind)] = label
    removed: list[int] = []
    added: list[Label] = []
    changed: list[Label] = []
    for item in items:
        structure_id = written[item.identifier].pk
        for kind, obtained in item.labels.items():
            label = current.get((structure_id, kind))
            if obtained is None:
                if label is not None:
                    removed.append(label.pk)
            elif label is None:
                added.append(
                    Label(
                        structure_id=structure_id,
                        kind=kind,
                        obtained_on=obtained,
                        status=Label.Status.CONFIRMED,
                    )
                )
            elif label.obtained_on != obtained:
                label.obtained_on = obtained
                changed.append(label)
    for chunk in chunks(removed):
        Label.objects.filter(pk__in=chunk).delete()
    Label.objects.bulk_create(added, batch_size=BATCH)
    Label.objects.bulk_update(changed, ["obtained_on"], batch_size=BATCH)


def _write_parents(items: list[PlannedStructure], written: dict[str, Structure], now) -> None:
    parents = {item.parent_identifier for item in items if item.parent_identifier}
    known = written | by_identifier(sorted(parents - set(written)))
    moved = []
    for item in items:
        structure = known[item.identifier]
        parent = known.get(item.parent_identifier) if item.parent_identifier else None
        if structure.parent_id != (parent.pk if parent else None):
            structure.parent = parent
            structure.updated_at = now
            moved.append(structure)
    Structure.objects.bulk_update(moved, ["parent", "updated_at"], batch_size=BATCH)


def request_import(batch: StructureImport) -> bool:
    """Queue the write of a previewed import, or queue it again when its worker was
    killed (queued or running, no sign of life for STALE_AFTER: the same rule as result
    computations and report batches). A double click queues it once. Returns whether it
    was queued."""
    from barometre.structures.tasks import apply_structure_import

    with transaction.atomic():
        locked = StructureImport.objects.select_for_update().get(pk=batch.pk)
        if locked.status != StructureImport.Status.PREVIEWED and not locked.stalled:
            return False
        locked.status, locked.error = StructureImport.Status.QUEUED, ""
        locked.heartbeat = timezone.now()
        locked.save(update_fields=["status", "error", "heartbeat"])
    apply_structure_import.enqueue(batch.pk)
    return True
