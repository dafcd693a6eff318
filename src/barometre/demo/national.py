"""Two published national editions (N-1 and N) on the demo registry, run through the same
lifecycle an operator follows: creation, enrolment, planning with the platform's auditors,
fieldwork, validation, computation, publication and a palmarès with jury notes.

The fieldwork is simulated: every planned audit gets plausible answers from the engine's
synthetic generator (a latent quality per structure, a small bias per auditor, delays
drawn per audit, prerequisites respected), the complaint criteria scored on complaint
scenarios only, observations written from the audit's answers (``demo.observations``),
and is validated. Same seed, same edition."""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import polars as pl
from django.db import transaction
from django.utils import timezone

from barometre.accounts.models import User
from barometre.campaigns import lifecycle
from barometre.campaigns.models import Answer, AuditTask, Edition, GridVersion, Scenario
from barometre.campaigns.workflow import CYCLE_CHANNELS
from barometre.demo.history import date_published_edition
from barometre.demo.observations import observation
from barometre.demo.scenarios import COMPLAINT_CRITERIA, COMPLAINT_SCENARIOS, fit_scenarios
from barometre.engine import Grid, MeasureType, canonical_answers
from barometre.engine.grid import DATA_DIR
from barometre.engine.synthetic import channel_answers
from barometre.results.computing import compute, publish
from barometre.results.models import ResultSet
from barometre.results.palmares import confirm_laureate, palmares
from barometre.structures.models import Structure

JURY_NOTES = [
    "Des réponses écrites rapides et personnalisées sur tous les canaux.",
    "Un accueil téléphonique joignable dès le premier appel, avec un agent qui se présente.",
    "Une information en ligne complète et à jour, pensée pour les usagers en difficulté.",
    "Une prise en charge des réclamations exemplaire, avec des délais tenus.",
    "Une qualité homogène d'un canal à l'autre, sans point faible.",
]

# Nudges so that the demo's key figures have the order of those the seeds publish
# (seeds 001-002): few websites with a digital help (20 %), most calls answered at the
# first attempt (77 %), 55 % of e-mails and 40 % of letters answered within 10 and 15
# working days, social networks answering within 3 days in 90 % of cases, an excellent
# physical welcome (86/100), certified structures ahead by about 8 points.
SEED_BIAS = {"website.digital_help": -0.5, "phone.answered_first_attempt": 0.45}
SEED_DELAYS = {"email.reply_delay": 5.0, "mail.reply_delay": 11.0, "social.reply_delay": 0.28}
CHANNEL_SHIFT = {"visit": 0.15}
CERTIFIED_BONUS = 0.09


def grid_2025() -> GridVersion:
    text = (DATA_DIR / "barometre-2025.yaml").read_text(encoding="utf-8")
    grid, _ = GridVersion.objects.get_or_create(
        grid_id="barometre-2025", version=1, defaults={"yaml": text}
    )
    return grid


def structure_quality(structures: list[Structure], seed: int) -> dict[int, float]:
    """A latent quality per structure, stable across editions (certified ones a bit
    better, as in seeds 001-002)."""
    rng = np.random.default_rng(seed)
    certified = set(
        Structure.objects.filter(labels__isnull=False).values_list("pk", flat=True).distinct()
    )
    base = rng.beta(6, 3, size=len(structures))
    is_certified = np.array([s.pk in certified for s in structures])
    # The draw would otherwise decide the gap too: a few dozen certified structures can be
    # drawn 3 points worse or better than the others. Their mean latent quality is set to
    # the others' plus the bonus, so the gap the seeds publish (+8) holds on any database.
    if is_certified.any() and (~is_certified).any():
        base = base + is_certified * (
            base[~is_certified].mean() - base[is_certified].mean() + CERTIFIED_BONUS
        )
    return {s.pk: float(np.clip(q, 0.05, 0.97)) for s, q in zip(structures, base, strict=True)}


