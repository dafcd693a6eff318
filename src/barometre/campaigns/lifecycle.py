"""Writes with side effects on editions: creation, enrolment, planning, and the explicit
state machine draft → enrolment → fieldwork → validation → results → published.

Every function checks its preconditions and raises :class:`Refused` with the reasons in
French; nothing is written when it refuses."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from barometre.campaigns.models import (
    DEFAULT_CATEGORIES,
    AuditorProfile,
    AuditTask,
    CampaignCaller,
    CategoryRule,
    Edition,
    EditionTransition,
    Enrolment,
    GridVersion,
    Scenario,
)
from barometre.core.errors import Refused
from barometre.core.figures import count_of, plural
from barometre.engine import EngineError
from barometre.engine.planning import (
    Auditor,
    StructureToAudit,
    assign,
    generate_tasks,
    weekly_hours,
)
from barometre.structures.models import Channel, Structure

S = Edition.Status
NEXT = {
    S.DRAFT: S.ENROLMENT,
    S.ENROLMENT: S.FIELDWORK,
    S.FIELDWORK: S.VALIDATION,
    S.VALIDATION: S.RESULTS,
    S.RESULTS: S.PUBLISHED,
}
OPEN_FOR_ENROLMENT = {S.DRAFT, S.ENROLMENT}


def can_run(user, edition: Edition) -> bool:
    """Operators run national editions; a structure's managers (and operators) run its
    internal campaigns."""
    if user.is_operator:
        return True
    return edition.owner_id is not None and edition.owner_id in user.structure_ids("manager")


def _require_runner(edition: Edition, user) -> None:
    if not can_run(user, edition):
        raise PermissionDenied(
            "Seuls les opérateurs du baromètre (ou, pour une campagne interne, les "
            "responsables qualité de la structure) conduisent cette édition."
        )


@transaction.atomic
def create_edition(
    *,
    year,
    name,
    grid,
    enrolment_opens,
    enrolment_closes,
    fieldwork_starts,
    fieldwork_ends,
    by,
    owner: Structure | None = None,
) -> Edition:
    _require_runner(Edition(owner=owner), by)
    dates = [enrolment_opens, enrolment_closes, fieldwork_starts, fieldwork_ends]
    if dates != sorted(dates):
        raise Refused(
            [
                "les dates doivent se suivre : ouverture des inscriptions, clôture, "
                "début puis fin du terrain"
            ]
        )
    try:
        grid.parsed()
    except EngineError as exc:
        raise Refused([f"grille invalide : {exc}"]) from None
    edition = Edition.objects.create(
        year=year,
        name=name,
        grid=grid,
        enrolment_opens=enrolment_opens,
        enrolment_closes=enrolment_closes,
        fieldwork_starts=fieldwork_starts,
        fieldwork_ends=fieldwork_ends,
        owner=owner,
    )
    CategoryRule.objects.bulk_create(
        CategoryRule(
            edition=edition,
            position=i,
            name=n,
            kinds=[str(k) for k in kinds],
            population_min=lo,
            population_max=hi,
        )
        for i, (n, kinds, lo, hi) in enumerate(DEFAULT_CATEGORIES, start=1)
    )
    return edition


def category_for(edition: Edition, structure: Structure) -> str:
    for rule in edition.category_rules.all():
        if rule.matches(structure):
            return rule.name
    return ""


def enrollable_structures(edition: Edition):
    """Every structure for a national edition; for an internal campaign, its structure and
    the services attached to it (what ``enrol`` accepts), so that its managers are shown
    nothing else of the registry."""
    if edition.owner_id:
        return Structure.objects.filter(Q(pk=edition.owner_id) | Q(parent_id=edition.owner_id))
    return Structure.objects.all()


@transaction.atomic
def enrol(edition: Edition, structure: Structure, *, by, publish_results=False) -> Enrolment:
    _require_runner(edition, by)
    if edition.owner_id and edition.owner_id not in (structure.pk, structure.parent_id):
        raise Refused(["une campagne interne n'inscrit que sa structure et ses services rattachés"])
    if edition.status not in OPEN_FOR_ENROLMENT:
        raise Refused(
            [
                f"l'édition est en phase « {edition.get_status_display()} » : "
                "les inscriptions sont closes"
            ]
        )
    grid_channels = edition.grid.parsed().channel_ids
    present = {c.channel for c in structure.contact_points.all()}
    enrolment, _ = Enrolment.objects.update_or_create(
        edition=edition,
        structure=structure,
        defaults={
            "status": Enrolment.Status.ENROLLED,
            "category": category_for(edition, structure),
            "channels": [c for c in grid_channels if c in present],
            "publish_results": publish_results,
        },
    )
    return enrolment


@transaction.atomic
def withdraw(enrolment: Enrolment, *, by) -> None:
    _require_runner(enrolment.edition, by)
    if enrolment.edition.status not in OPEN_FOR_ENROLMENT:
        raise Refused(["une structure ne peut plus être retirée une fois le terrain commencé"])
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save(update_fields=["status"])
    AuditTask.objects.filter(edition=enrolment.edition, structure=enrolment.structure).delete()


def staff(edition: Edition):
    """The users who may be given this edition's audits: the callers named for an
    internal campaign, the national auditors (with a profile) for a national edition."""
    from barometre.accounts.models import User

    if edition.internal:
        return User.objects.filter(campaign_calls__edition=edition, is_active=True).order_by(
            "last_name", "username"
        )
    return (
        User.objects.filter(
            auditor_profile__isnull=False, memberships__role="auditor", is_active=True
        )
        .distinct()
        .order_by("username")
    )


def _staff_for_planner(edition: Edition) -> dict[int, Auditor]:
    """The edition's staff as the engine's planner sees them, by user id. A caller of an
    internal campaign calls from the structure itself: no département or commune rule,
    only the weekly number of calls the structure gave them."""
    if edition.internal:
        callers = CampaignCaller.objects.filter(edition=edition, user__is_active=True)
        return {
            c.user_id: Auditor(str(c.user_id), frozenset(), c.weekly_capacity, "", frozenset())
            for c in callers.order_by("user_id")
        }
    profiles = (
        AuditorProfile.objects.filter(user__memberships__role="auditor", user__is_active=True)
        .prefetch_related("conflicts")
        .distinct()
    )
    return {
        p.user_id: Auditor(
            str(p.user_id),
            frozenset(p.departments),
            p.weekly_capacity,
            p.commune,
            frozenset(str(s.pk) for s in p.conflicts.all()),
        )
        for p in profiles.order_by("user_id")
    }


def _scenario_pool() -> dict[tuple[str, str], list[str]]:
    pool: dict[tuple[str, str], list[str]] = {}
    for scenario in Scenario.objects.filter(active=True):
        for channel in scenario.channels:
            for kind in scenario.structure_kinds or [""]:
                pool.setdefault((channel, kind), []).append(scenario.code)
    return pool


@transaction.atomic
def plan_fieldwork(edition: Edition, *, by) -> list[AuditTask]:
    """(Re)generate and assign the audit tasks of every enrolled structure. Returns the
    tasks left without auditor, each with its reason. Only before fieldwork starts.
    National editions use the platform's auditors; an internal campaign uses the callers
    its structure named for it (``callers``), never the national auditors."""
    _require_runner(edition, by)
    if edition.status not in OPEN_FOR_ENROLMENT:
        raise Refused(["le planning ne peut plus être regénéré une fois le terrain commencé"])
    if edition.internal and not edition.callers.exists():
        raise Refused(
            [
                "nommez d'abord les appelants de la campagne (agents de la structure ou "
                "personnes invitées) : les enquêteurs du baromètre national n'y appellent pas"
            ]
        )
    grid = edition.grid.parsed()
    enrolments = edition.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related(
        "structure"
    )
    structures = [
        StructureToAudit(
            id=str(e.structure_id),
            department=e.structure.department,
            commune=e.structure.city,
            kind=e.structure.kind,
            planned={
                c: grid.channel(c).planned_audits for c in e.channels if c in grid.channel_ids
            },
            weekly_hours=weekly_hours(e.structure.opening_hours),
        )
        for e in enrolments
    ]
    auditors = list(_staff_for_planner(edition).values())
    try:
        tasks = generate_tasks(
            structures,
            edition.fieldwork_starts,
            edition.fieldwork_ends,
            scenarios=_scenario_pool(),
            seed=edition.planning_seed,
            spread="day" if edition.internal else "week",
        )
    except EngineError as exc:
        raise Refused([str(exc)]) from None
    assign(tasks, structures, auditors, independent=not edition.internal)
    scenarios = {s.code: s.pk for s in Scenario.objects.all()}
    tz = timezone.get_current_timezone()
    AuditTask.objects.filter(edition=edition).delete()
    created = AuditTask.objects.bulk_create(
        AuditTask(
            edition=edition,
            structure_id=int(t.structure),
            channel=t.channel,
            sequence=t.sequence,
            scheduled_at=t.scheduled.replace(tzinfo=tz),
            scenario_id=scenarios.get(t.scenario),
            auditor_id=int(t.auditor) if t.auditor else None,
            status=AuditTask.Status.ASSIGNED if t.auditor else AuditTask.Status.PLANNED,
            planning_problem=t.problem,
        )
        for t in tasks
    )
    return [t for t in created if t.auditor_id is None]


# Audits still in an auditor's hands: closing the fieldwork decides what becomes of them.
NOT_STARTED = (AuditTask.Status.PLANNED, AuditTask.Status.ASSIGNED)
AWAITING = (AuditTask.Status.AWAITING_REPLY,)
# Audits that the validation has still to settle before results can be computed for good.
UNSETTLED = (AuditTask.Status.SUBMITTED, AuditTask.Status.RETURNED)
# Audits that count towards a structure's coverage, done or on their way to be.
REALISED = (AuditTask.Status.SUBMITTED, AuditTask.Status.RETURNED, AuditTask.Status.VALIDATED)

EFFECTS = {
    S.ENROLMENT: [
        "Les responsables qualité des structures peuvent candidater ; l'opérateur inscrit "
        "des structures et planifie les audits."
    ],
    S.FIELDWORK: [
        "La grille est figée : une modification créera une nouvelle version.",
        "Les enquêteurs voient leurs audits et peuvent les réaliser.",
        "Les inscriptions et le planning ne changent plus.",
    ],
    S.VALIDATION: [
        "Les enquêteurs ne réalisent plus d'audits (sauf ceux renvoyés pour correction).",
        "Les audits non réalisés sortent des listes des enquêteurs et comptent comme couverture "
        "manquante dans les résultats et les rapports, jamais comme un zéro.",
        "Les courriels, courriers et messages encore sans réponse sont clôturés « sans réponse » "
        "et passent en validation.",
    ],
    S.RESULTS: [
        "Les résultats se calculent pour de bon : seule une version calculée dans cette phase, "
        "après la dernière validation, peut être publiée.",
    ],
}


@dataclass
class PhaseReview:
    """What moving an edition to its next phase would do and what stands in the way:
    shown on the confirmation page, and checked again by ``advance``."""

    edition: Edition
    target: str | None
    effects: list[str]
    refusals: list[str]
    by_status: list[tuple[str, int]]
    by_channel: list[tuple[str, list[int]]]  # channel label, count per status of by_status
    uncovered: list[tuple[Structure, list[str]]]  # structures and their channels without audit
    not_started: int = 0
    awaiting: int = 0
    early: bool = False  # fieldwork would start before its window opens

    @property
    def target_label(self) -> str:
        return S(self.target).label if self.target else ""


def _status_counts(edition: Edition):
    rows = (
        edition.tasks.filter(double_of__isnull=True)
        .values_list("channel", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[str, str], int] = {(c, st): n for c, st, n in rows}
    statuses = [
        (code, label)
        for code, label in AuditTask.Status.choices
        if any(st == code for _, st in counts)
    ]
    by_status = [
        (label, sum(n for (_, st), n in counts.items() if st == code)) for code, label in statuses
    ]
    channels = dict(Channel.choices)
    by_channel = [
        (channels.get(ch, ch), [counts.get((ch, code), 0) for code, _ in statuses])
        for ch in sorted({c for c, _ in counts}, key=list(channels).index)
    ]
    return by_status, by_channel


def uncovered_structures(edition: Edition, *, after_closing: bool = False):
    """Enrolled structures with channels that have no realised audit (or, before the
    fieldwork closes, none realised or still to do), with those channels' labels."""
    counted = REALISED if after_closing else (*REALISED, *NOT_STARTED, *AWAITING)
    covered = set(
        edition.tasks.filter(status__in=counted, double_of__isnull=True).values_list(
            "structure_id", "channel"
        )
    )
    labels = dict(Channel.choices)
    out = []
    enrolments = edition.enrolments.filter(status=Enrolment.Status.ENROLLED).select_related(
        "structure"
    )
    for enrolment in enrolments.order_by("structure__name"):
        missing = [
            labels.get(c, c)
            for c in enrolment.channels
            if (enrolment.structure_id, c) not in covered
        ]
        if missing:
            out.append((enrolment.structure, missing))
    return out


