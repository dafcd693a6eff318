"""The demo of `make demo`: a national edition of realistic size, run through the real
lifecycle, and a préfecture with three years of Services Publics+ history."""

import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from barometre.accounts.models import User
from barometre.campaigns import workflow
from barometre.campaigns.models import Answer, AuditTask, Edition
from barometre.engine import sp_indicator_catalogue
from barometre.improvement import annual
from barometre.results.models import ResultSet
from barometre.structures.models import Structure
from tests.pdf import layout_problems, pdf_text

pytestmark = pytest.mark.django_db


def test_the_demo_builds_once_and_holds_everything_a_newcomer_explores(client, tmp_path):
    """One build (about 40 s on SQLite) checked from every side; a second run changes
    nothing."""
    first, second = io.StringIO(), io.StringIO()
    call_command("demo", "--no-serve", stdout=first)
    counts = (Structure.objects.count(), AuditTask.objects.count(), ResultSet.objects.count())
    call_command("demo", "--no-serve", stdout=second)
    assert (
        Structure.objects.count(),
        AuditTask.objects.count(),
        ResultSet.objects.count(),
    ) == counts
    demo = (first.getvalue(), second.getvalue())
    check_registry_auditors_and_logins(demo)
    check_published_editions()
    check_a_coherent_history(client)
    check_fieldwork_edition(client)
    check_annual_review(client, tmp_path)
    check_a_newcomer_can_believe_it()
    check_a_domain_expert_can_believe_it(client, tmp_path)


def check_registry_auditors_and_logins(demo):
    first, second = demo
    structures = Structure.objects.all()
    assert 300 <= structures.count() <= 360
    kinds = set(structures.values_list("kind", flat=True))
    assert {
        "commune",
        "department",
        "region",
        "intercommunality",
        "france_services",
        "social",
        "economic",
        "state",
    } <= kinds
    departments = set(structures.values_list("department", flat=True))
    assert {"57", "67", "68"} <= departments and {"971", "972", "973", "974", "976"} <= departments
    assert len(departments) >= 95
    assert (
        User.objects.filter(memberships__role="auditor", memberships__structure=None)
        .distinct()
        .count()
        == 40
    )
    assert User.objects.get(username="operateur").is_operator
    for text in (
        "operateur",
        "enqueteur",
        "qualite",
        "agent",
        "Barometre-demo-2025",
        "/resultats/synthese/",
        "/bilan/",
    ):
        assert text in first, text
    assert "Édition nationale" not in second  # already built: nothing recomputed


def check_published_editions():
    editions = Edition.objects.filter(owner=None, status="published").order_by("year")
    assert editions.count() == 2
    for edition in editions:
        tasks = AuditTask.objects.filter(edition=edition)
        assert 3000 <= tasks.filter(status="validated").count() <= 4000
        assert set(tasks.values_list("channel", flat=True)) == {
            "phone",
            "email",
            "mail",
            "website",
            "social",
            "visit",
            "reviews",
        }
        assert tasks.filter(channel="email", replied_at__isnull=False).exists()
        assert not tasks.filter(replied_at__lt=F("sent_at")).exists()
    latest = ResultSet.objects.get(edition=editions.last(), published_at__isnull=False)
    national = next(c for c in latest.stored_categories if c["category"] == "(national)")
    assert 55 <= national["mean"] <= 70  # seed 001: 62/100
    assert national["mean_certified"] - national["mean_not_certified"] >= 5  # seed 001: +8
    figures = {f["label"]: f["value"] for f in latest.stored_key_figures}
    assert figures["Sites avec une aide numérique (FAQ, conversation, tutoriel)"] < 0.35  # 20 %
    assert figures["Score moyen de l'accueil physique (par structure)"] > 80  # 86/100
    assert (
        0.3
        < figures["Courriers répondus en 15 jours ouvrés au plus (parmi les courriers répondus)"]
        < 0.6
    )  # seed 002: 40 %
    assert latest.evolution["structures"] >= 300 and latest.evolution["change"] is not None
    assert latest.laureates.count() >= 10
    assert all(lt.jury_note for lt in latest.laureates.all())
    observations = latest.structures.exclude(details__observations=None).count()
    assert observations >= 300


