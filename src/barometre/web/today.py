"""The day's work on each role's home: what to do, counted, each with its link, and a
sentence when there is nothing. Every function reads a fixed number of queries, whatever
the amount of data (tests/web/test_home_work.py)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from barometre.campaigns import lifecycle
from barometre.campaigns.agenda import agenda_counts
from barometre.campaigns.models import AuditTask, Edition
from barometre.core.background import needs_relaunch
from barometre.core.figures import plural
from barometre.core.models import ExportFile
from barometre.improvement import register
from barometre.improvement.models import FeedbackEntry, Meeting, SurveyMailing
from barometre.results.models import ReportBatch, ResultSet
from barometre.structures.models import StructureImport

T = AuditTask.Status
S = Edition.Status


@dataclass
class Task:
    """One line of work: « 29 audits à valider », linked to where it is done."""

    text: str
    url: str = ""  # none: a fact to know, nothing to open
    count: int | None = None
    detail: str = ""
    urgent: bool = False


@dataclass
class Section:
    title: str
    empty: str  # said when there is nothing to do
    tasks: list[Task] = field(default_factory=list)


def _n(count: int, singular: str, plural_form: str | None = None) -> str:
    return singular if count < 2 else (plural_form or singular + "s")


def operator_work(user, today: dt.date) -> list[Section]:
    return [
        _to_validate(AuditTask.objects.all(), "Rien à valider aujourd'hui."),
        _late(today),
        _phases_due(today),
        _relaunch(user),
    ]


def _to_validate(tasks, empty: str) -> Section:
    count = tasks.filter(status=T.SUBMITTED, double_of__isnull=True).count()
    section = Section("À valider", empty)
    if count:
        section.tasks.append(
            Task(
                f"{_n(count, 'audit soumis', 'audits soumis')} à valider",
                reverse("campaigns:validation"),
                count,
            )
        )
    return section


def _late(today: dt.date) -> Section:
    """Audits of national editions in fieldwork not made on their day, per edition."""
    rows = (
        AuditTask.objects.filter(
            edition__owner__isnull=True,
            edition__status=S.FIELDWORK,
            status=T.ASSIGNED,
            sent_at__isnull=True,
            scheduled_at__date__lt=today,
        )
        .values("edition_id", "edition__name")
        .annotate(n=Count("pk"))
        .order_by("edition__name")
    )
    section = Section("Audits en retard", "Aucun audit en retard sur le terrain.")
    for row in rows:
        section.tasks.append(
            Task(
                f"{_n(row['n'], 'audit')} en retard — {row['edition__name']}",
                reverse("campaigns:edition_audits", args=[row["edition_id"]]),
                row["n"],
                "prévus avant aujourd'hui, pas encore réalisés",
                urgent=True,
            )
        )
    return section


# What each phase waits for, by the edition's own dates: (phase, date field, sentence).
PHASE_DUE = [
    (S.DRAFT, "enrolment_opens", "les inscriptions devaient ouvrir le {:%d/%m/%Y}"),
    (S.ENROLMENT, "fieldwork_starts", "le terrain devait commencer le {:%d/%m/%Y}"),
    (S.FIELDWORK, "fieldwork_ends", "le terrain devait se clore le {:%d/%m/%Y}"),
]


def _phases_due(today: dt.date) -> Section:
    """National editions whose calendar says the next phase is due; and those in
    validation with nothing left to validate."""
    due = Q()
    for status, date_field, _ in PHASE_DUE:
        # A window's last day is still inside it: the fieldwork closes the day after.
        cutoff = today if date_field != "fieldwork_ends" else today - dt.timedelta(days=1)
        due |= Q(status=status, **{f"{date_field}__lte": cutoff})
    unsettled = Count("tasks", filter=Q(tasks__status__in=(T.SUBMITTED, T.RETURNED)))
    editions = (
        Edition.objects.filter(owner__isnull=True)
        .filter(due | Q(status=S.VALIDATION))
        .annotate(unsettled=unsettled)
        .order_by("fieldwork_starts")
    )
    section = Section("Changements de phase attendus", "Aucun changement de phase attendu.")
    sentences = {status: (field_, text) for status, field_, text in PHASE_DUE}
    for edition in editions:
        if edition.status == S.VALIDATION:
            if edition.unsettled:
                continue
            detail = "tous les audits sont décidés : les résultats peuvent se calculer"
        else:
            date_field, text = sentences[edition.status]
            detail = text.format(getattr(edition, date_field))
        target = S(lifecycle.NEXT[edition.status]).label
        section.tasks.append(
            Task(
                f"{edition.name} : passer en phase « {target} »",
                reverse("campaigns:edition_phase", args=[edition.pk]),
                detail=detail,
            )
        )
    return section


def _relaunch(user) -> Section:
    """Background jobs that failed or went silent (core.background), with the page that
    relaunches each."""
    section = Section("Tâches d'arrière-plan à relancer", "Aucune tâche à relancer.")
    for result_set in (
        ResultSet.objects.filter(needs_relaunch(ResultSet))
        .select_related("edition")
        .without_large_fields()[:10]
    ):
        section.tasks.append(
            Task(
                f"Calcul des résultats — {result_set.edition.name}, version {result_set.version}",
                reverse("results:edition", args=[result_set.edition_id]),
                detail=_state(result_set),
                urgent=True,
            )
        )
    for batch in ReportBatch.objects.filter(needs_relaunch(ReportBatch)).select_related(
        "result_set__edition"
    )[:10]:
        section.tasks.append(
            Task(
                f"Rapports PDF — {batch.result_set.edition.name}",
                reverse("results:edition", args=[batch.result_set.edition_id]),
                detail=_state(batch),
                urgent=True,
            )
        )
    for batch in StructureImport.objects.filter(needs_relaunch(StructureImport))[:10]:
        section.tasks.append(
            Task(
                f"Import de structures — {batch.file_name}",
                reverse("structures:import_status", args=[batch.pk]),
                detail=_state(batch),
                urgent=True,
            )
        )
    exports = ExportFile.objects.filter(needs_relaunch(ExportFile), requested_by=user)
    for export in exports[:10]:
        section.tasks.append(
            Task(
                export.title,
                reverse("export_status", args=[export.pk]),
                detail=_state(export),
                urgent=True,
            )
        )
    return section


def _state(job) -> str:
    if job.status == "failed":
        return "en échec"
    minutes = job.silent_minutes
    return f"sans signe de vie depuis {minutes} minute{plural(minutes)}"


def fieldwork_work(user, today: dt.date) -> list[Section]:
    """A national auditor's or a caller's agenda, counted (one query)."""
    counts = agenda_counts(user, today)
    url = reverse("campaigns:my_tasks")
    lines = [
        ("returned", "renvoyé pour correction", "renvoyés pour correction", True),
        ("late", "en retard", "en retard", True),
        ("today", "à faire aujourd'hui", "à faire aujourd'hui", False),
        ("week", "à faire d'ici la fin de la semaine", "à faire d'ici la fin de la semaine", False),
        ("awaiting", "en attente de réponse", "en attente de réponse", False),
    ]
    word = "audit" if user.is_auditor else "appel"
    section = Section("Cette semaine", "Rien à faire cette semaine.")
    for key, one, many, urgent in lines:
        count = counts[key]
        if count:
            section.tasks.append(
                Task(
                    f"{_n(count, word)} {one if count < 2 else many}",
                    f"{url}#{key}",
                    count,
                    urgent=urgent,
                )
            )
    if counts["not_open"]:
        count = counts["not_open"]
        section.tasks.append(
            Task(
                f"{_n(count, word)} prévu{plural(count)} quand le terrain ouvrira",
                f"{url}#not_open",
                count,
            )
        )
    return [section]


def structure_work(user, memberships, today: dt.date) -> list[Section]:
    """For each structure of the user: its register's deadlines, survey mailings, next
    committee meeting and internal calls to validate for its managers; the entries given
    to them for its agents; the next meeting and the minutes for its readers (the
    committee). A fixed number of queries for all the user's structures."""
    ids = {m.structure_id for m in memberships}
    managed = {m.structure_id for m in memberships if m.role == "manager"}
    writers = {m.structure_id for m in memberships if m.role in ("manager", "agent")}
    overdue_by, soon_by = {}, {}
    if writers:
        overdue, soon = register.due_within(list(writers), today)
        overdue_by, soon_by = _by_structure(overdue), _by_structure(soon)
    mine = (
        register.open_entries()
        .filter(assigned_to=user, structure_id__in=writers)
        .order_by("answer_due", "pk")[:20]
    )
    mailings = (
        SurveyMailing.objects.filter(
            questionnaire__structure_id__in=managed, closed_at__isnull=True
        )
        .select_related("questionnaire")
        .order_by("closes_on")
        if managed
        else []
    )
    meetings = Meeting.objects.filter(structure_id__in=ids).order_by("held_on")
    upcoming = {}
    for meeting in meetings.filter(held_on__gte=today):
        upcoming.setdefault(meeting.structure_id, meeting)
    past = {}
    for meeting in meetings.filter(held_on__lt=today).order_by("-held_on")[:50]:
        past.setdefault(meeting.structure_id, meeting)
    calls = dict(
        AuditTask.objects.filter(edition__owner_id__in=managed, status=T.SUBMITTED)
        .values_list("edition__owner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sections = []
    for membership in memberships:
        structure = membership.structure
        pk = structure.pk
        if membership.role in ("manager", "agent"):
            sections.append(_register_section(structure, overdue_by.get(pk, 0), soon_by.get(pk, 0)))
        if membership.role == "agent":
            sections.append(_assigned_section(structure, [e for e in mine if e.structure_id == pk]))
        if membership.role == "manager":
            sections += _manager_sections(
                structure,
                [m for m in mailings if m.questionnaire.structure_id == pk],
                upcoming.get(pk),
                calls.get(pk, 0),
                today,
            )
        if membership.role == "viewer":
            sections.append(_committee_section(structure, upcoming.get(pk), past.get(pk), today))
    return sections


def _by_structure(entries) -> dict[int, int]:
    rows = entries.values_list("structure_id").annotate(n=Count("pk")).order_by()
    return dict(rows)


def _register_section(structure, overdue: int, soon: int) -> Section:
    url = reverse("improvement:entries", args=[structure.pk])
    section = Section(
        f"Registre des réclamations — {structure.name}",
        "Aucune réponse en retard ni attendue dans les deux jours ouvrés.",
    )
    if overdue:
        section.tasks.append(
            Task(
                f"{_n(overdue, 'réponse')} en retard",
                f"{url}?echeance=retard",
                overdue,
                "réclamations et demandes dont la date de réponse est passée",
                urgent=True,
            )
        )
    if soon:
        section.tasks.append(
            Task(
                f"{_n(soon, 'réponse')} à donner sous deux jours ouvrés",
                f"{url}?echeance=bientot",
                soon,
            )
        )
    return section


def _assigned_section(structure, entries: list[FeedbackEntry]) -> Section:
    section = Section(
        f"Mes dossiers — {structure.name}", "Aucun dossier ouvert ne vous est confié."
    )
    for entry in entries:
        late = bool(entry.answer_due and entry.answer_due < timezone.localdate())
        due = f"réponse attendue le {entry.answer_due:%d/%m/%Y}" if entry.answer_due else ""
        section.tasks.append(
            Task(
                f"{entry.reference} — {entry.subject_masked or entry.subject}",
                reverse("improvement:entry", args=[entry.pk]),
                detail=f"{due} : en retard" if late else due,
                urgent=late,
            )
        )
    return section


def _manager_sections(structure, mailings, meeting, calls: int, today: dt.date) -> list[Section]:
    surveys = Section(
        f"Enquêtes par courriel — {structure.name}", "Aucune enquête par courriel en cours."
    )
    for mailing in mailings:
        stalled = mailing.stalled or mailing.status == "failed"
        sent = f"{mailing.invited} invitation{plural(mailing.invited)}"
        if stalled:
            detail = f"{sent} ; envoi interrompu : reprenez-le"
        elif mailing.closes_on < today:
            detail = f"{sent} ; clôture prévue le {mailing.closes_on:%d/%m/%Y} : fermez l'enquête"
        else:
            detail = f"{sent}, clôture le {mailing.closes_on:%d/%m/%Y}"
        surveys.tasks.append(
            Task(
                f"« {mailing.questionnaire.title} »",
                reverse("improvement:mailing_create", args=[mailing.questionnaire_id]),
                detail=detail,
                urgent=stalled or mailing.closes_on < today,
            )
        )
    committee = Section(f"Comité des usagers — {structure.name}", "")
    if meeting is not None:
        committee.tasks.append(
            Task(
                f"Prochain comité des usagers le {meeting.held_on:%d/%m/%Y}",
                reverse("improvement:meeting", args=[structure.pk, meeting.pk]),
                detail=meeting.title,
            )
        )
    else:
        committee.tasks.append(
            Task(
                "Aucun comité des usagers programmé : fixer la prochaine réunion",
                reverse("improvement:meeting_create", args=[structure.pk]),
            )
        )
    mystery = Section(
        f"Appels mystères internes — {structure.name}", "Aucun appel mystère à valider."
    )
    if calls:
        mystery.tasks.append(
            Task(
                f"{_n(calls, 'appel mystère', 'appels mystères')} à valider",
                reverse("campaigns:validation"),
                calls,
            )
        )
    return [surveys, committee, mystery]


def _committee_section(structure, meeting, last, today: dt.date) -> Section:
    section = Section(f"Comité des usagers — {structure.name}", "")
    if meeting is not None:
        section.tasks.append(
            Task(
                f"Prochaine réunion le {meeting.held_on:%d/%m/%Y}",
                reverse("improvement:meeting", args=[structure.pk, meeting.pk]),
                detail=meeting.title,
            )
        )
    else:
        section.tasks.append(Task("Aucune réunion du comité n'est encore programmée."))
    if last is not None:
        section.tasks.append(
            Task(
                f"Compte rendu de la réunion du {last.held_on:%d/%m/%Y}",
                reverse("improvement:meeting", args=[structure.pk, last.pk]),
            )
        )
    section.tasks.append(
        Task(
            f"Bilan qualité {today.year - 1}",
            reverse("improvement:review", args=[structure.pk, today.year - 1]),
        )
    )
    return section