def _preconditions(
    edition: Edition, target: str, *, reason: str = "", close_not_done: bool = False
) -> list[str]:
    reasons = []
    if target == S.ENROLMENT:
        try:
            edition.grid.parsed()
        except EngineError as exc:
            reasons.append(f"grille invalide : {exc}")
    elif target == S.FIELDWORK:
        enrolled = (
            edition.enrolments.filter(status=Enrolment.Status.ENROLLED)
            .select_related("structure")
            .prefetch_related("structure__contact_points")
        )
        if not enrolled:
            reasons.append("aucune structure inscrite")
        for enrolment in enrolled:
            present = {c.channel for c in enrolment.structure.contact_points.all()}
            missing = [c for c in enrolment.channels if c not in present]
            if missing:
                reasons.append(
                    f"{enrolment.structure} n'a pas de point de contact pour : {', '.join(missing)}"
                )
        planned = set(edition.tasks.values_list("structure_id", flat=True))
        unplanned = [e.structure.name for e in enrolled if e.structure_id not in planned]
        if unplanned:
            reasons.append(f"audits non planifiés pour : {', '.join(unplanned[:10])}")
        unassigned = edition.tasks.filter(auditor__isnull=True).count()
        if unassigned:
            reasons.append(f"{count_of(unassigned, 'audit')} sans enquêteur")
        today = timezone.localdate()
        if today < edition.fieldwork_starts and not reason.strip():
            reasons.append(
                f"le terrain ne s'ouvre que le {edition.fieldwork_starts:%d/%m/%Y} : pour le "
                "commencer plus tôt, confirmez un démarrage anticipé en indiquant sa raison"
            )
    elif target == S.VALIDATION:
        left = edition.tasks.filter(status__in=(*NOT_STARTED, *AWAITING)).count()
        if left and not close_not_done:
            reasons.append(
                f"{count_of(left, 'audit')} "
                f"{'ne sont pas réalisés' if left > 1 else "n'est pas réalisé"} : prolongez le "
                f"terrain ou clôturez-{'les' if left > 1 else 'le'} comme non réalisé{plural(left)}"
            )
    elif target == S.RESULTS:
        pending = edition.tasks.filter(status=AuditTask.Status.SUBMITTED).count()
        if pending:
            reasons.append(
                f"{count_of(pending, 'audit')} {'attendent' if pending > 1 else 'attend'} "
                f"encore {'leur' if pending > 1 else 'sa'} validation"
            )
        returned = edition.tasks.filter(status=AuditTask.Status.RETURNED).count()
        if returned:
            reasons.append(
                f"{count_of(returned, 'audit')} renvoyé{plural(returned)} "
                f"{'attendent' if returned > 1 else 'attend'} la correction de l'enquêteur"
            )
    elif target == S.PUBLISHED:
        reasons.append(
            "la publication se décide sur la page des résultats, en choisissant la version "
            "calculée à publier"
        )
    return reasons


