import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from barometre.accounts.models import Membership, Role, User
from barometre.campaigns import lifecycle
from barometre.campaigns.models import AuditorProfile, AuditTask, Edition, GridVersion, Scenario
from barometre.core.errors import Refused
from barometre.structures.models import ContactPoint, Structure

pytestmark = pytest.mark.django_db


def _with_contacts(structure, channels=("phone", "email", "website")):
    for channel in channels:
        ContactPoint.objects.create(structure=structure, channel=channel, value=f"{channel}-x")
    return structure


@pytest.fixture
def auditors():
    people = []
    for i in range(7):  # Metz alone needs 6 distinct auditors
        user = User.objects.create_user(f"enq{i}")
        Membership.objects.create(user=user, role=Role.AUDITOR)
        AuditorProfile.objects.create(
            user=user, departments=["45", "57"], weekly_capacity=5, commune=f"Commune {i}"
        )
        people.append(user)
    return people


def test_an_edition_gets_the_default_categories(edition, structure_b):
    assert edition.category_rules.count() == 11
    assert lifecycle.category_for(edition, structure_b) == "Villes de plus de 50\u202f000 habitants"
    small = Structure(kind="commune", population=4125)
    assert lifecycle.category_for(edition, small) == "Villes de moins de 20\u202f000 habitants"
    assert lifecycle.category_for(edition, Structure(kind="culture")) == "Autres structures"
    assert lifecycle.category_for(edition, Structure(kind="state")) == "Services de l'État"


def test_dates_out_of_order_are_refused(grid, operator):
    with pytest.raises(Refused, match="les dates doivent se suivre"):
        lifecycle.create_edition(
            year=2025,
            name="X",
            grid=grid,
            enrolment_opens=dt.date(2025, 5, 1),
            enrolment_closes=dt.date(2025, 4, 1),
            fieldwork_starts=dt.date(2025, 5, 5),
            fieldwork_ends=dt.date(2025, 7, 25),
            by=operator,
        )
    assert not Edition.objects.exists()


def test_only_operators_run_editions(edition, manager_a, structure_a):
    with pytest.raises(PermissionDenied):
        lifecycle.advance(edition, by=manager_a)
    with pytest.raises(PermissionDenied):
        lifecycle.enrol(edition, structure_a, by=manager_a)


def test_enrolment_takes_the_channels_where_the_structure_is_present(
    edition, operator, structure_a
):
    _with_contacts(structure_a, ["email", "visit"])
    enrolment = lifecycle.enrol(edition, structure_a, by=operator, publish_results=True)
    assert enrolment.channels == ["phone", "email", "visit"]  # grid order
    assert enrolment.category == "Services de l'État" and enrolment.publish_results


