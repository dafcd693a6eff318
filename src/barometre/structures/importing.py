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

from barometre.engine import normalize_department
from barometre.engine.tables import (
    Problem,
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
    StructureKind,
    duplicate_reason,
    territory_keys,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    action: str = "create"  # create, update or unchanged

    @property
    def action_label(self) -> str:
        return {"create": "Création", "update": "Mise à jour", "unchanged": "Inchangée"}[
            self.action
        ]


@dataclass
class ImportPlan:
    items: list[PlannedStructure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    file_format: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.items)

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def count_create(self) -> int:
        return self.count("create")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_unchanged(self) -> int:
        return self.count("unchanged")


class ImportRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problème(s) : rien n'a été enregistré.")
        self.problems = problems


def plan_import(content: bytes, filename: str = "", *, max_bytes: int) -> ImportPlan:
    try:
        table = read_table(content, filename, max_bytes=max_bytes)
    except TableError as exc:
        return ImportPlan(problems=[Problem(None, None, "", str(exc))])
    plan = ImportPlan(problems=list(table.problems), file_format=table.format)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        names = ", ".join(f"« {c} »" for c in missing)
        plan.problems.append(
            Problem(
                None,
                None,
                "",
                f"Colonne(s) obligatoire(s) absente(s) : {names}. "
                f"Colonnes trouvées : {', '.join(table.columns)}.",
            )
        )
        return plan
    unknown = [c for c in table.columns if c not in ALL_COLUMNS]
    if unknown:
        plan.problems.append(
            Problem(
                None,
                None,
                "",
                f"Colonne(s) inconnue(s) : {', '.join(unknown)}. "
                "Voir la liste des colonnes dans docs/formats.md.",
            )
        )
        return plan
    if not table.rows and not plan.problems:
        plan.problems.append(Problem(None, None, "", "Le fichier n'a aucune ligne de données."))
        return plan
    _plan_rows(table, plan)
    if not plan.problems:
        _check_parents(plan)
        _check_duplicates(plan)
    if not plan.problems:
        _decide_actions(plan)
    return plan


def _plan_rows(table: Table, plan: ImportPlan) -> None:
    seen: dict[str, int] = {}
    email_validator = EmailValidator()
    url_validator = URLValidator(schemes=["http", "https"])
    for row, values in table.rows:

        def problem(column: str, message: str, *, row=row, values=values) -> None:
            plan.problems.append(Problem(row, column, cell_text(values.get(column)), message))

        for column, value in values.items():
            if isinstance(value, str) and _CONTROL.search(value):
                problem(column, "caractères de contrôle interdits")
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
                Problem(
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
                    Problem(
                        item.row,
                        "rattachement",
                        item.parent_identifier or "",
                        "rattachement circulaire entre structures du fichier",
                    )
                )
                break
            chain.add(current)
            current = in_file[current].parent_identifier


def _check_duplicates(plan: ImportPlan) -> None:
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
            plan.problems.append(Problem(item.row, "nom", str(fields["name"]), reason))
            break


def _decide_actions(plan: ImportPlan) -> None:
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


def apply_import(plan: ImportPlan, progress: ProgressCallback | None = None) -> dict[str, int]:
    """Write a checked plan in one transaction. Returns counts per action."""
    if not plan.ok:
        raise ImportRefused(plan.problems)
    total = len(plan.items)
    with transaction.atomic():
        by_identifier: dict[str, Structure] = {}
        for done, item in enumerate(plan.items, start=1):
            structure, _ = Structure.objects.update_or_create(
                identifier=item.identifier, defaults=item.fields
            )
            by_identifier[item.identifier] = structure
            for channel, values in item.contacts.items():
                structure.contact_points.filter(channel=channel).exclude(value__in=values).delete()
                for value in values:
                    ContactPoint.objects.get_or_create(
                        structure=structure, channel=channel, value=value
                    )
            for kind, obtained in item.labels.items():
                if obtained is None:
                    structure.labels.filter(kind=kind).delete()
                else:
                    Label.objects.update_or_create(
                        structure=structure, kind=kind, defaults={"obtained_on": obtained}
                    )
            if progress:
                progress(done, total)
        parents = {i.parent_identifier for i in plan.items if i.parent_identifier}
        missing = parents - set(by_identifier)
        by_identifier |= {s.identifier: s for s in Structure.objects.filter(identifier__in=missing)}
        for item in plan.items:
            structure = by_identifier[item.identifier]
            parent = by_identifier.get(item.parent_identifier) if item.parent_identifier else None
            if structure.parent_id != (parent.pk if parent else None):
                structure.parent = parent
                structure.save(update_fields=["parent", "updated_at"])
    return {action: plan.count(action) for action in ("create", "update", "unchanged")}
