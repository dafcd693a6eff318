"""Exporting the registry in the same columns the import reads (round trip)."""

from barometre.core.exporting import Column, csv_chunks, write_csv, write_xlsx
from barometre.structures.columns import CONTACT_COLUMNS, LABEL_COLUMNS, MULTI_VALUE_SEPARATOR
from barometre.structures.models import Label, Structure


def _contacts(channel):
    def value(structure: Structure) -> str:
        return f" {MULTI_VALUE_SEPARATOR} ".join(
            c.value for c in structure.contact_points.all() if c.channel == channel
        )

    return value


def _label(kind):
    """The confirmed label's date: the file goes back through the operators' import, which
    confirms what it writes, so a proposal waiting for its decision is not in it."""

    def value(structure: Structure):
        return next(
            (
                lb.obtained_on
                for lb in structure.labels.all()
                if lb.kind == kind and lb.status == Label.Status.CONFIRMED
            ),
            None,
        )

    return value


COLUMNS = [
    Column("identifiant", lambda s: s.identifier),
    Column("nom", lambda s: s.name),
    Column("nom_dans_une_phrase", lambda s: s.name_in_sentence),
    Column("type", lambda s: s.kind),
    Column("departement", lambda s: s.department),
    Column("population", lambda s: s.population),
    Column("commune", lambda s: s.city),
    Column("code_postal", lambda s: s.postal_code),
    Column("rattachement", lambda s: s.parent.identifier if s.parent else ""),
    Column("code_sp", lambda s: s.sp_code),
    *(Column(name, _contacts(channel)) for name, channel in CONTACT_COLUMNS.items()),
    *(Column(name, _label(kind)) for name, kind in LABEL_COLUMNS.items()),
]


def structure_rows(queryset):
    """The structures with what the columns read, 500 at a time."""
    rows = queryset.select_related("parent").prefetch_related("contact_points", "labels")
    return rows.iterator(chunk_size=500)


def export_structures(queryset, fmt: str = "xlsx") -> bytes:
    if fmt == "csv":
        return write_csv(COLUMNS, structure_rows(queryset))
    return write_xlsx(COLUMNS, structure_rows(queryset), "Structures")


def structures_csv_chunks(queryset):
    """The CSV export of ``export_structures``, in chunks, for a streamed response."""
    return csv_chunks(COLUMNS, structure_rows(queryset))
