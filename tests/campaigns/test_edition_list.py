"""The editions list counts each edition's enrolments and audits without multiplying one by
the other (a join of both read 337 × 3,500 rows per national edition on the demo)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from barometre.campaigns.models import AuditTask, Enrolment
from tests.html import shown

pytestmark = pytest.mark.django_db


def _add(edition, structures, tasks_each: int):
    for structure in structures:
        Enrolment.objects.create(edition=edition, structure=structure, status="enrolled")
        AuditTask.objects.bulk_create(
            AuditTask(
                edition=edition,
                structure=structure,
                channel="phone",
                sequence=i + 1,
                scheduled_at="2025-05-06T10:00:00+02:00",
            )
            for i in range(tasks_each)
        )


def _listing(client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("campaigns:editions"))
    assert page.status_code == 200
    return page, [q["sql"] for q in queries]


def test_the_list_counts_enrolments_and_audits_of_each_edition(
    edition, client_for, operator, structure_a, structure_b
):
    _add(edition, [structure_a, structure_b], tasks_each=3)
    Enrolment.objects.filter(structure=structure_b).update(status="withdrawn")
    page, _ = _listing(client_for(operator))
    row = next(r for r in page.text.split("<tr>") if "Baromètre 2025" in r)
    assert "<td>1</td><td>6</td>" in shown(row)


def test_the_list_reads_the_same_queries_whatever_the_size_of_the_editions(
    edition, client_for, operator, structure_a, structure_b
):
    client = client_for(operator)
    client.get(reverse("campaigns:editions"))  # warm caches
    _add(edition, [structure_a], tasks_each=1)
    _, small = _listing(client)
    _add(edition, [structure_b], tasks_each=40)
    _, large = _listing(client)
    assert len(small) == len(large)
    listing = next(sql for sql in large if "campaigns_audittask" in sql)
    assert "JOIN" not in listing, "les décomptes ne joignent pas les audits aux inscriptions"


def test_the_list_is_titled_for_who_reads_it(client_for, operator, manager_a):
    operator_page = shown(client_for(operator).get(reverse("campaigns:editions")).text)
    assert "<h1>Éditions du baromètre</h1>" in operator_page
    manager_page = shown(client_for(manager_a).get(reverse("campaigns:editions")).text)
    assert "<h1>Campagnes internes</h1>" in manager_page
    assert "<title>Campagnes internes —" in manager_page
