"""Issue 22, item 1: no page of the access matrix runs more queries when there is more
data. Every page is visited, by a persona allowed to see it, on the matrix's objects;
then each kind of object is multiplied (structures, audit tasks, register entries, survey
responses, indicators, actions, meetings, scenarios, exports…) and every page is visited
again: it must run the same number of queries.

The result pages need a computed edition, which this fixture does not have:
``tests/results/test_views.py`` checks them on 6 and 150 structures."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from barometre.structures.models import Structure
from tests.web.test_access import ALL, MATRIX, OK, matrix_objects, matrix_url

pytestmark = pytest.mark.django_db

MORE = 6  # of each kind of object


def _visible(personas, client_for, ids) -> list[tuple[str, str, str]]:
    """(page, persona, url) for each page, with the first persona allowed to see it."""
    out = []
    for name, (_, expected) in MATRIX.items():
        persona = next((p for p in ALL if expected[p] == OK), None)
        if persona is not None:
            out.append((name, persona, matrix_url(name, ids)))
    return out


def _counts(pages, personas, client_for) -> dict[str, int]:
    counts = {}
    for name, persona, url in pages:
        client = client_for(personas[persona])
        client.get(url)  # caches filled, as after a first visit
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, (name, persona, response.status_code)
        counts[name] = len(queries)
    return counts


def _more_of_everything(ids: dict, structure_a, personas) -> None:
    from barometre.campaigns.models import AuditTask, Enrolment, Scenario
    from barometre.improvement import register, surveys
    from barometre.improvement.models import Action, Indicator, Meeting, Questionnaire

    task = AuditTask.objects.get(pk=ids["TASK"])
    questionnaire = Questionnaire.objects.get(pk=ids["QUESTIONNAIRE"])
    for i in range(MORE):
        other = Structure.objects.create(
            name=f"Commune {i}", identifier=f"4500{i}", kind="commune", department="45"
        )
        Enrolment.objects.create(edition=task.edition, structure=other, category="Communes")
        for channel in ("phone", "email"):
            AuditTask.objects.create(
                edition=task.edition,
                structure=other,
                channel=channel,
                sequence=1,
                scheduled_at="2025-05-07T10:00:00+02:00",
                auditor=personas["auditor"],
                status="assigned",
            )
        AuditTask.objects.create(
            edition=task.edition,
            structure=structure_a,
            channel="email",
            sequence=i + 2,
            scheduled_at="2025-05-08T10:00:00+02:00",
            auditor=personas["auditor"],
            status="assigned",
        )
        Scenario.objects.create(
            code=f"s{i}",
            title=f"S{i}",
            persona="p",
            script="s",
            expected_answer="e",
            channels=["phone"],
        )
        register.create_entry(
            structure_a,
            kind="complaint" if i % 2 else "suggestion",
            channel="email",
            received_on=datetime.date(2026, 3, 2 + i),
            subject=f"Sujet {i}",
            description="d",
        )
        surveys.submit(questionnaire, {"overall": 8}, comment=f"Accueil {i} rapide et aimable")
        Indicator.objects.create(structure=structure_a, code=f"i{i}", label=f"I{i}")
        Action.objects.create(structure=structure_a, year=2025, axis="a", title=f"t{i}")
        Meeting.objects.create(
            structure=structure_a, held_on=datetime.date(2025, 2, 1 + i), agenda="Bilan"
        )
    surveys.create_invitations(questionnaire, MORE)


def test_no_page_runs_more_queries_with_more_data(personas, structure_a, client_for):
    ids = matrix_objects(personas, structure_a)
    pages = _visible(personas, client_for, ids)
    before = _counts(pages, personas, client_for)
    _more_of_everything(ids, structure_a, personas)
    cache.clear()
    after = _counts(pages, personas, client_for)
    grew = {name: (before[name], after[name]) for name in before if after[name] > before[name]}
    assert not grew, f"pages dont le nombre de requêtes croît avec les données : {grew}"
    assert len(before) == len(pages) > 60  # every page someone may see was visited