def check_a_coherent_history(client):
    """Built in a minute, dated on the editions' calendars: each version computed before
    it was published (« calculée le 05/10/2025 », « publiée le 15/10/2025 »), its laureates
    confirmed in between, the phases logged in their order, nothing after today."""
    from barometre.results.models import Laureate

    now = timezone.now()
    computed = ResultSet.objects.filter(computed_at__isnull=False)
    assert computed.filter(published_at__isnull=False).count() == 2
    assert computed.filter(edition__owner__isnull=False).count() == 2  # internal campaigns
    for result_set in computed.select_related("edition"):
        assert result_set.requested_at <= result_set.computed_at <= now, result_set
        if result_set.published_at is not None:
            assert result_set.computed_at < result_set.published_at <= now, result_set
            assert result_set.edition.fieldwork_ends < result_set.computed_at.date()
        laureates = Laureate.objects.filter(result_set=result_set)
        for laureate in laureates:
            assert result_set.computed_at < laureate.confirmed_at < result_set.published_at
        moments = list(result_set.edition.transitions.order_by("id").values_list("at", flat=True))
        assert moments == sorted(moments) and moments[-1] <= now, result_set
        assert result_set.edition.created_at <= moments[0]
    published = computed.filter(published_at__isnull=False).order_by("published_at").first()
    edition = published.edition
    client.force_login(User.objects.get(username="operateur"))
    page = " ".join(
        client.get(reverse("results:edition", args=[edition.pk])).content.decode().split()
    )
    day = timezone.localtime(published.computed_at).strftime("%d/%m/%Y")
    assert f"<td>{day} " in page
    assert f"<td>{timezone.localdate().strftime('%d/%m/%Y')} " not in page
    client.logout()


