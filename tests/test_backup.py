"""A backup restored into an empty database gives the data back (PostgreSQL with
pg_dump / pg_restore as docs/operations.md says; SQLite with its backup API)."""

import datetime as dt
import sqlite3
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from barometre.improvement import register
from barometre.structures.models import Structure

pytestmark = pytest.mark.django_db(transaction=True)


def _seed(structure_a):
    register.create_entry(
        structure_a,
        kind="complaint",
        channel="letter",
        received_on=dt.date(2025, 3, 3),
        subject="Dossier égaré",
        description="Deux mois sans réponse",
    )
    return {"structures": Structure.objects.count()}


def test_a_dump_restores_into_an_empty_database(structure_a, structure_b):
    expected = _seed(structure_a)
    query = (
        "SELECT s.name, f.reference, f.subject, f.answer_due FROM improvement_feedbackentry "
        "f JOIN structures_structure s ON s.id = f.structure_id"
    )
    if connection.vendor == "sqlite":
        target = sqlite3.connect(":memory:")
        connection.ensure_connection()
        connection.connection.backup(target)
        rows = target.execute(query).fetchall()
        count = target.execute("SELECT count(*) FROM structures_structure").fetchone()[0]
    else:
        params = connection.get_connection_params()
        conninfo = psycopg.conninfo.make_conninfo(
            **{
                k: v
                for k, v in params.items()
                if k in ("host", "port", "user", "password", "dbname")
            }
        )
        command = ["pg_dump", "--format=custom", "--no-owner", f"--dbname={conninfo}"]
        dump = subprocess.run(command, check=True, capture_output=True).stdout
        name = f"restore_{uuid.uuid4().hex[:8]}"
        admin = psycopg.connect(conninfo, autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            target_info = psycopg.conninfo.make_conninfo(conninfo, dbname=name)
            subprocess.run(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target_info}"],
                input=dump,
                check=True,
            )
            with psycopg.connect(target_info) as restored:
                rows = restored.execute(query).fetchall()
                count = restored.execute("SELECT count(*) FROM structures_structure").fetchone()[0]
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.close()
    assert count == expected["structures"] == 2
    assert [(r[0], r[1], r[2], str(r[3])) for r in rows] == [
        ("Préfecture du Loiret", "2025-0001", "Dossier égaré", "2025-03-17")
    ]