def review_phase_change(edition: Edition) -> PhaseReview:
    """Read-only: what the next phase change would do, what is outstanding, and whether
    it would be refused as things stand (an early start or a closure with audits not done
    still needs the operator's explicit choice)."""
    target = NEXT.get(edition.status)
    by_status, by_channel = _status_counts(edition)
    review = PhaseReview(
        edition=edition,
        target=target,
        effects=EFFECTS.get(target, []),
        refusals=_preconditions(edition, target) if target else ["l'édition est déjà publiée"],
        by_status=by_status,
        by_channel=by_channel,
        uncovered=uncovered_structures(edition, after_closing=target == S.VALIDATION),
    )
    if target == S.VALIDATION:
        review.not_started = edition.tasks.filter(status__in=NOT_STARTED).count()
        review.awaiting = edition.tasks.filter(status__in=AWAITING).count()
    review.early = target == S.FIELDWORK and timezone.localdate() < edition.fieldwork_starts
    return review


@transaction.atomic
def advance(edition: Edition, *, by, reason: str = "", close_not_done: bool = False) -> Edition:
    """Move the edition to its next phase, or refuse with the reasons; nothing is written
    when it refuses. ``reason`` confirms an early start of the fieldwork; ``close_not_done``
    confirms that closing the fieldwork closes the audits not done (``not_done``) and
    those still waiting for a reply (no reply)."""
    _require_runner(edition, by)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    target = NEXT.get(edition.status)
    if target is None:
        raise Refused(["l'édition est déjà publiée"])
    reasons = _preconditions(edition, target, reason=reason, close_not_done=close_not_done)
    if reasons:
        raise Refused(reasons)
    note = ""
    if target == S.FIELDWORK and timezone.localdate() < edition.fieldwork_starts:
        note = (
            f"démarrage anticipé (terrain prévu à partir du "
            f"{edition.fieldwork_starts:%d/%m/%Y}) : {reason.strip()}"
        )
    if target == S.FIELDWORK and edition.grid.frozen_at is None:
        GridVersion.objects.filter(pk=edition.grid_id).update(frozen_at=timezone.now())
    if target == S.VALIDATION:
        note = _close_fieldwork(edition, by)
    EditionTransition.objects.create(
        edition=edition, source=edition.status, target=target, by=by, reason=note
    )
    edition.status = target
    edition.save(update_fields=["status"])
    return edition


