"""Importing the experiences users published about a structure on Services Publics+ (the
portal's *export-experiences*) into its feedback register, as entries of kind
« expérience partagée ».

A dry run first (``plan_experiences``), then all or nothing (``apply_experiences``). An
experience is stored once: its ``id_experience`` is the entry's submission key, so a
re-import creates nothing; an experience answered since the last import gets its answer.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from barometre.core.figures import count_of, plural
from barometre.core.plans import PlanSummary
from barometre.engine import InputProblem
from barometre.engine.tables import TableError, cell_text, parse_date, read_table
from barometre.improvement.models import (
    FeedbackChannel,
    FeedbackEntry,
    FeedbackKind,
    Feeling,
)
from barometre.improvement.register import EARLIEST_RECEIVED, create_entry, transition
from barometre.structures.models import Structure

REQUIRED = ("id_experience", "ecrit_le", "titre", "description")
# The feeling's column has carried several names in the portal's exports.
FEELING_COLUMNS = ("ressenti", "sentiment", "ressenti_usager")
FEELINGS = {"negatif": Feeling.NEGATIVE, "neutre": Feeling.NEUTRAL, "positif": Feeling.POSITIVE}
KEY_PREFIX = "sp-experience:"


@dataclass
class PlannedExperience:
    row: int
    key: str
    received_on: dt.date
    subject: str
    description: str
    service: str
    feeling: str
    answer: str
    answered_on: dt.date | None
    action: str = "create"  # create, answer (answered since) or unchanged


@dataclass
class ExperiencePlan(PlanSummary):
    items: list[PlannedExperience] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)

    @property
    def count_answer(self) -> int:
        return self.count("answer")


def _date(value: object) -> dt.date | None:
    """« 03/05/2024 », « 2024-05-03 » or an ISO date-time (« 2024-05-03T10:12:00+00:00 »)."""
    text = cell_text(value)
    if "T" in text:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError("date attendue au format jj/mm/aaaa ou AAAA-MM-JJ") from None
        return timezone.localtime(moment).date() if moment.tzinfo else moment.date()
    return parse_date(value)


def _fold(text: str) -> str:
    return text.strip().lower().replace("é", "e").replace("è", "e")


def plan_experiences(
    content: bytes, filename: str, structure: Structure, *, max_bytes: int, **limits
) -> ExperiencePlan:
    try:
        table = read_table(content, filename, max_bytes=max_bytes, **limits)
    except TableError as exc:
        return ExperiencePlan(problems=[InputProblem(None, None, "", str(exc))])
    plan = ExperiencePlan(problems=list(table.problems))
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        names = ", ".join(f"« {c} »" for c in missing)
        s = plural(len(missing))
        plan.problems.append(InputProblem(None, None, "", f"Colonne{s} absente{s} : {names}."))
        return plan
    feeling_column = next((c for c in FEELING_COLUMNS if c in table.columns), None)
    today = timezone.localdate()
    seen: dict[str, int] = {}
    for row, values in table.rows:

        def problem(column: str, message: str, *, row=row, values=values) -> None:
            plan.problems.append(InputProblem(row, column, cell_text(values.get(column)), message))

        key = cell_text(values["id_experience"])
        if not key:
            problem("id_experience", "identifiant de l'expérience manquant")
        elif key in seen:
            problem("id_experience", f"expérience déjà présente à la ligne {seen[key]}")
        seen.setdefault(key, row)
        dates = {}
        for column in ("ecrit_le", "date_de_reponse_structure_1"):
            try:
                dates[column] = _date(values.get(column))
            except ValueError as exc:
                problem(column, str(exc))
        received = dates.get("ecrit_le")
        if "ecrit_le" in dates and received is None:
            problem("ecrit_le", "date d'écriture manquante")
        elif received and not EARLIEST_RECEIVED <= received <= today:
            problem("ecrit_le", "date hors de la période possible (2000 à aujourd'hui)")
        feeling = ""
        if feeling_column and cell_text(values.get(feeling_column)):
            feeling = FEELINGS.get(_fold(cell_text(values[feeling_column])), "")
            if not feeling:
                problem(feeling_column, "ressenti attendu : négatif, neutre ou positif")
        subject = cell_text(values["titre"]) or "Expérience partagée"
        description = cell_text(values["description"])
        if not description:
            problem("description", "le récit de l'expérience est vide")
        answer = cell_text(values.get("reponse_structure_1"))
        answered_on = dates.get("date_de_reponse_structure_1")
        if answered_on and received and not received <= answered_on <= today:
            problem("date_de_reponse_structure_1", "réponse datée avant l'expérience ou future")
        if received is None:
            continue
        plan.items.append(
            PlannedExperience(
                row=row,
                key=KEY_PREFIX + key[: 64 - len(KEY_PREFIX)],
                received_on=received,
                subject=subject[:200],
                description=description[:5000],
                service=cell_text(values.get("intitule_structure_1"))[:120],
                feeling=feeling,
                answer=answer[:10000],
                answered_on=(answered_on or received) if answer else None,
            )
        )
    if not plan.problems:
        _decide(plan, structure)
    if not plan.items and not plan.problems:
        plan.problems.append(InputProblem(None, None, "", "Le fichier n'a aucune expérience."))
    return plan


def _decide(plan: ExperiencePlan, structure: Structure) -> None:
    stored = dict(
        FeedbackEntry.objects.filter(
            structure=structure, submission_key__in=[i.key for i in plan.items]
        ).values_list("submission_key", "answer")
    )
    for item in plan.items:
        if item.key not in stored:
            item.action = "create"
        elif item.answer and not stored[item.key]:
            item.action = "answer"
        else:
            item.action = "unchanged"


class ExperiencesRefused(Exception):
    def __init__(self, problems: list[InputProblem]):
        super().__init__(f"{count_of(len(problems), 'problème')} : rien n'a été enregistré.")
        self.problems = problems


def apply_experiences(plan: ExperiencePlan, structure: Structure, *, by=None) -> dict[str, int]:
    """Write a checked plan in one transaction. Returns counts per action."""
    if not plan.ok:
        raise ExperiencesRefused(plan.problems)
    with transaction.atomic():
        for item in plan.items:
            if item.action == "create":
                answered = {}
                if item.answer:  # an answer acknowledges receipt
                    answered = {
                        "status": FeedbackEntry.Status.ANSWERED,
                        "acknowledged_on": item.answered_on,
                    }
                create_entry(
                    structure,
                    kind=FeedbackKind.EXPERIENCE,
                    channel=FeedbackChannel.WEB_FORM,
                    received_on=item.received_on,
                    subject=item.subject,
                    description=item.description,
                    by=by,
                    submission_key=item.key,
                    service=item.service,
                    feeling=item.feeling,
                    answer=item.answer,
                    answered_on=item.answered_on,
                    **answered,
                )
            elif item.action == "answer":
                entry = FeedbackEntry.objects.get(structure=structure, submission_key=item.key)
                transition(
                    entry,
                    "answer",
                    by=by,
                    version=entry.version,
                    on=item.answered_on,
                    answer=item.answer,
                )
    return {action: plan.count(action) for action in ("create", "answer", "unchanged")}