def simulate_fieldwork(
    edition: Edition,
    quality: dict[int, float],
    *,
    seed: int,
    shift: float = 0.0,
    tasks: list[AuditTask] | None = None,
    status: str = AuditTask.Status.VALIDATED,
) -> int:
    """Answer, date and validate every planned audit of ``edition`` (or answer ``tasks``
    and give them ``status``). Returns the number of answers written."""
    grid = edition.grid.parsed()
    rng = np.random.default_rng(seed)
    tasks = list(edition.tasks.order_by("pk")) if tasks is None else tasks
    auditors = sorted({t.auditor_id for t in tasks if t.auditor_id})
    bias = dict(zip(auditors, rng.normal(0, 0.04, size=len(auditors)), strict=True))
    tz = timezone.get_current_timezone()
    text_ids = {c.id: c.channel for c in grid.criteria if c.measure.type == MeasureType.TEXT}
    answers: list[Answer] = []
    by_channel: dict[str, list[AuditTask]] = {}
    for task in tasks:
        by_channel.setdefault(task.channel, []).append(task)
    complaints = set(
        Scenario.objects.filter(code__in=COMPLAINT_SCENARIOS).values_list("pk", flat=True)
    )
    for channel, group in by_channel.items():
        base = shift + CHANNEL_SHIFT.get(channel, 0)
        p = np.clip(
            [quality[t.structure_id] + base + bias.get(t.auditor_id, 0) for t in group], 0.02, 0.98
        )
        sent = np.array([t.scheduled_at.date() for t in group], dtype="datetime64[D]")
        given: list[dict[str, str]] = [{} for _ in group]  # each audit's answers
        for criterion, keep, values, sent_at, replied_at in channel_answers(
            grid, channel, p, rng, sent, bias=SEED_BIAS, delay_factor=SEED_DELAYS
        ):
            if sent_at is not None:  # a delay in working days: the task's own dates
                for i, task in enumerate(group):
                    task.sent_at = _aware(sent_at[i], tz)
                    if keep[i]:
                        task.replied_at = _aware(replied_at[i], tz)
                continue
            for i in np.flatnonzero(keep):
                if values[i] is not None:
                    given[i][criterion] = str(values[i])
        # A complaint criterion is scored on a complaint scenario, « sans objet » otherwise.
        handled = rng.random(len(group))
        for i, task in enumerate(group):
            for criterion in COMPLAINT_CRITERIA & given[i].keys():
                if task.scenario_id not in complaints:
                    given[i][criterion] = "sans objet"
                elif given[i][criterion] == "sans objet":
                    given[i][criterion] = "oui" if handled[i] < p[i] else "non"
        # Four audits in ten carry an observation, one that their answers bear out.
        draws = rng.random((len(group), 2))
        for criterion in [c for c, ch in text_ids.items() if ch == channel]:
            for i in np.flatnonzero(draws[:, 0] < 0.4):
                note = observation(channel, given[i], draws[i, 1])
                if note is not None:
                    given[i][criterion] = note
        answers += [
            Answer(task=task, criterion=criterion, value=value)
            for task, values in zip(group, given, strict=True)
            for criterion, value in values.items()
        ]
    for task in tasks:
        if task.channel in CYCLE_CHANNELS and task.sent_at is None:
            task.sent_at = task.scheduled_at
        task.no_reply = task.channel in CYCLE_CHANNELS and task.replied_at is None
        task.status = status
    AuditTask.objects.bulk_update(
        tasks, ["sent_at", "replied_at", "no_reply", "status"], batch_size=500
    )
    answers = canonical(grid, answers)
    Answer.objects.bulk_create(answers, batch_size=2000)
    return len(answers)


def canonical(grid: Grid, answers: list[Answer]) -> list[Answer]:
    """The generated answers in the canonical stored form the engine's parser gives
    (``engine.canonical_answers``), as the audit form, the API and an audit file store
    them: a generated ``0.53`` share is stored ``53 %``, a count ``4.0`` is ``4``."""
    if not answers:
        return answers
    audits = [str(a.task_id) for a in answers]
    frame = pl.DataFrame(
        {
            "structure": audits,
            "channel": [a.task.channel for a in answers],
            "audit": audits,
            "criterion": [a.criterion for a in answers],
            "value": [a.value for a in answers],
        },
        schema=dict.fromkeys(("structure", "channel", "audit", "criterion", "value"), pl.String),
    )
    parsed = canonical_answers(grid, frame)
    if parsed.problems:  # the generator writes what the engine reads: a bug if not
        raise ValueError(f"réponses générées illisibles : {parsed.problems[:3]}")
    return [
        Answer(task=a.task, criterion=a.criterion, value=parsed.values[i + 2])
        for i, a in enumerate(answers)
        if i + 2 in parsed.values
    ]


def _aware(moment: np.datetime64, tz) -> dt.datetime:
    seconds = moment.astype("datetime64[s]").astype(int)
    naive = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(seconds))
    return timezone.make_aware(naive, tz)


def fieldwork_done(
    year: int,
    structures: list[Structure],
    quality: dict[int, float],
    *,
    by: User,
    shift: float = 0.0,
    name: str | None = None,
) -> Edition:
    """A national edition of ``year`` created, enrolled, planned and in fieldwork, with
    every audit answered and validated: what the operator computes next."""
    edition = lifecycle.create_edition(
        year=year,
        name=name or f"Baromètre de l'expérience usager {year}",
        grid=grid_2025(),
        enrolment_opens=dt.date(year, 1, 6),
        enrolment_closes=dt.date(year, 4, 30),
        fieldwork_starts=dt.date(year, 5, 4),
        fieldwork_ends=dt.date(year, 7, 24),
        by=by,
    )
    Edition.objects.filter(pk=edition.pk).update(planning_seed=year)
    edition.planning_seed = year
    lifecycle.advance(edition, by=by)
    for structure in structures:
        # Nine in ten accept that their results appear in the palmarès.
        accepted = zlib.crc32(f"{year}-{structure.pk}".encode()) % 10 != 0
        lifecycle.enrol(edition, structure, by=by, publish_results=accepted)
    lifecycle.plan_fieldwork(edition, by=by)
    fit_scenarios(edition)
    edition = lifecycle.advance(edition, by=by)
    simulate_fieldwork(edition, quality, seed=year, shift=shift)
    return edition


@transaction.atomic
def national_edition(
    year: int,
    structures: list[Structure],
    quality: dict[int, float],
    *,
    by: User,
    shift: float,
    published_on: dt.date,
) -> ResultSet:
    """A national edition of ``year`` from creation to a published palmarès."""
    edition = fieldwork_done(year, structures, quality, by=by, shift=shift)
    edition = lifecycle.advance(edition, by=by, close_not_done=True)  # validation
    edition = lifecycle.advance(edition, by=by)  # results
    result_set = ResultSet.objects.create(
        edition=edition, version=1, grid=edition.grid, requested_by=by
    )
    result_set = compute(result_set)
    for i, category in enumerate(palmares(result_set)):
        if category.proposed is not None:
            confirm_laureate(
                result_set,
                category.category,
                category.proposed.structure_id,
                JURY_NOTES[i % len(JURY_NOTES)],
                by=by,
            )
    result_set = publish(result_set, by=by)  # the edition moves to its published phase
    moment = timezone.make_aware(dt.datetime.combine(published_on, dt.time(10)))
    date_published_edition(result_set, moment)
    result_set.refresh_from_db()
    return result_set