def _close_fieldwork(edition: Edition, by) -> str:
    """Audits never started become ``not_done`` (out of the auditors' lists, never
    scored); those waiting for a reply close as "no reply". Returns what was done."""
    from barometre.campaigns.workflow import close_unanswered

    not_done = edition.tasks.filter(status__in=NOT_STARTED).update(
        status=AuditTask.Status.NOT_DONE, version=F("version") + 1
    )
    unanswered = close_unanswered(edition, force=True)
    parts = []
    if not_done:
        s = plural(not_done)
        parts.append(f"{count_of(not_done, 'audit')} clôturé{s} comme non réalisé{s}")
    if unanswered:
        parts.append(f"{count_of(unanswered, 'envoi')} clôturé{plural(unanswered)} sans réponse")
    return " ; ".join(parts)


@transaction.atomic
def extend_fieldwork(edition: Edition, ends: dt.date, *, by) -> Edition:
    """Push back the end of the fieldwork window (logged); the audits stay with their
    auditors."""
    _require_runner(edition, by)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    reasons = []
    if edition.status != S.FIELDWORK:
        reasons.append(
            f"l'édition est en phase « {edition.get_status_display()} » : seul un "
            "terrain en cours se prolonge"
        )
    if ends <= edition.fieldwork_ends:
        reasons.append(
            f"la nouvelle fin du terrain doit suivre l'actuelle ({edition.fieldwork_ends:%d/%m/%Y})"
        )
    if ends < timezone.localdate():
        reasons.append("la nouvelle fin du terrain est déjà passée")
    if reasons:
        raise Refused(reasons)
    note = f"terrain prolongé du {edition.fieldwork_ends:%d/%m/%Y} au {ends:%d/%m/%Y}"
    edition.fieldwork_ends = ends
    edition.save(update_fields=["fieldwork_ends"])
    EditionTransition.objects.create(
        edition=edition, source=edition.status, target=edition.status, by=by, reason=note
    )
    return edition


