"""Self-assessment, upcoming deadlines and the annual quality review.

The annual review is built from the platform's data in the shape a préfecture's users'
committee presents it each year: agenda, quality approach, satisfaction with history and
targets, internal mystery calls by stage with strengths and improvement points, feedback
counts and response rates, the quality dashboard, trainings, next year's plan, upcoming
deadlines, questions and answers."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from barometre.engine import mask_personal_data, sp_engagements
from barometre.improvement import dashboard, register, surveys
from barometre.improvement.models import (
    Action,
    Decision,
    ImprovementProfile,
    Meeting,
    Questionnaire,
    SelfAssessment,
    SelfAssessmentAnswer,
    Statement,
    Training,
)
from barometre.results.internal import InternalReport, internal_report
from barometre.results.models import ResultSet, StructureResult
from barometre.structures.models import Label, Structure

LABEL_VALIDITY = relativedelta(years=3)
LABEL_FOLLOW_UP = relativedelta(months=18)


# ---------------------------------------------------------------- self-assessment


@dataclass
class EngagementLine:
    id: str
    label: str
    previous: int | None
    latest: int | None
    comment: str = ""

    @property
    def change(self) -> int | None:
        if self.previous is None or self.latest is None:
            return None
        return self.latest - self.previous


def record_self_assessment(
    structure: Structure,
    levels: dict[str, int],
    *,
    by,
    comments: dict[str, str] | None = None,
    done_on: dt.date | None = None,
) -> SelfAssessment:
    engagements = {e.id for e in sp_engagements().engagements}
    scale = {m.level for m in sp_engagements().maturity_scale}
    unknown = set(levels) - engagements
    if unknown or any(level not in scale for level in levels.values()):
        raise ValueError("engagement ou niveau de maturité inconnu")
    with transaction.atomic():
        assessment = SelfAssessment.objects.create(
            structure=structure, by=by, done_on=done_on or timezone.localdate()
        )
        SelfAssessmentAnswer.objects.bulk_create(
            SelfAssessmentAnswer(
                assessment=assessment,
                engagement=e,
                level=level,
                comment=(comments or {}).get(e, "")[:300],
            )
            for e, level in levels.items()
        )
    return assessment


def self_assessment_progress(structure: Structure) -> tuple[list, list[EngagementLine]]:
    """The two latest assessments and, per engagement, the levels of both."""
    latest_two = list(
        SelfAssessment.objects.filter(structure=structure).prefetch_related("answers")[:2]
    )
    levels = [{a.engagement: a for a in s.answers.all()} for s in latest_two]
    latest = levels[0] if levels else {}
    previous = levels[1] if len(levels) > 1 else {}
    lines = [
        EngagementLine(
            e.id,
            e.label,
            previous[e.id].level if e.id in previous else None,
            latest[e.id].level if e.id in latest else None,
            latest[e.id].comment if e.id in latest else "",
        )
        for e in sp_engagements().engagements
    ]
    return latest_two, lines


# ---------------------------------------------------------------- deadlines


@dataclass
class Deadline:
    on: dt.date
    what: str
    kind: str  # label, follow_up, action, feedback


def upcoming_deadlines(structure: Structure, today: dt.date, *, days: int = 365) -> list[Deadline]:
    """Label renewals and follow-up audits (by default a 3-year cycle with a follow-up at
    18 months), plan actions not done, feedback entries awaiting an answer."""
    horizon = today + dt.timedelta(days=days)
    out = []
    for label in Label.objects.confirmed().filter(structure=structure):
        expires = label.expires_on or label.obtained_on + LABEL_VALIDITY
        follow_up = label.follow_up_on or label.obtained_on + LABEL_FOLLOW_UP
        if today <= follow_up <= horizon:
            out.append(
                Deadline(
                    follow_up, f"Audit de suivi du label {label.get_kind_display()}", "follow_up"
                )
            )
        if expires <= horizon:
            out.append(
                Deadline(
                    expires,
                    f"Renouvellement du label {label.get_kind_display()}"
                    + (" (échu)" if expires < today else ""),
                    "label",
                )
            )
    actions = Action.objects.filter(
        structure=structure,
        due_on__isnull=False,
        due_on__lte=horizon,
        status__in=("planned", "in_progress"),
    )
    out += [
        Deadline(
            a.due_on,
            f"Action « {a.title} »" + (" (en retard)" if a.due_on < today else ""),
            "action",
        )
        for a in actions
    ]
    overdue, soon = register.due_within([structure.pk], today)
    for entry in [*overdue, *soon]:
        # The reference only: the subject is the user's text, and this list goes into the
        # annual review given to the users' committee.
        out.append(Deadline(entry.answer_due, f"Réponse à la fiche {entry.reference}", "feedback"))
    return sorted(out, key=lambda d: d.on)


# ---------------------------------------------------------------- annual review


def training_table(structure: Structure, years: list[int]) -> tuple[list[dict], list[int]]:
    """Seed 004's table: per theme the agents trained each year, and the totals."""
    rows: dict[str, dict] = {}
    for training in Training.objects.filter(structure=structure, year__in=years):
        row = rows.setdefault(training.theme, {"theme": training.theme, "counts": {}})
        row["counts"][training.year] = row["counts"].get(training.year, 0) + training.agents_trained
    lines = [dict(r, cells=[r["counts"].get(y) for y in years]) for r in rows.values()]
    totals = [sum(r["counts"].get(y, 0) for r in rows.values()) for y in years]
    return lines, totals


