"""Validating a published open-data CSV against its Table Schema with frictionless, as a
reuser's tooling would."""

import json

from frictionless import Dialect, Resource, Schema, formats


def table_errors(content: bytes, schema: str | dict) -> list[str]:
    """Every error frictionless finds in ``content`` (a ``;``-separated CSV in UTF-8, BOM
    allowed) against ``schema`` (Table Schema, as served); empty when valid."""
    descriptor = json.loads(schema) if isinstance(schema, str) else schema
    resource = Resource(
        data=content,
        format="csv",
        encoding="utf-8-sig",
        dialect=Dialect(controls=[formats.CsvControl(delimiter=";")]),
        schema=Schema.from_descriptor(descriptor),
    )
    report = resource.validate()
    return [error.message for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]
