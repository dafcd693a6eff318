"""Demo fieldwork: the shipped 2025 grid, the scenario bank (``demo.scenarios``), forty
auditors and an edition in fieldwork with demo structures enrolled and planned.
Idempotent."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from barometre.accounts.models import Membership, Role, User
from barometre.campaigns import lifecycle
from barometre.campaigns.models import AuditorProfile, Edition
from barometre.demo.national import grid_2025
from barometre.demo.scenarios import REPLIES, fit_scenarios, load_scenarios
from barometre.structures.models import Structure

AUDITOR_COMMUNES = [
    "Tours",
    "Nantes",
    "Lyon",
    "Lille",
    "Toulouse",
    "Rennes",
    "Dijon",
    "Bordeaux",
    "Rouen",
    "Nancy",
    "Clermont-Ferrand",
    "Marseille",
    "Nice",
    "Montpellier",
    "Grenoble",
    "Limoges",
    "Poitiers",
    "Caen",
    "Amiens",
    "Reims",
    "Besançon",
    "Brest",
    "Angers",
    "Le Mans",
    "Pau",
    "Perpignan",
    "Nîmes",
    "Avignon",
    "Metz",
    "Mulhouse",
    "Saint-Étienne",
    "Bayonne",
    "Quimper",
    "Troyes",
    "Ajaccio",
    "Fort-de-France",
    "Saint-Pierre",
    "Cayenne",
    "Pointe-à-Pitre",
]


@transaction.atomic
def load_auditors() -> int:
    """The demo auditor plus 39 colleagues spread over France, each covering every
    département for visits. Returns how many auditors there are."""
    from barometre.engine.territory import DEPARTMENTS

    departments = sorted(DEPARTMENTS)
    auditors = [
        (u, "Orléans")
        for u in User.objects.filter(memberships__role=Role.AUDITOR, username="enqueteur")
    ]
    for i, commune in enumerate(AUDITOR_COMMUNES, start=2):
        user, created = User.objects.get_or_create(
            username=f"enqueteur-{i:02d}",
            defaults={"first_name": "Enquêteur", "last_name": f"n° {i}"},
        )
        if created:
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(user=user, role=Role.AUDITOR)
        auditors.append((user, commune))
    for user, commune in auditors:
        AuditorProfile.objects.get_or_create(
            user=user,
            defaults={"departments": departments, "weekly_capacity": 10, "commune": commune},
        )
    return len(auditors)


@transaction.atomic
def load_demo_fieldwork(
    operator: User, structures=None, *, year: int | None = None, weeks_done: int = 0
) -> Edition:
    """An edition in fieldwork from this week's Monday (or ``weeks_done`` weeks earlier,
    with the audits of those weeks done: most submitted for validation, a few late), with
    ``structures`` (by default all) enrolled and planned, so that auditors have audits
    today and this week. ``year`` defaults to next year's (the next national edition,
    whose fieldwork has begun)."""
    grid = grid_2025()
    load_scenarios()
    load_auditors()
    # The fieldwork runs for twelve weeks from this week's Monday (less the weeks already
    # done), so that "today" and "this week" have audits whenever the demo is started.
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday(), weeks=weeks_done)
    year = year or monday.year + 1
    name = f"Baromètre {year} (terrain en cours)"
    edition = Edition.objects.filter(name=name).first()
    if edition is None:
        edition = lifecycle.create_edition(
            year=year,
            name=name,
            grid=grid,
            enrolment_opens=monday - dt.timedelta(days=120),
            enrolment_closes=monday - dt.timedelta(days=7),
            fieldwork_starts=monday,
            fieldwork_ends=monday + dt.timedelta(weeks=12 + weeks_done, days=-3),
            by=operator,
        )
        lifecycle.advance(edition, by=operator)
        for structure in structures if structures is not None else Structure.objects.all():
            lifecycle.enrol(edition, structure, by=operator, publish_results=True)
        lifecycle.plan_fieldwork(edition, by=operator)
        fit_scenarios(edition)
        edition = lifecycle.advance(edition, by=operator)
        if weeks_done:
            _submit_past_audits(edition)
    return edition


SENT = "Bonjour,\nJe souhaite renouveler ma carte d'identité. Dois-je prendre rendez-vous ?"


def _submit_past_audits(edition: Edition) -> None:
    """Two audits in three of those planned before now are answered and submitted, as
    auditors do during the first weeks (the demo's validation queue); the others are late.
    A message whose reply has not come by today leaves its audit waiting for it."""
    from barometre.campaigns.models import Answer, AuditTask, TaskEvent
    from barometre.campaigns.workflow import CYCLE_CHANNELS
    from barometre.demo.national import simulate_fieldwork

    now = timezone.now()
    past = list(
        edition.tasks.filter(scheduled_at__lt=now)
        .exclude(auditor__username="enqueteur")
        .order_by("scheduled_at", "pk")
    )
    done = [t for i, t in enumerate(past) if i % 3 != 2]
    quality = {t.structure_id: 0.55 + 0.1 * (t.structure_id % 4) for t in done}
    simulate_fieldwork(
        edition, quality, seed=edition.year, tasks=done, status=AuditTask.Status.SUBMITTED
    )
    # Before the fieldwork closes, a message without a reply yet is still awaited.
    waiting = [
        t.pk
        for t in done
        if t.channel in CYCLE_CHANNELS and (t.replied_at is None or t.replied_at > now)
    ]
    edition.tasks.filter(pk__in=waiting).update(
        status=AuditTask.Status.AWAITING_REPLY, replied_at=None, no_reply=False
    )
    Answer.objects.filter(task_id__in=waiting).delete()
    for task in done:
        if task.channel in CYCLE_CHANNELS:
            sent = task.scenario.message_template if task.scenario else ""
            task.sent_text = sent or SENT
            if task.replied_at and task.pk not in waiting:
                code = task.scenario.code if task.scenario else ""
                task.reply_text = REPLIES[code] if code in REPLIES else REPLIES["carte-identite"]
    AuditTask.objects.bulk_update(done, ["sent_text", "reply_text"])
    submitted = [task for task in done if task.pk not in waiting]
    events = TaskEvent.objects.bulk_create(
        TaskEvent(
            task=task,
            by_id=task.auditor_id,
            action="submit",
            before={"status": "assigned"},
            after={"status": "submitted"},
        )
        for task in submitted
    )
    for event, task in zip(events, submitted, strict=True):  # submitted when done
        event.at = (task.replied_at or task.scheduled_at) + dt.timedelta(minutes=45)
    TaskEvent.objects.bulk_update(events, ["at"])
    _corrected_after_return(submitted)


def _corrected_after_return(submitted) -> None:
    """One phone audit returned by the operator, corrected by its auditor and submitted
    again, through the workflow, so that its history shows the answers changed after
    submission with their values before and after."""
    from barometre.campaigns import workflow
    from barometre.campaigns.models import AuditTask, TaskEvent

    phone = [t for t in submitted if t.channel == "phone"]
    task = next(
        (t for t in phone if t.answers.filter(criterion="phone.rings").exists()),
        None,
    )
    operator = User.objects.filter(memberships__role=Role.OPERATOR).order_by("pk").first()
    if task is None or operator is None:
        return
    task = AuditTask.objects.select_related("edition", "auditor").get(pk=task.pk)
    workflow.return_to_auditor(
        task,
        by=operator,
        comment="Nombre de sonneries à vérifier sur votre relevé d'appel ; "
        "l'agent s'est-il présenté ?",
    )
    answers = dict(task.answers.values_list("criterion", "value"))
    answers["phone.rings"] = str(int(answers["phone.rings"]) + 3)
    if "phone.agent_name" in answers:
        answers["phone.agent_name"] = "non" if answers["phone.agent_name"] == "oui" else "oui"
    workflow.save_answers(task, answers, by=task.auditor)
    workflow.submit(task, by=task.auditor)
    # Dated after the first submission, in their order: returned the next morning,
    # corrected and submitted again that afternoon (never after now).
    first = task.events.filter(action="submit").order_by("at", "pk").first()
    later = list(task.events.exclude(pk=first.pk).order_by("pk"))  # return, edit, submit
    now = timezone.now()
    for i, (event, hours) in enumerate(zip(later, (18, 23, 23.1), strict=True)):
        event.at = min(first.at + dt.timedelta(hours=hours), now - dt.timedelta(minutes=3 - i))
    TaskEvent.objects.bulk_update(later, ["at"])