@dataclass
class AnnualReview:
    structure: Structure
    year: int
    meeting: Meeting | None
    approach: str
    questionnaire: Questionnaire | None
    satisfaction_years: list[int]
    satisfaction: list[dict]
    overall: surveys.ItemResult | None
    questionnaires_count: int
    mystery: InternalReport | None
    feedback: list[register.YearFigures]
    dashboard_years: list[int]
    dashboard: list[dashboard.Row]
    training_years: list[int]
    trainings: list[dict]
    training_totals: list[int]
    plan: list[Action]
    done: list[Action]
    deadlines: list[Deadline]
    questions: list = field(default_factory=list)
    statements: list = field(default_factory=list)
    # The committee's members present at the meeting, with their qualité.
    attendees: list = field(default_factory=list)

    @property
    def dashboard_sections(self) -> list[dashboard.Section]:
        """The dashboard's rows by section, as the committee's review groups them."""
        return dashboard.by_section(self.dashboard)

    decisions: list = field(default_factory=list)


def number_statements(formset) -> None:
    """Number the saved interventions of a minutes formset in the order of its rows
    (rows removed or left empty take no number)."""
    kept = [f.instance for f in formset.forms if f.instance.pk is not None]
    for position, statement in enumerate(kept, start=1):
        statement.position = position
    Statement.objects.bulk_update(kept, ["position"])


def masked_minutes(item: Statement | Decision) -> Statement | Decision:
    """A statement or a decision of the minutes with names, e-mail addresses, phone numbers
    and street addresses masked in its text (a copy for display, from the masked copies
    stored with the minutes): the review is handed to the users' committee and may be
    published. The speakers are the committee's members,
    named as on its page."""
    shown = copy.copy(item)
    names = ("text", "answer") if isinstance(item, Statement) else ("text",)
    for name in names:
        text = getattr(item, name)
        # Minutes saved before their copies existed: the rules, until remask-texts.
        setattr(
            shown,
            name,
            (getattr(item, f"{name}_masked") or mask_personal_data(text)) if text else "",
        )
    return shown


# The years a review can be about: it reads two years back and dates itself the next year.
REVIEW_YEARS = range(1900, 2200)


def annual_review(structure: Structure, year: int) -> AnnualReview:
    profile = ImprovementProfile.objects.filter(structure=structure).first()
    meeting = (
        Meeting.objects.filter(structure=structure, reviewed_year=year)
        .prefetch_related("statements", "decisions", "attendees")
        .first()
    )
    # The same choice as the dashboard's survey indicators: one rate per question.
    questionnaire = surveys.reference_questionnaire(structure)
    sat_years = [year, year - 1, year - 2]
    satisfaction, overall, count = [], None, 0
    if questionnaire:
        satisfaction = surveys.yearly_table(questionnaire, sat_years)
        for row in satisfaction:
            if row["item"].code == "overall":
                overall = row["years"][0]
        count = questionnaire.responses.filter(answered_on__year=year).count()
    internal = (
        StructureResult.objects.filter(
            structure=structure,
            result_set__status=ResultSet.Status.READY,
            result_set__edition__owner=structure,
            result_set__edition__year=year,
        )
        .select_related("result_set__edition", "result_set__grid", "structure")
        .order_by("-result_set__version")
        .first()
    )
    dash_years = [year - 2, year - 1, year]
    training_years = [year - 1, year]
    trainings, totals = training_table(structure, training_years)
    review_day = meeting.held_on if meeting else dt.date(year + 1, 1, 15)
    statements = [masked_minutes(s) for s in meeting.statements.all()] if meeting else []
    return AnnualReview(
        structure=structure,
        year=year,
        meeting=meeting,
        approach=profile.approach if profile else "",
        questionnaire=questionnaire,
        satisfaction_years=sat_years,
        satisfaction=satisfaction,
        overall=overall,
        questionnaires_count=count,
        mystery=internal_report(internal) if internal else None,
        feedback=register.figures(structure, [year - 1, year]),
        dashboard_years=dash_years,
        dashboard=dashboard.dashboard(structure, dash_years, year + 1),
        training_years=training_years,
        trainings=trainings,
        training_totals=totals,
        plan=list(Action.objects.filter(structure=structure, year=year + 1)),
        done=list(Action.objects.filter(structure=structure, year=year, status="done")),
        deadlines=upcoming_deadlines(structure, review_day),
        questions=[s for s in statements if s.question],
        statements=statements,
        decisions=[masked_minutes(d) for d in meeting.decisions.all()] if meeting else [],
        attendees=list(meeting.attendees.all()) if meeting else [],
    )