def revise_grid(grid: GridVersion, yaml_text: str) -> GridVersion:
    """Change a grid: in place while no fieldwork used it, otherwise as a new version."""
    from barometre.engine import parse_grid

    try:
        parse_grid(yaml_text, source=grid.grid_id)
    except EngineError as exc:
        raise Refused([str(exc)]) from None
    if grid.frozen_at is None:
        grid.yaml = yaml_text
        grid.save(update_fields=["yaml"])
        return grid
    latest = GridVersion.objects.filter(grid_id=grid.grid_id).order_by("-version").first()
    return GridVersion.objects.create(
        grid_id=grid.grid_id, version=latest.version + 1, yaml=yaml_text
    )


def _planner_view(edition: Edition):
    """The edition as the engine's planner sees it: structures, auditors, tasks."""
    from barometre.engine.planning import Task

    structures = [
        StructureToAudit(
            id=str(e.structure_id),
            department=e.structure.department,
            commune=e.structure.city,
            kind=e.structure.kind,
        )
        for e in edition.enrolments.select_related("structure")
    ]
    profiles = _staff_for_planner(edition)
    tasks = {
        t.pk: Task(
            str(t.structure_id),
            t.channel,
            t.sequence,
            timezone.localtime(t.scheduled_at).replace(tzinfo=None),
            auditor=str(t.auditor_id) if t.auditor_id else None,
        )
        for t in edition.tasks.all()
    }
    return structures, profiles, tasks