def test_the_full_lifecycle_with_refusals_and_a_log(
    edition, operator, structure_a, structure_b, auditors
):
    lifecycle.advance(edition, by=operator)
    with pytest.raises(Refused) as caught:
        lifecycle.advance(edition, by=operator)
    assert caught.value.reasons == ["aucune structure inscrite"]

    _with_contacts(structure_b)
    lifecycle.enrol(edition, structure_a, by=operator)
    lifecycle.enrol(edition, structure_b, by=operator)
    with pytest.raises(Refused) as caught:
        lifecycle.advance(edition, by=operator)
    assert caught.value.reasons[0].startswith("audits non planifiés pour : ")

    Scenario.objects.create(
        code="horaires",
        title="Horaires",
        persona="Usager",
        channels=["phone", "email"],
        script="?",
        expected_answer="9h-17h",
    )
    unassigned = lifecycle.plan_fieldwork(edition, by=operator)
    assert unassigned == []
    tasks = AuditTask.objects.filter(edition=edition)
    # Préfecture: phone only (3); Metz: phone 3 + e-mail 2 + website 1.
    assert tasks.count() == 9
    assert tasks.filter(channel="phone", scenario__code="horaires").count() == 6

    structure_b.contact_points.filter(channel="website").delete()
    with pytest.raises(Refused) as caught:
        lifecycle.advance(edition, by=operator)
    assert caught.value.reasons == ["Ville de Metz n'a pas de point de contact pour : website"]
    _with_contacts(structure_b, ["website"])

    edition = lifecycle.advance(edition, by=operator)
    assert edition.status == "fieldwork"
    edition.grid.refresh_from_db()
    assert edition.grid.frozen_at is not None
    with pytest.raises(Refused, match="les inscriptions sont closes"):
        lifecycle.enrol(edition, structure_b, by=operator)
    with pytest.raises(Refused, match="ne peut plus être retirée"):
        lifecycle.withdraw(edition.enrolments.first(), by=operator)

    AuditTask.objects.filter(pk=tasks.first().pk).update(status="submitted")
    with pytest.raises(Refused, match="8 audits ne sont pas réalisés"):
        lifecycle.advance(edition, by=operator)
    lifecycle.advance(edition, by=operator, close_not_done=True)  # validation
    assert tasks.filter(status="not_done").count() == 8
    with pytest.raises(Refused, match="1 audit attend encore sa validation"):
        lifecycle.advance(edition, by=operator)
    AuditTask.objects.filter(status="submitted").update(status="validated")
    edition = lifecycle.advance(edition, by=operator)
    assert edition.status == "results"
    with pytest.raises(Refused, match="la publication se décide sur la page des résultats"):
        lifecycle.advance(edition, by=operator)
    log = list(edition.transitions.values_list("source", "target", "by__username", "reason"))
    assert log == [
        ("draft", "enrolment", "olivia", ""),
        ("enrolment", "fieldwork", "olivia", ""),
        ("fieldwork", "validation", "olivia", "8 audits clôturés comme non réalisés"),
        ("validation", "results", "olivia", ""),
    ]


def test_unassignable_audits_keep_their_reason(edition, operator, structure_a):
    _with_contacts(structure_a, ["visit"])
    lifecycle.enrol(edition, structure_a, by=operator)
    unassigned = lifecycle.plan_fieldwork(edition, by=operator)
    assert {t.channel for t in unassigned} == {"phone", "visit"}
    assert all(t.planning_problem == "aucun enquêteur n'est inscrit" for t in unassigned)
    lifecycle.advance(edition, by=operator)
    with pytest.raises(Refused) as caught:
        lifecycle.advance(edition, by=operator)
    assert "5 audits sans enquêteur" in caught.value.reasons


def test_a_frozen_grid_is_revised_as_a_new_version(grid):
    same = lifecycle.revise_grid(grid, grid.yaml.replace("Baromètre de l'expérience", "Grille"))
    assert same.pk == grid.pk
    GridVersion.objects.filter(pk=grid.pk).update(frozen_at="2025-05-05T08:00:00Z")
    grid.refresh_from_db()
    revised = lifecycle.revise_grid(grid, grid.yaml)
    assert (revised.grid_id, revised.version) == ("barometre-2025", 2)
    with pytest.raises(Refused, match="weight"):
        lifecycle.revise_grid(grid, grid.yaml.replace("weight: 2", "weight: -1", 1))


def test_planning_uses_the_opening_hours_from_the_annuaire(edition, operator, structure_a):
    structure_a.opening_hours = {"1": [["08:30", "12:00"]], "3": [["14:00", "16:30"]]}
    structure_a.save()
    _with_contacts(structure_a, ["visit"])
    lifecycle.enrol(edition, structure_a, by=operator)
    lifecycle.plan_fieldwork(edition, by=operator)
    tasks = AuditTask.objects.filter(edition=edition, channel__in=["visit", "phone"])
    assert tasks.count() == 5
    opening = {1: (dt.time(8, 30), dt.time(12)), 3: (dt.time(14), dt.time(16, 30))}
    for task in tasks:
        local = timezone.localtime(task.scheduled_at)
        assert local.weekday() in opening
        start, end = opening[local.weekday()]
        assert start <= local.time() < end