def check_fieldwork_edition(client):
    edition = Edition.objects.get(status="fieldwork", owner=None)
    assert edition.tasks.filter(auditor__username="enqueteur").exists()
    assert not edition.tasks.filter(auditor__isnull=True).exists()
    # An audit returned, corrected and submitted again: its history, before and after.
    from barometre.campaigns.models import TaskEvent

    edit = TaskEvent.objects.get(task__edition=edition, action="edit")
    assert edit.before and edit.before.keys() == edit.after.keys() and edit.before != edit.after
    actions = list(edit.task.events.order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["submit", "return", "edit", "submit"]
    assert edit.task.status == "submitted"
    client.force_login(User.objects.get(username="operateur"))
    page = client.get(reverse("campaigns:task", args=[edit.task_id])).content.decode()
    assert "Avant</th>" in page and "Nombre de sonneries avant le décroché" in page
    client.logout()
    # Every answer of the demo is stored as the form, the API and a file store it (a share
    # as « 53 % », not « 0.53 »): the migration that canonicalises stored answers finds
    # nothing to change.
    assert workflow.canonicalise_stored_answers(Answer, Edition) == (0, 0)
    assert Answer.objects.filter(value__endswith=" %").exists()


def check_annual_review(client, tmp_path):
    prefecture = Structure.objects.get(name="Préfecture du Loiret")
    edition = Edition.objects.filter(owner=prefecture).order_by("-year").first()
    year = edition.year
    review = annual.annual_review(prefecture, year)
    assert review.meeting is not None and review.questions
    assert all(year.answers > 0 for year in review.satisfaction[0]["years"])  # three years
    assert review.overall.answers >= 100
    assert review.mystery is not None  # internal mystery calls by stage
    assert sum(f.total for f in review.feedback) >= 50
    assert review.training_totals[1] > 0 and review.plan and review.done
    assert any(row.cells[-1].value is not None for row in review.dashboard)
    # Seed 004's dashboard: every indicator of the catalogue, with values over three years
    # (the internal mystery calls began the second year).
    rows = {row.indicator.code: row for row in review.dashboard}
    assert {i.code for i in sp_indicator_catalogue().indicators} <= set(rows)
    for code, row in rows.items():
        filled = [cell.value is not None for cell in row.cells]
        assert sum(filled) >= (2 if row.indicator.source == "mystery_calls" else 3), code
    client.force_login(User.objects.get(username="qualite"))
    page = client.get(reverse("improvement:review", args=[prefecture.pk, year]))
    assert page.status_code == 200 and f"Bilan qualité {year}" in page.content.decode()
    entries = client.get(reverse("improvement:entries", args=[prefecture.pk])).content.decode()
    assert "en retard" in entries
    # The review's PDF: every table on its page, and the internal mystery calls as seed
    # 004 shows them: satisfactory calls per stage against the target, strengths and
    # improvement points with their rates.
    pdf = client.get(reverse("improvement:review_pdf", args=[prefecture.pk, year])).content
    assert layout_problems(tmp_path, pdf, name="demo-bilan-qualite") == []
    text = " ".join(pdf_text(tmp_path, pdf).split())
    assert "• —" not in text and "Taux d'appels satisfaisants par étape" in text
    assert review.mystery.stages and (review.mystery.strengths or review.mystery.improvements)


def check_a_newcomer_can_believe_it():
    """No duplicate structures, names with their elision, phone numbers of the region,
    a register that changes from year to year, distinct public texts, and action statuses
    that agree with their progress."""
    from collections import Counter

    from barometre.demo.places import PHONE_PREFIX
    from barometre.improvement.models import Action, FeedbackEntry
    from barometre.structures.models import folded_name

    structures = list(Structure.objects.prefetch_related("contact_points"))
    same = Counter((s.kind, s.department, folded_name(s.name)) for s in structures)
    assert [key for key, n in same.items() if n > 1] == []
    councils = Counter(
        (s.kind, s.department) for s in structures if s.kind in ("department", "region")
    )
    assert [key for key, n in councils.items() if n > 1] == []
    names = {s.name for s in structures}
    assert {"Ville d'Abbeville", "CCAS d'Orléans", "Ville du Mans"} <= names
    assert "Communauté d'agglomération d'Yssingeaux" in names
    assert not [n for n in names if "–" in n or re.search(r"\bde (?:[AEIOUÉ]|Le |Les )", n)]
    for structure in structures:
        for phone in structure.contact_points_for("phone"):
            assert phone.value.startswith(PHONE_PREFIX[structure.department]), (structure, phone)
    strasbourg = Structure.objects.get(name="Ville de Strasbourg")
    assert strasbourg.contact_points_for("phone")[0].value.startswith("03 ")

    prefecture = Structure.objects.get(name="Préfecture du Loiret")
    reviewed = Edition.objects.filter(owner=prefecture).order_by("-year").first().year
    per_year = [
        tuple(
            FeedbackEntry.objects.filter(structure=prefecture, received_on__year=year)
            .values("kind")
            .annotate(n=Count("pk"))
            .order_by("kind")
            .values_list("kind", "n")
        )
        for year in (reviewed - 2, reviewed - 1, reviewed)
    ]
    assert len(set(per_year)) == 3, per_year
    published = list(Action.objects.filter(publish=True).values_list("public_summary", flat=True))
    assert len(published) >= 3 and len(set(published)) == len(published)
    assert not Action.objects.filter(status="done").exclude(progress=100).exists()
    assert (
        not Action.objects.exclude(status__in=["done", "abandoned"]).filter(progress=100).exists()
    )
    # The survey results open on the current year: it has answers, none after today.
    from django.utils import timezone

    from barometre.improvement.models import SurveyResponse

    today = timezone.localdate()
    this_year = SurveyResponse.objects.filter(
        questionnaire__structure=prefecture, answered_on__year=today.year
    )
    assert this_year.count() >= 5 and not this_year.filter(answered_on__gt=today).exists()


def check_a_domain_expert_can_believe_it(client, tmp_path):
    """The consistency checks on the whole demo (tests/demo/test_consistency.py), and the
    préfecture's report without a near-empty page."""
    from tests.demo.test_consistency import check_demo
    from tests.pdf import sparse_pages

    check_demo()
    edition = Edition.objects.filter(owner=None, status="published").order_by("year").last()
    prefecture = Structure.objects.get(name="Préfecture du Loiret")
    client.force_login(User.objects.get(username="operateur"))
    pdf = client.get(reverse("results:report_pdf", args=[edition.pk, prefecture.pk])).content
    assert layout_problems(tmp_path, pdf, name="demo-rapport-prefecture") == []
    assert sparse_pages(tmp_path, pdf) == []
    client.logout()


def test_simulated_fieldwork_is_deterministic(operator):
    """Same registry, same seeds: the same plan and the same answers, audit by audit."""
    from barometre.campaigns.models import Answer
    from barometre.demo.data import load_demo_data
    from barometre.demo.fieldwork import load_auditors, load_scenarios
    from barometre.demo.national import fieldwork_done, structure_quality

    load_demo_data(national=False)
    load_scenarios()
    load_auditors()
    structures = list(Structure.objects.order_by("pk")[:8])

    def run(name):
        edition = fieldwork_done(
            2025, structures, structure_quality(structures, seed=9), by=operator, name=name
        )
        rows = Answer.objects.filter(task__edition=edition).values_list(
            "task__structure_id",
            "task__channel",
            "task__sequence",
            "task__auditor_id",
            "criterion",
            "value",
        )
        dates = edition.tasks.values_list(
            "structure_id", "channel", "sequence", "sent_at", "replied_at"
        )
        return sorted(rows), sorted(dates)

    first, second = run("A"), run("B")
    assert first == second and len(first[0]) > 500