def _check_auditor(edition: Edition, task: AuditTask, user) -> list[str]:
    from barometre.engine.planning import assignment_problems

    structures, profiles, tasks = _planner_view(edition)
    if user.pk not in profiles:
        if edition.internal:
            return ["n'est pas appelant de cette campagne"]
        return ["n'a pas de profil d'enquêteur"]
    planned = tasks.get(task.pk)
    if planned is None:  # a new double coding: check it as an extra task of the structure
        from barometre.engine.planning import Task

        planned = Task(
            str(task.structure_id),
            task.channel,
            0,
            timezone.localtime(task.scheduled_at).replace(tzinfo=None),
        )
    return assignment_problems(
        planned,
        profiles[user.pk],
        list(tasks.values()),
        structures,
        independent=not edition.internal,
    )


@transaction.atomic
def reassign(task: AuditTask, auditor, *, by) -> None:
    """Give a task to another auditor by hand, under the planner's rules."""
    _require_runner(task.edition, by)
    if task.status not in (AuditTask.Status.PLANNED, AuditTask.Status.ASSIGNED):
        raise Refused(
            [f"l'audit est « {task.get_status_display()} » : il ne change plus d'enquêteur"]
        )
    task.auditor = None  # the task's current assignment does not count against the new one
    reasons = _check_auditor(task.edition, task, auditor)
    if reasons:
        raise Refused([f"{auditor} {r}" for r in reasons])
    task.auditor = auditor
    task.status = AuditTask.Status.ASSIGNED
    task.planning_problem = ""
    task.version += 1
    task.save(update_fields=["auditor", "status", "planning_problem", "version"])


