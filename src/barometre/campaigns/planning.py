"""The planning of an edition as its operator reads it: every audit with its structure,
channel, scenario, auditor, week and status, filtered, and exported as a spreadsheet."""

import datetime as dt

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from barometre.accounts.models import User
from barometre.campaigns.models import AuditTask, Edition
from barometre.core.exporting import Column, write_xlsx
from barometre.core.forms import DsfrForm
from barometre.structures.models import Channel

NOBODY = "aucun"


def week_label(task: AuditTask) -> str:
    """The Monday of the audit's week, as planners speak of it ("semaine du 05/05/2025")."""
    day = timezone.localtime(task.scheduled_at).date()
    return f"{day - dt.timedelta(days=day.weekday()):%d/%m/%Y}"


class AuditFilterForm(DsfrForm):
    q = forms.CharField(label="Structure", required=False, max_length=100)
    channel = forms.ChoiceField(label="Canal", required=False)
    status = forms.ChoiceField(label="Statut", required=False)
    auditor = forms.ChoiceField(label="Enquêteur", required=False)

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", "Tous"), *list(Channel.choices)]
        self.fields["status"].choices = [("", "Tous"), *list(AuditTask.Status.choices)]
        people = User.objects.filter(audit_tasks__edition=edition).distinct().order_by("username")
        self.fields["auditor"].choices = [("", "Tous"), (NOBODY, "Sans enquêteur")] + [
            (str(u.pk), str(u)) for u in people
        ]

    def filter(self, tasks: QuerySet) -> QuerySet:
        if not self.is_valid():
            return tasks
        data = self.cleaned_data
        if data["q"]:
            tasks = tasks.filter(
                Q(structure__name__icontains=data["q"]) | Q(structure__identifier=data["q"])
            )
        if data["channel"]:
            tasks = tasks.filter(channel=data["channel"])
        if data["status"]:
            tasks = tasks.filter(status=data["status"])
        if data["auditor"] == NOBODY:
            tasks = tasks.filter(auditor__isnull=True)
        elif data["auditor"]:
            tasks = tasks.filter(auditor_id=int(data["auditor"]))
        return tasks


def edition_tasks(edition: Edition) -> QuerySet:
    return (
        AuditTask.objects.filter(edition=edition)
        .select_related("structure", "scenario", "auditor")
        .order_by("scheduled_at", "structure__name", "channel", "sequence", "pk")
    )


COLUMNS = [
    Column("Structure", lambda t: t.structure.name),
    Column("Identifiant", lambda t: t.structure.identifier),
    Column("Département", lambda t: t.structure.department),
    Column("Canal", lambda t: t.get_channel_display()),
    Column("N°", lambda t: t.sequence),
    Column("Scénario", lambda t: t.scenario.title if t.scenario else ""),
    Column("Enquêteur", lambda t: t.auditor.username if t.auditor else ""),
    Column("Semaine du", week_label),
    Column("Prévu le", lambda t: timezone.localtime(t.scheduled_at).replace(tzinfo=None)),
    Column("Statut", lambda t: t.get_status_display()),
    Column("Double codage de", lambda t: t.double_of_id or ""),
    Column("Raison de non-attribution", lambda t: t.planning_problem),
]


def export_planning(tasks: QuerySet) -> bytes:
    return write_xlsx(COLUMNS, tasks.iterator(chunk_size=2000), "Planning")
