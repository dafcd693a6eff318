"""A fieldworker's agenda: their tasks by what to do with them, on the « Mes audits »
page and, counted, on their home. Nothing is late, due today or this week before its
edition's fieldwork opens: those tasks wait in a group of their own."""

import datetime as dt

from django.db.models import Count, Q

from barometre.campaigns.access import own_tasks
from barometre.campaigns.models import AuditTask, Edition

T = AuditTask.Status
NOT_OPEN = (Edition.Status.DRAFT, Edition.Status.ENROLMENT)


def _groups(today: dt.date) -> list[tuple[str, str, Q]]:
    """(key, label, condition) of each group, in the order the page shows them."""
    week_end = today + dt.timedelta(days=6 - today.weekday())
    due = Q(status=T.ASSIGNED, edition__status=Edition.Status.FIELDWORK)
    return [
        ("returned", "Renvoyés pour correction", Q(status=T.RETURNED)),
        ("late", "En retard", due & Q(scheduled_at__date__lt=today, sent_at__isnull=True)),
        ("today", "Aujourd'hui", due & Q(scheduled_at__date=today)),
        (
            "week",
            "Cette semaine",
            due & Q(scheduled_at__date__range=(today + dt.timedelta(1), week_end)),
        ),
        ("awaiting", "En attente de réponse", Q(status=T.AWAITING_REPLY)),
        ("later", "À venir", due & Q(scheduled_at__date__gt=week_end)),
        (
            "not_open",
            "Terrain pas encore ouvert",
            Q(status=T.ASSIGNED, edition__status__in=NOT_OPEN),
        ),
    ]


def agenda(user, today: dt.date) -> list[tuple[str, str, object]]:
    """(key, label, tasks) of each group of the user's own tasks."""
    tasks = AuditTask.objects.filter(own_tasks(user)).select_related("structure", "edition")
    return [(key, label, tasks.filter(condition)) for key, label, condition in _groups(today)]


def agenda_counts(user, today: dt.date) -> dict[str, int]:
    """How many tasks each group holds, in one query."""
    counts = {key: Count("pk", filter=condition) for key, _, condition in _groups(today)}
    return AuditTask.objects.filter(own_tasks(user)).aggregate(**counts)