@transaction.atomic
def reassign_many(tasks: list[AuditTask], auditor, *, by) -> int:
    """Give several audits to one auditor, each checked by the planner's rules against
    the edition as it stands with the earlier ones of the batch: all or none."""
    reasons = []
    for task in tasks:
        try:
            with transaction.atomic():
                reassign(task, auditor, by=by)
        except Refused as exc:
            reasons += [f"{task} : {r}" for r in exc.reasons]
    if reasons:
        transaction.set_rollback(True)
        raise Refused(reasons)
    return len(tasks)


@transaction.atomic
def request_double_coding(task: AuditTask, *, by, auditor=None) -> AuditTask:
    """A second, independent audit of the same contact by another auditor; it does not
    count in scores and feeds the agreement (kappa) of the engine."""
    _require_runner(task.edition, by)
    if task.double_of_id:
        raise Refused(["cet audit est déjà un double codage"])
    candidates = (
        [auditor]
        if auditor
        else [u for u in staff(task.edition).order_by("pk") if u.pk != task.auditor_id]
    )
    reasons = []
    for candidate in candidates:
        problems = _check_auditor(task.edition, task, candidate)
        if candidate.pk == task.auditor_id:
            problems = ["a fait l'audit d'origine"]
        if not problems:
            return AuditTask.objects.create(
                edition=task.edition,
                structure=task.structure,
                channel=task.channel,
                sequence=task.sequence,
                scheduled_at=task.scheduled_at,
                scenario=task.scenario,
                auditor=candidate,
                status=AuditTask.Status.ASSIGNED,
                double_of=task,
                sent_at=task.sent_at,
                replied_at=task.replied_at,
                sent_text=task.sent_text,
                reply_text=task.reply_text,
            )
        reasons += [f"{candidate} {p}" for p in problems]
    raise Refused(reasons or ["aucun enquêteur disponible pour un double codage"])


def request_double_coding_sample(edition: Edition, share: float, *, by, seed: int = 0) -> int:
    """Double-code a random share of the edition's submitted or validated audits."""
    import random

    _require_runner(edition, by)
    done = set(edition.tasks.filter(double_of__isnull=False).values_list("double_of_id", flat=True))
    pool = list(
        edition.tasks.filter(
            double_of__isnull=True,
            status__in=[AuditTask.Status.SUBMITTED, AuditTask.Status.VALIDATED],
        )
        .exclude(pk__in=done)
        .order_by("pk")
    )
    chosen = random.Random(seed).sample(pool, k=round(len(pool) * share))
    created = 0
    for task in chosen:
        try:
            request_double_coding(task, by=by)
            created += 1
        except Refused:
            continue
    return created


@transaction.atomic
def apply(edition: Edition, structure: Structure, *, by, publish_results: bool) -> Enrolment:
    """A structure's manager applies for an edition open for enrolment."""
    if structure.pk not in by.structure_ids("manager"):
        raise PermissionDenied("Seuls les responsables qualité de la structure peuvent candidater.")
    if edition.status != S.ENROLMENT:
        raise Refused(["l'édition n'est pas ouverte aux inscriptions"])
    existing = Enrolment.objects.filter(edition=edition, structure=structure).first()
    if existing and existing.status == Enrolment.Status.ENROLLED:
        raise Refused(["la structure est déjà inscrite"])
    enrolment, _ = Enrolment.objects.update_or_create(
        edition=edition,
        structure=structure,
        defaults={"status": Enrolment.Status.APPLIED, "publish_results": publish_results},
    )
    return enrolment


def accept(enrolment: Enrolment, *, by) -> Enrolment:
    if enrolment.status != Enrolment.Status.APPLIED:
        raise Refused(["cette inscription n'est pas une candidature en attente"])
    return enrol(
        enrolment.edition, enrolment.structure, by=by, publish_results=enrolment.publish_results
    )


INTERNAL_GRID = "appels-mysteres-2025"


