"""The feedback register: entries, their life cycle, deadlines, reminders and figures.

Every change goes through these functions. Changes carry the version the user saw
(optimistic locking): the second of two concurrent writers gets a ``Conflict`` naming
what changed, and loses nothing (the form is shown again with their text)."""

from __future__ import annotations

import copy
import datetime as dt
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from barometre.accounts.models import Membership, Role
from barometre.core.errors import Conflict, Refused
from barometre.core.figures import count_of
from barometre.engine import DayUnit, add_days, mask_names, mask_personal_data
from barometre.engine.privacy import EMAIL_MASK, NAME_MASK
from barometre.improvement.access import sees_personal_data
from barometre.improvement.deadlines import deadline_for, due_dates, working_days_taken_many
from barometre.improvement.models import (
    ON_TIME_KINDS,
    FeedbackEntry,
    FeedbackEvent,
    FeedbackKind,
)
from barometre.structures.models import Structure

S = FeedbackEntry.Status
SOON_WORKING_DAYS = 2


def _reference(structure: Structure, year: int) -> str:
    prefix = f"{year}-"
    last = (
        FeedbackEntry.objects.filter(structure=structure, reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


# No register goes back further: an earlier date is a typing error (0001-01-01 would
# otherwise be stored, with deadlines computed in a calendar of the year 1).
EARLIEST_RECEIVED = dt.date(2000, 1, 1)
TOO_EARLY = "la date de réception ne peut pas être antérieure au 01/01/2000"


def _check_dates(received: dt.date, today: dt.date) -> None:
    if received > today:
        raise Refused(["la date de réception ne peut pas être dans le futur"])
    if received < EARLIEST_RECEIVED:
        raise Refused([TOO_EARLY])


def create_entry(
    structure: Structure,
    *,
    kind: str,
    channel: str,
    received_on: dt.date,
    subject: str,
    description: str,
    by=None,
    submission_key: str = "",
    **fields,
) -> tuple[FeedbackEntry, bool]:
    """The new entry (deadlines computed in the structure's calendar) and whether it was
    created: a public submission already stored under the same key is returned as is."""
    if submission_key:
        existing = FeedbackEntry.objects.filter(
            structure=structure, submission_key=submission_key
        ).first()
        if existing:
            return existing, False
    _check_dates(received_on, timezone.localdate())
    contact = fields.get("contact_name", "")
    fields["subject_masked"] = masked_text(subject, contact, limit=SUBJECT_MASKED_MAX)
    fields["description_masked"] = masked_text(description, contact)
    fields["answer_masked"] = masked_text(fields.get("answer", ""), contact)
    ack_due, answer_due = due_dates(
        received_on, deadline_for(structure.pk, channel, kind), structure.department
    )
    for _attempt in range(5):  # two concurrent entries may draw the same number
        try:
            with transaction.atomic():
                entry = FeedbackEntry.objects.create(
                    structure=structure,
                    reference=_reference(structure, received_on.year),
                    kind=kind,
                    channel=channel,
                    received_on=received_on,
                    subject=subject,
                    description=description,
                    acknowledge_due=ack_due,
                    answer_due=answer_due,
                    created_by=by,
                    submission_key=submission_key,
                    **fields,
                )
                FeedbackEvent.objects.create(entry=entry, by=by, action="created")
                return entry, True
        except IntegrityError:
            if submission_key:
                existing = FeedbackEntry.objects.filter(
                    structure=structure, submission_key=submission_key
                ).first()
                if existing:
                    return existing, False
    raise Refused(["impossible d'attribuer une référence, réessayez"])


SUBJECT_MASKED_MAX = FeedbackEntry._meta.get_field("subject_masked").max_length


def masked_text(text: str, contact_name: str = "", *, limit: int | None = None) -> str:
    """The copy of one of an entry's texts that those who do not handle it read: the
    user's own name, other person names, e-mail addresses, phone numbers and street
    addresses masked (``engine.mask_names``). Made once, when the text is stored, by the
    functions that store it; ``barometre remask-texts`` makes them again."""
    if not text:
        return ""
    return mask_names(_without_name(text, contact_name))[:limit]


def masked(entry: FeedbackEntry) -> FeedbackEntry:
    """The entry as read by someone who does not handle it (docs/guide, « Données
    personnelles »): no contact details, and its texts as their masked copies stored
    beside them. A copy for display only: saving it is refused.

    A field the query left unread (``defer``: the export does not show the description
    nor the answer) is left empty on the copy: read later, it would come from the
    database as written, unmasked. A text stored before its copy existed (before
    ``remask-texts`` ran) is masked by the rules alone."""
    shown = copy.copy(entry)
    unread = entry.get_deferred_fields()
    contact = "" if "contact_name" in unread else entry.contact_name
    for name, mask in (("contact_name", NAME_MASK), ("contact_email", EMAIL_MASK)):
        setattr(shown, name, mask if name not in unread and getattr(entry, name) else "")
    for name in ("subject", "description", "answer"):
        copy_name = f"{name}_masked"
        if name in unread or copy_name in unread or not getattr(entry, name):
            text = ""
        else:
            text = getattr(entry, copy_name) or mask_personal_data(
                _without_name(getattr(entry, name), contact)
            )
        setattr(shown, name, text)
    shown.save = _not_saved
    return shown


def _without_name(text: str, name: str) -> str:
    """``text`` with the user's own name masked wherever it stands, in full or in part (a
    first name or a surname alone, as whole words of three letters or more), even without
    the civility that the general masking looks for: « Texte libre de Jeanne Martin »."""
    words = sorted({w for w in re.findall(r"[\w'-]{3,}", name or "")}, key=len, reverse=True)
    if not text or not words:
        return text
    pattern = r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"
    masked_text = re.sub(pattern, NAME_MASK, text, flags=re.IGNORECASE)
    # « [nom masqué] [nom masqué] » for a full name reads as one name.
    return re.sub(rf"{re.escape(NAME_MASK)}(?:\s+{re.escape(NAME_MASK)})+", NAME_MASK, masked_text)


def as_seen_by(user, entry: FeedbackEntry) -> FeedbackEntry:
    """The entry as ``user`` may read it, in a list, a page or an export: as written for
    whoever handles it (``access.sees_personal_data``), ``masked`` for the others."""
    return entry if sees_personal_data(user, entry) else masked(entry)


def _not_saved(*args, **kwargs):
    raise RuntimeError("copie masquée d'une fiche : elle ne s'enregistre pas")


TRANSITIONS = {
    "acknowledge": ({S.RECEIVED}, S.ACKNOWLEDGED),
    "start": ({S.RECEIVED, S.ACKNOWLEDGED}, S.IN_PROGRESS),
    "answer": ({S.RECEIVED, S.ACKNOWLEDGED, S.IN_PROGRESS}, S.ANSWERED),
    "close": ({S.ANSWERED}, S.CLOSED),
    "reopen": ({S.ANSWERED, S.CLOSED}, S.IN_PROGRESS),
}
ACTION_LABELS = {
    "created": "Enregistrée",
    "acknowledge": "Accusé de réception",
    "start": "Prise en charge",
    "answer": "Réponse",
    "close": "Clôture",
    "reopen": "Réouverture",
    "edit": "Modification",
}


def transition(
    entry: FeedbackEntry,
    action: str,
    *,
    by,
    version: int,
    on: dt.date | None = None,
    answer: str = "",
    note: str = "",
) -> FeedbackEntry:
    sources, target = TRANSITIONS[action]
    today = timezone.localdate()
    on = on or today
    if entry.status not in sources:
        raise Refused([f"action impossible depuis l'état « {entry.get_status_display()} »"])
    if on > today:
        raise Refused(["la date ne peut pas être dans le futur"])
    if on < entry.received_on:
        raise Refused(
            [
                f"la date ({date_format(on, 'd/m/Y')}) est antérieure à la réception "
                f"({date_format(entry.received_on, 'd/m/Y')})"
            ]
        )
    changes = {"status": target, "version": F("version") + 1}
    if action == "acknowledge":
        changes["acknowledged_on"] = on
    if action == "answer":
        if not answer.strip() and entry.kind != FeedbackKind.THANKS:
            raise Refused(["le texte de la réponse est obligatoire"])
        changes.update(
            answered_on=on,
            answer=answer.strip(),
            answer_masked=masked_text(answer.strip(), entry.contact_name),
        )
        if entry.acknowledged_on is None:
            changes["acknowledged_on"] = on  # an answer acknowledges receipt
    if action == "reopen":
        changes["answered_on"] = None
    with transaction.atomic():
        updated = FeedbackEntry.objects.filter(pk=entry.pk, version=version).update(**changes)
        if not updated:
            raise Conflict(
                "Cette fiche a été modifiée par quelqu'un d'autre depuis que vous l'avez "
                "ouverte. Vos saisies sont conservées ci-dessous : relisez la fiche à jour "
                "puis validez à nouveau."
            )
        FeedbackEvent.objects.create(entry=entry, by=by, action=action, note=note or answer[:500])
    entry.refresh_from_db()
    return entry


def edit(entry: FeedbackEntry, *, by, version: int, **fields) -> FeedbackEntry:
    """Change service, person in charge, root cause, subject or the improvement action
    linked, with the version seen."""
    allowed = {"service", "assigned_to", "root_cause", "subject", "action"}
    if set(fields) - allowed:
        raise Refused(["champ non modifiable"])
    if "subject" in fields:
        fields["subject_masked"] = masked_text(
            fields["subject"], entry.contact_name, limit=SUBJECT_MASKED_MAX
        )
    with transaction.atomic():
        updated = FeedbackEntry.objects.filter(pk=entry.pk, version=version).update(
            **fields, version=F("version") + 1
        )
        if not updated:
            raise Conflict("Cette fiche a été modifiée par quelqu'un d'autre entre-temps.")
        FeedbackEvent.objects.create(entry=entry, by=by, action="edit")
    entry.refresh_from_db()
    return entry


def open_entries():
    return FeedbackEntry.objects.exclude(status__in=(S.ANSWERED, S.CLOSED))


def due_within(structure_ids, today: dt.date):
    """Open entries whose answer is overdue, and those due from today to
    ``SOON_WORKING_DAYS`` working days later in each structure's calendar: the same horizon
    as the reminder e-mails (``send_reminders``)."""
    entries = open_entries().filter(structure_id__in=structure_ids, answer_due__isnull=False)
    by_department: dict[str, list[int]] = {}
    for pk, department in Structure.objects.filter(pk__in=structure_ids).values_list(
        "pk", "department"
    ):
        by_department.setdefault(department, []).append(pk)
    soon = Q(pk__in=[])
    for department, pks in by_department.items():
        horizon = add_days(today, SOON_WORKING_DAYS, department, DayUnit.WORKING)
        soon |= Q(structure_id__in=pks, answer_due__lte=horizon)
    return entries.filter(answer_due__lt=today), entries.filter(soon, answer_due__gte=today)


FIGURES_CACHE_SECONDS = 24 * 3600


@dataclass
class YearFigures:
    year: int
    counts: dict[str, int]
    answered: int = 0
    on_time: int = 0
    delays: list[int] = field(default_factory=list)
    overdue: int = 0  # open entries past their due date: late, counted in the rate
    today: dt.date | None = None  # the day the figures were counted

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def counted(self) -> int:
        """The on-time rate's n: answered entries and open entries past their due date."""
        return self.answered + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return 100.0 * self.on_time / self.counted if self.counted else None

    @property
    def in_progress(self) -> bool:
        """The year is not over: its figures are provisional, no target verdict yet."""
        return self.today is not None and self.today.year <= self.year

    @property
    def mean_delay(self) -> float | None:
        return statistics.fmean(self.delays) if self.delays else None

    def count(self, kind: str) -> int:
        return self.counts.get(kind, 0)


def figures(
    structure: Structure,
    years: list[int],
    *,
    kinds=None,
    channels=None,
    today: dt.date | None = None,
) -> list[YearFigures]:
    """Per year of reception: counts per kind, answers within the deadline and mean delay
    in working days, optionally restricted to some kinds and channels.

    The deadline figures have one definition wherever they are shown (register, quality
    dashboard, annual review, transparency page, SP+ export, API): complaints and
    suggestions (``ON_TIME_KINDS``, unless ``kinds`` says otherwise) that expected an
    answer and got one or are past their due date on ``today`` (Paris time) without one
    (``FeedbackEntry.objects.deadline_counted``); the latter are late. The mean delay is
    over the answered ones. They count the whole register, not a sample: no minimum
    applies, and they are shown with k / n."""
    today = today or timezone.localdate()
    timed = list(kinds or ON_TIME_KINDS)
    out = {y: YearFigures(y, Counter(), today=today) for y in years}
    if not years:
        return []
    # Date ranges rather than the year of a date: the (structure, received_on) index
    # serves them. The counts are aggregated by the database; only the counted entries'
    # dates are read, for the answered ones' delay in working days (vectorised, one call).
    entries = FeedbackEntry.objects.filter(
        structure=structure,
        received_on__range=(dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)),
    )
    if kinds:
        entries = entries.filter(kind__in=kinds)
    if channels:
        entries = entries.filter(channel__in=channels)
    # Kept in the cache under what the figures read: the entries' number, their highest
    # id and their versions (every change of an entry goes through this module and raises
    # its version; only the reminder date and the retention's erasures do not, and the
    # figures read neither), and the day (an open entry becomes late at midnight). One
    # query; a new or edited entry shows at once.
    version = entries.aggregate(
        n=Count("id"), last=Max("id"), edits=Sum("version"), weighted=Sum(F("id") * F("version"))
    )
    key = (
        f"register-figures:{structure.pk}:{structure.department}:{','.join(map(str, years))}:"
        f"{','.join(sorted(timed))}:{','.join(sorted(kinds or ()))}:"
        f"{','.join(sorted(channels or ()))}:{today.isoformat()}:"
        f"{version['n']}:{version['last']}:{version['edits']}:{version['weighted']}"
    )
    found = cache.get(key)
    if found is not None:
        return found
    counted = (
        entries.annotate(year=ExtractYear("received_on"))
        .values("year", "kind")
        .annotate(n=Count("*"))
        .order_by()
    )
    for row in counted:
        if row["year"] in out:
            out[row["year"]].counts[row["kind"]] = row["n"]
    timed_entries = list(
        entries.deadline_counted(today, timed)
        .values_list("received_on", "answered_on", "answer_due")
        .order_by()
    )
    answered = [row for row in timed_entries if row[1] is not None]
    for day, on, _ in timed_entries:
        if on is None and day.year in out:
            out[day.year].overdue += 1
    if answered:
        received, replied = (
            np.array([row[i] for row in answered], dtype="datetime64[D]") for i in (0, 1)
        )
        delays = working_days_taken_many(received, replied, structure.department)
        for (day, on, deadline), delay in zip(answered, delays.tolist(), strict=True):
            year = out.get(day.year)
            if year is None:
                continue
            year.answered += 1
            year.on_time += on <= deadline
            year.delays.append(delay)
    figures = [out[y] for y in years]
    cache.set(key, figures, FIGURES_CACHE_SECONDS)
    return figures


def acknowledgement_email(entry: FeedbackEntry) -> None:
    """To the user who wrote through the public form: the reference, the structure and the
    expected answer date, and nothing the sender typed (whoever fills the public form in
    chooses the recipient: echoing the subject would relay their message)."""
    if not entry.contact_email:
        return
    lines = [
        "Bonjour,",
        "",
        f"{capfirst(entry.structure.in_sentence)} a bien reçu votre message, "
        f"enregistré sous la référence {entry.reference}.",
    ]
    if entry.answer_due:
        lines.append(
            f"Vous recevrez une réponse au plus tard le {date_format(entry.answer_due, 'l j F Y')}."
        )
    lines += ["", "Ceci est un message automatique : merci de ne pas y répondre."]
    send_mail(
        f"[{entry.reference}] Accusé de réception",
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        [entry.contact_email],
    )


def send_reminders(today: dt.date | None = None) -> int:
    """E-mail the people in charge of entries overdue or due within two working days
    (once a day per entry): the assigned person, otherwise the structure's managers."""
    today = today or timezone.localdate()
    entries = (
        open_entries()
        .filter(answer_due__isnull=False)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .select_related("structure", "assigned_to")
    )
    by_recipient: dict[str, list[FeedbackEntry]] = {}
    managers: dict[int, list[str]] = {}
    reminded = []
    for entry in entries.iterator():
        limit = add_days(today, SOON_WORKING_DAYS, entry.structure.department, DayUnit.WORKING)
        if entry.answer_due > limit:
            continue
        if entry.assigned_to and entry.assigned_to.email:
            recipients = [entry.assigned_to.email]
        else:
            if entry.structure_id not in managers:
                managers[entry.structure_id] = list(
                    Membership.objects.filter(structure_id=entry.structure_id, role=Role.MANAGER)
                    .exclude(user__email="")
                    .values_list("user__email", flat=True)
                )
            recipients = managers[entry.structure_id]
        for email in recipients:
            by_recipient.setdefault(email, []).append(entry)
        reminded.append(entry.pk)
    for email, items in by_recipient.items():
        lines = ["Bonjour,", "", "Ces réclamations et suggestions attendent une réponse :", ""]
        for entry in sorted(items, key=lambda e: e.answer_due):
            state = "en retard" if entry.answer_due < today else "à échéance"
            due = date_format(entry.answer_due, "d/m/Y")
            lines.append(
                f"- {entry.reference} ({entry.structure.name}) : {entry.subject} — "
                f"réponse attendue le {due} ({state})"
            )
        send_mail(
            f"{count_of(len(items), 'réclamation')} à traiter",
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    FeedbackEntry.objects.filter(pk__in=reminded).update(reminded_on=today)
    return len(reminded)
