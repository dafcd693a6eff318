"""The feedback register as a spreadsheet: the entries the register list shows with the
same filters, most recent first, each as its reader may see it (``register.as_seen_by``:
the contact details and texts masked for whoever does not handle the entry).

Rows are read ``BATCH`` at a time in a constant number of queries, and the working days
taken are counted for a whole batch in one vectorised call: memory depends on the batch,
not on the number of entries (a CSV streams, a large XLSX is built by the task worker)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from barometre.accounts.models import User
from barometre.core.exporting import Column, csv_chunks, write_xlsx
from barometre.improvement.access import get_structure
from barometre.improvement.deadlines import working_days_taken_many
from barometre.improvement.models import FeedbackEntry
from barometre.improvement.register import as_seen_by
from barometre.improvement.register_forms import RegisterFilterForm
from barometre.structures.models import Structure

BATCH = 500
SHEET = "Registre"


@dataclass(frozen=True)
class ExportedEntry:
    entry: FeedbackEntry  # as the reader may see it
    working_days: int | None  # from reception to answer, in the structure's calendar


def _within_deadline(row: ExportedEntry) -> str | None:
    """As the on-time rate counts it (``FeedbackEntry.objects.deadline_counted``): an
    open entry past its due date (Paris day) is late; one not yet due is not counted."""
    entry = row.entry
    if entry.answer_due is None:
        return None  # nothing was due (thanks)
    if entry.answered_on is None:
        return "non" if entry.answer_due < timezone.localdate() else None
    return "oui" if entry.answered_on <= entry.answer_due else "non"


def _assigned(row: ExportedEntry) -> str:
    return row.entry.assigned_to.username if row.entry.assigned_to else ""


COLUMNS = [
    Column("reference", lambda r: r.entry.reference),
    Column("recue_le", lambda r: r.entry.received_on),
    Column("canal", lambda r: r.entry.get_channel_display()),
    Column("nature", lambda r: r.entry.get_kind_display()),
    Column("objet", lambda r: r.entry.subject),
    Column("etat", lambda r: r.entry.get_status_display()),
    Column("reponse_attendue_le", lambda r: r.entry.answer_due),
    Column("repondue_le", lambda r: r.entry.answered_on),
    Column("jours_ouvres_de_traitement", lambda r: r.working_days),
    Column("dans_le_delai", _within_deadline),
    Column("personne_en_charge", _assigned),
    Column("nom_usager", lambda r: r.entry.contact_name),
    Column("courriel_usager", lambda r: r.entry.contact_email),
]


def register_rows(structure: Structure, user, entries) -> Iterator[ExportedEntry]:
    """The rows of ``entries`` (a queryset of the structure's register) for ``user``."""
    batch: list[FeedbackEntry] = []
    # The long texts are not exported: left unread, and unmasked (``register.masked``).
    rows = entries.select_related("assigned_to").defer(
        "description", "answer", "description_masked", "answer_masked"
    )
    for entry in rows.iterator(chunk_size=BATCH):
        batch.append(entry)
        if len(batch) == BATCH:
            yield from _rows(batch, structure, user)
            batch = []
    yield from _rows(batch, structure, user)


def _rows(batch: list[FeedbackEntry], structure: Structure, user) -> Iterable[ExportedEntry]:
    answered = [e for e in batch if e.answered_on is not None]
    taken: dict[int, int] = {}
    if answered:
        received, replied = (
            np.array([getattr(e, name) for e in answered], dtype="datetime64[D]")
            for name in ("received_on", "answered_on")
        )
        days = working_days_taken_many(received, replied, structure.department)
        taken = dict(zip((e.pk for e in answered), days.tolist(), strict=True))
    for entry in batch:
        yield ExportedEntry(as_seen_by(user, entry), taken.get(entry.pk))


def export_register(structure: Structure, user, entries) -> bytes:
    """The XLSX workbook of ``entries``, at once (a small export)."""
    return write_xlsx(COLUMNS, register_rows(structure, user, entries), SHEET)


def register_csv_chunks(structure: Structure, user, entries) -> Iterator[bytes]:
    """The CSV export of ``entries`` in chunks, for a streamed response."""
    return csv_chunks(COLUMNS, register_rows(structure, user, entries))


def register_sheets(user_id: int, structure_id: int, filters: dict) -> list:
    """The sheet of a large XLSX export (``core.deferred``): the entries are read again
    when the file is written, and so is access (a role withdrawn in between exports
    nothing: ``get_structure`` refuses)."""
    user = User.objects.get(pk=user_id)
    structure = get_structure(user, structure_id)
    entries = RegisterFilterForm(filters).entries(
        structure, user, due=filters.get("echeance"), today=timezone.localdate()
    )
    return [(SHEET, COLUMNS, register_rows(structure, user, entries))]