@transaction.atomic
def create_internal_campaign(
    structure: Structure, *, name: str, starts, ends, calls: int, by, target: float | None = None
) -> Edition:
    """A structure's own mystery-call campaign on the shipped internal grid, with the
    number of calls it chooses and, if given, its target (% of satisfactory calls at each
    stage; the grid's default otherwise); the structure is enrolled and the edition
    opened."""
    import yaml

    from barometre.engine.grid import DATA_DIR

    text = (DATA_DIR / f"{INTERNAL_GRID}.yaml").read_text(encoding="utf-8")
    # The number of calls is part of the grid (planned audits of the phone channel).
    data = yaml.safe_load(text)
    grid_id = f"{INTERNAL_GRID}-{structure.pk}"
    grid = GridVersion.objects.filter(grid_id=grid_id, frozen_at__isnull=True).first()
    planned = f"planned_audits: {data['channels'][0]['planned_audits']}"
    yaml_text = text.replace(planned, f"planned_audits: {calls}", 1).replace(
        f"id: {INTERNAL_GRID}", f"id: {grid_id}", 1
    )
    if target is not None:
        shipped = f"target: {data['satisfaction']['target']}}}"
        yaml_text = yaml_text.replace(shipped, f"target: {target:g}}}", 1)
    if grid is None:
        latest = GridVersion.objects.filter(grid_id=grid_id).order_by("-version").first()
        grid = GridVersion.objects.create(
            grid_id=grid_id, version=latest.version + 1 if latest else 1, yaml=yaml_text
        )
    else:
        grid = revise_grid(grid, yaml_text)
    edition = create_edition(
        year=starts.year,
        name=name,
        grid=grid,
        enrolment_opens=starts,
        enrolment_closes=starts,
        fieldwork_starts=starts,
        fieldwork_ends=ends,
        by=by,
        owner=structure,
    )
    advance(edition, by=by)
    enrol(edition, structure, by=by)
    Enrolment.objects.filter(edition=edition, structure=structure).update(channels=["phone"])
    return Edition.objects.get(pk=edition.pk)


@transaction.atomic
def enrol_from_file(edition: Edition, content: bytes, filename: str, *, by) -> list[str]:
    """Enrol the structures listed in a spreadsheet (column ``identifiant``, optional
    ``publication`` oui/non): every row is checked first, then all are enrolled or none.
    Returns the problems (empty when the enrolment was written)."""
    from barometre.core.uploads import import_limits, sqlite_write_refusal
    from barometre.engine.tables import TableError, cell_text, read_table
    from barometre.structures.identifiers import normalize_identifier

    _require_runner(edition, by)
    try:
        table = read_table(content, filename, **import_limits())
    except TableError as exc:
        return [str(exc)]
    if "identifiant" not in table.columns:
        return ["Colonne obligatoire absente : « identifiant »."]
    problems = [str(p) for p in table.problems]
    candidates = enrollable_structures(edition)
    absent = "structure absente du registre"
    if edition.owner_id:
        absent = "structure inconnue, ni celle de la campagne ni un service qui lui est rattaché"
    wanted = []
    for row, values in table.rows:
        identifier = normalize_identifier(cell_text(values.get("identifiant")))
        # Looked up among the structures this edition may enrol only: an internal
        # campaign's file must not tell whether another structure exists.
        structure = candidates.filter(identifier=identifier).first()
        if structure is None:
            problems.append(
                f"Ligne {row}, colonne « identifiant » (valeur « {identifier} ») : {absent}"
            )
            continue
        publish = cell_text(values.get("publication")).lower()
        if publish not in ("", "oui", "non"):
            problems.append(
                f"Ligne {row}, colonne « publication » (valeur « {publish} ») : oui ou non attendu"
            )
            continue
        wanted.append((structure, publish == "oui"))
    if not problems and not wanted:
        problems.append("Le fichier n'a aucune ligne de données.")
    if not problems and (refusal := sqlite_write_refusal(len(wanted), "inscriptions")):
        problems.append(refusal)
    if problems:
        return problems
    for structure, publish in wanted:
        enrol(edition, structure, by=by, publish_results=publish)
    return []
