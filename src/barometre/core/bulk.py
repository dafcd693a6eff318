"""Writing many rows with one prepared statement each, for writes that hold SQLite's only
write lock (an import, all or nothing, in one transaction).

Django's ``bulk_update`` builds a ``CASE WHEN`` expression per field and per row, and
``bulk_create`` compiles each batch: measured on the demo (3,489 audits, 35,451
answers), 40 s inside the transaction, nearly all of it building those expressions,
while an auditor's draft waited 22 s for the lock and failed. Here each value goes
through its field's own conversion (``get_db_prep_save``, as the ORM does: dates in UTC,
booleans, foreign keys) and the rows through ``executemany`` of one statement: the same
rows in under 3 s on the loaded development machine (docs/operations.md).

Only for plain models: no database defaults to read back, no signals expected (the ORM's
bulk methods send none either). Rows are mappings, not model instances: building 40,000
instances cost another second or more. A field's default is computed once per call.
"""

from collections.abc import Iterable, Mapping, Sequence

from django.db import connections, router
from django.db.models import Field, Model

# Rows per executemany call: keeps the parameter lists a few megabytes at most.
CHUNK = 5_000


def _column(field: Field) -> str:
    """A concrete field's column (django-stubs type it optional, for the others)."""
    if field.column is None:
        raise ValueError(f"{field} has no column")
    return field.column


def _chunks(rows: list, size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_rows(model: type[Model], rows: Iterable[Mapping[str, object]]) -> int:
    """Insert ``rows``, each a mapping of field attnames (``task_id``, ``value``…) to
    values, a field left out taking its default; the primary key is left to the
    database and not read back (select the rows by a natural key). Returns how many."""
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(f)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    prepared = [
        tuple(
            f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection) for f in fields
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(prepared):
            cursor.executemany(sql, chunk)
    return len(prepared)


def update_rows(
    model: type[Model], rows: Sequence[Mapping[str, object]], fields: Sequence[str]
) -> int:
    """Write ``fields`` (attnames) of ``rows``, each a mapping with the row's ``pk`` and
    those fields' values. Returns how many rows were written."""
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    chosen = [by_attname[name] for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(_column(f))} = %s" for f in chosen)
    table, pk = quote(meta.db_table), quote(_column(meta.pk))
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    prepared = [
        (
            *(f.get_db_prep_save(row[f.attname], connection) for f in chosen),
            meta.pk.get_db_prep_save(row["pk"], connection),
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(prepared):
            cursor.executemany(sql, chunk)
    return len(prepared)
