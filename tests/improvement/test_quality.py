"""The quality dashboard, plan, trainings, self-assessment, deadlines, committee, the
annual review (seed 004's shape) and the public transparency page."""

import datetime as dt
import html
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from barometre.engine import sp_indicator_catalogue
from barometre.improvement import annual, catalogue, dashboard, register, surveys
from barometre.improvement.models import (
    Action,
    CommitteeMember,
    Decision,
    ImprovementProfile,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Meeting,
    Statement,
    Training,
)
from barometre.structures.models import Label
from tests.pdf import layout_problems, pdf_text, pdf_title

pytestmark = pytest.mark.django_db
D = dt.date
NOW = dt.datetime(2023, 1, 20, 9, tzinfo=dt.UTC)  # the committee of seed 004 met in January 2023


def _feedback(structure, user, received, answered=None, kind="complaint", channel="email"):
    entry, _ = register.create_entry(
        structure,
        kind=kind,
        channel=channel,
        received_on=received,
        subject="Objet",
        description="Texte",
    )
    if answered:
        register.transition(entry, "answer", by=user, version=1, on=answered, answer="Réponse")
    return entry


@pytest.fixture
def seed_004(structure_a, manager_a, questionnaire):
    """The préfecture's 2022 data, entered as its quality manager would."""
    with time_machine.travel(NOW, tick=False):
        # Feedback 2022: 19 complaints, 3 suggestions, 1 thanks. E-mails answered in 3
        # working days except four answered late (after 5).
        for i in range(19):
            late = i < 4
            _feedback(structure_a, manager_a, D(2022, 3, 1), D(2022, 3, 9 if late else 4))
        for _ in range(3):
            _feedback(structure_a, manager_a, D(2022, 5, 2), D(2022, 5, 5), kind="suggestion")
        _feedback(structure_a, manager_a, D(2022, 6, 1), kind="thanks")
        # 2021: 10 complaints, all on time.
        for _ in range(10):
            _feedback(structure_a, manager_a, D(2021, 3, 1), D(2021, 3, 3))
        # Trainings (seed 004's table).
        for theme, y2021, y2022 in [
            ("accueil physique et téléphonique", 5, 24),
            ("PAN : accueil du public et gestion des conflits", 4, 3),
            ("accueil public anglophone", 4, 5),
            ("référent qualité", 1, 1),
            ("webmestre", None, 2),
            ("initiation à la langue des signes", None, 7),
            ("gestion des conflits", None, 12),
        ]:
            for year, n in ((2021, y2021), (2022, y2022)):
                if n:
                    Training.objects.create(
                        structure=structure_a, year=year, theme=theme, agents_trained=n
                    )
        # Dashboard: the response rate and delay come from the register, connections are
        # entered per year.
        rate = Indicator.objects.create(
            structure=structure_a,
            code="tx-reponse",
            theme="Relation générale",
            label="Taux de réponse aux suggestions et réclamations dans le délai",
            engagement="E 3.1",
            source="register_on_time",
            public=True,
        )
        IndicatorTarget.objects.create(indicator=rate, year=2022, value=85)
        IndicatorTarget.objects.create(indicator=rate, year=2023, value=85)
        delay = Indicator.objects.create(
            structure=structure_a,
            code="delai",
            label="Délai moyen de réponse",
            unit="days",
            direction="le",
            engagement="E 3.1",
            source="register_delay",
        )
        IndicatorTarget.objects.create(indicator=delay, year=2022, value=5)
        social = Indicator.objects.create(
            structure=structure_a,
            code="reseaux",
            unit="count",
            engagement="E 19.1",
            label="Nombre de connexions par mois sur les réseaux sociaux",
            periodicity="month",
        )
        for period, value in [
            ("2020", 314183),
            ("2021", 228964),
            ("2022-01", 600000),
            ("2022-02", 762402),
        ]:
            IndicatorValue.objects.create(
                indicator=social, period=period, year=int(period[:4]), value=value
            )
        IndicatorTarget.objects.create(indicator=social, year=2023, value=681201)
        # Committee.
        robin = CommitteeMember.objects.create(
            structure=structure_a, name="M. Robin", organisation="APF"
        )
        meeting = Meeting.objects.create(
            structure=structure_a,
            held_on=D(2023, 1, 24),
            reviewed_year=2022,
            chair="M. Benoît Lemaire, secrétaire général",
            agenda="Démarche qualité / dispositif Services Publics+\nAmélioration continue : "
            "bilan 2022\nPlan d'amélioration 2023\nQuestions / réponses",
        )
        meeting.attendees.add(robin)
        Statement.objects.create(
            meeting=meeting,
            speaker="M. Robin (APF)",
            question=True,
            text="Proposer en premier choix du serveur vocal un lien direct vers un agent.",
            answer="Idée intéressante : une réflexion sera menée.",
        )
        Decision.objects.create(meeting=meeting, text="Étudier un accès prioritaire au standard")
        Action.objects.create(
            structure=structure_a,
            year=2023,
            axis="Accueil téléphonique",
            title="Revoir l'arborescence du serveur vocal",
            owner="Magali Della Corte",
        )
        ImprovementProfile.objects.create(
            structure=structure_a,
            approach="Qual-e-Pref depuis 2012, Services Publics+ depuis 2021.",
            publish_transparency=True,
            publish_survey=questionnaire,
        )
        surveys.submit(questionnaire, {"overall": 9, "courtesy": 10}, answered_on=D(2022, 11, 21))
    return meeting


@time_machine.travel(NOW, tick=False)
def test_dashboard_values_are_computed_or_entered_and_compared_with_targets(seed_004, structure_a):
    rows = {r.indicator.code: r for r in dashboard.dashboard(structure_a, [2020, 2021, 2022], 2023)}
    rate = rows["tx-reponse"]
    assert [c.value for c in rate.cells] == [None, 100.0, pytest.approx(100 * 18 / 22)]
    assert rate.cells[2].met is False and rate.target == 85 and rate.trend == "en recul"
    delay = rows["delai"]  # 2022: 15 × 3 j, 4 × 6 j, 3 × 3 j → 78 / 22
    assert delay.cells[2].value == pytest.approx(78 / 22) and delay.cells[2].met is True
    social = rows["reseaux"]  # 2022: mean of the months entered
    assert [c.value for c in social.cells] == [314183, 228964, 681201]
    assert social.trend == "en progrès"


@time_machine.travel(NOW, tick=False)
def test_dashboard_page_and_xlsx_export(seed_004, client_for, manager_a, structure_a):
    client = client_for(manager_a)
    url = reverse("improvement:dashboard", args=[structure_a.pk]) + "?annee=2023"
    page = client.get(url).content.decode()
    assert "E 3.1" in page and "cible non atteinte" in page and "non suivi" in page
    workbook = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    assert header[:9] == [
        "Section",
        "Rubrique",
        "Indicateur",
        "Engagement",
        "Unité",
        "Résultats 2020",
        "Résultats 2021",
        "Résultats 2022",
        "Résultats 2023",
    ]
    lines = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert lines["Nombre de connexions par mois sur les réseaux sociaux"][7] == 681201
    # Counts are integers, percents and days carry one decimal, rounded half up.
    assert lines["Taux de réponse aux suggestions et réclamations dans le délai"][7] == 81.8
    assert lines["Délai moyen de réponse"][7] == 3.5  # 78 / 22 = 3.545…


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_groups_indicators_by_the_reviews_sections_with_the_current_year(
    client_for, manager_a, structure_a
):
    """Seed 004's « Tableau de bord qualité » reads by section — dispositions générales,
    téléphonie, site internet, courriers / courriels, réseaux sociaux, collectivités — and
    the default view puts the year in progress beside the three before it."""
    everything = [i.code for i in sp_indicator_catalogue().indicators]
    # Adopted in an order that interleaves the sections: the page regroups them.
    catalogue.adopt(structure_a, everything, year=2023)
    for position, indicator in enumerate(Indicator.objects.filter(structure=structure_a)):
        indicator.position = 100 - position
        indicator.save(update_fields=["position"])
    own = Indicator.objects.create(structure=structure_a, code="files", label="Attente", theme="")
    IndicatorValue.objects.create(indicator=own, period="2023", year=2023, value=12)
    page = client_for(manager_a).get(reverse("improvement:dashboard", args=[structure_a.pk]))
    text = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(page.text)).split())
    general = "Relation générale avec les usagers — "
    titles = [
        general + "Dispositions générales",
        general + "Téléphonie",
        general + "Site internet",
        general + "Courriers et courriels",
        general + "Réseaux sociaux",
        "Relations avec les collectivités territoriales",
        "Autres indicateurs",
    ]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)
    # Each indicator sits under its own section: the délais of titles under the website.
    site, letters = positions[2], positions[3]
    assert site < text.index("Délai moyen trimestriel de délivrance des permis") < letters
    header = "Résultats 2020 Résultats 2021 Résultats 2022 Résultats 2023 Cible 2023"
    assert header in text
    # A past year without a value was not tracked; the year in progress has none yet.
    maj_site = text[text.index("Taux de mise à jour du site internet") :]
    assert maj_site.startswith(
        "Taux de mise à jour du site internet dans le délai de 3 jours ouvrés E 1.2 "
        "non suivi non suivi non suivi pas encore de valeur ≥ 100,0 %"
    )
    assert page.text.count('scope="colgroup"') == len(titles)
    sections = dashboard.by_section(dashboard.dashboard(structure_a, [2023], 2023))
    assert [s.title for s in sections] == titles
    assert sum(len(s.rows) for s in sections) == len(everything) + 1


@time_machine.travel(NOW, tick=False)
def test_annual_review_in_the_shape_of_seed_004(
    seed_004, client_for, manager_a, structure_a, tmp_path
):
    review = annual.annual_review(structure_a, 2022)
    counts = {f.year: f for f in review.feedback}
    assert (
        counts[2022].count("complaint"),
        counts[2022].count("suggestion"),
        counts[2022].count("thanks"),
    ) == (19, 3, 1)
    assert review.training_totals == [14, 54]
    assert [q.speaker for q in review.questions] == ["M. Robin (APF)"]
    assert [a.title for a in review.plan] == ["Revoir l'arborescence du serveur vocal"]
    client = client_for(manager_a)
    page = client.get(reverse("improvement:review", args=[structure_a.pk, 2022])).content.decode()
    assert "Bilan qualité 2022" in page and "54 agents formés" in page
    pdf = client.get(reverse("improvement:review_pdf", args=[structure_a.pk, 2022])).content
    assert pdf_title(tmp_path, pdf) == "Bilan qualité 2022 — Préfecture du Loiret"
    # Every table on its page, no « % » sent to the line after its number.
    assert layout_problems(tmp_path, pdf, name="bilan-qualite") == []
    text = pdf_text(tmp_path, pdf)
    for expected in (
        "Comité local des usagers",
        "Préfecture du Loiret",
        "Ordre du jour",
        "Démarche qualité",
        "Mesure de la satisfaction 2022",
        "Appels mystères",
        "Réclamations et suggestions",
        "Tableau de bord qualité",
        "E 3.1",
        "Formations",
        "54 agents formés",
        "Plan d'amélioration 2023",
        "Échéances",
        "Questions et réponses",
        "M. Robin (APF)",
        "réflexion sera menée",
    ):
        assert expected in text, expected
    # Every table fits (the quality dashboard on a landscape page).
    assert layout_problems(tmp_path, pdf, name="bilan-qualite") == []


@time_machine.travel(NOW, tick=False)
def test_a_committee_decision_becomes_an_action(seed_004, client_for, manager_a, structure_a):
    decision = seed_004.decisions.get()
    client_for(manager_a).post(
        reverse("improvement:meeting", args=[structure_a.pk, seed_004.pk]),
        {"decision": decision.pk},
    )
    decision.refresh_from_db()
    assert decision.action.origin == "committee" and decision.action.year == 2023
    assert decision.action.title == "Étudier un accès prioritaire au standard"


@time_machine.travel(NOW, tick=False)
def test_self_assessment_is_prefilled_and_shows_progress(structure_a, manager_a, client_for):
    levels = {f"e{i}": 1 for i in range(1, 9)}
    annual.record_self_assessment(structure_a, levels, by=manager_a, done_on=D(2022, 1, 10))
    client = client_for(manager_a)
    url = reverse("improvement:self_assessment", args=[structure_a.pk])
    page = client.get(url).content.decode()
    assert 'value="1" checked' in page or 'value="1" selected' in page
    data = {f"level_e{i}": "3" if i == 4 else "1" for i in range(1, 9)}
    client.post(url, data)
    _, lines = annual.self_assessment_progress(structure_a)
    changes = {line.id: line.change for line in lines}
    assert changes["e4"] == 2 and changes["e1"] == 0
    with pytest.raises(ValueError):
        annual.record_self_assessment(structure_a, {"e1": 9}, by=manager_a)


@time_machine.travel(NOW, tick=False)
def test_upcoming_deadlines_follow_the_label_cycle(structure_a, manager_a):
    Label.objects.create(
        structure=structure_a, kind="sp_silver", obtained_on=D(2021, 9, 1), status="confirmed"
    )
    Action.objects.create(
        structure=structure_a, year=2023, axis="a", title="Signalétique", due_on=D(2023, 3, 31)
    )
    _feedback(structure_a, manager_a, D(2023, 1, 10))  # due 17 January: late
    deadlines = annual.upcoming_deadlines(structure_a, D(2023, 1, 20))
    assert [(d.on, d.kind) for d in deadlines] == [
        (D(2023, 1, 17), "feedback"),
        (D(2023, 3, 1), "follow_up"),
        (D(2023, 3, 31), "action"),
    ]  # follow-up at 18 months; renewal (1 Sept 2024) is beyond twelve months


@time_machine.travel(NOW, tick=False)
def test_transparency_page_shows_only_what_is_published(seed_004, client, structure_a):
    url = reverse("public:transparency", args=[structure_a.identifier])
    Action.objects.create(
        structure=structure_a,
        year=2022,
        axis="a",
        title="interne",
        status="done",
        done_on=D(2022, 10, 1),
        publish=True,
        public_summary="Vous avez dit : l'attente est longue. Nous avons ouvert un second guichet.",
    )
    Action.objects.create(
        structure=structure_a,
        year=2022,
        axis="a",
        title="Secret",
        status="done",
        done_on=D(2022, 10, 1),
        public_summary="Non publié",
    )
    page = client.get(url).content.decode()
    assert "Taux de réponse aux suggestions" in page  # public indicator
    assert "Délai moyen de réponse" not in page  # not published
    assert "ouvert un second guichet" in page and "Non publié" not in page
    assert "Courtoisie des agents" in page
    ImprovementProfile.objects.filter(structure=structure_a).update(publish_transparency=False)
    assert client.get(url).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_transparency_page_gives_a_rate_from_two_answers_as_a_small_sample(
    seed_004, client, structure_a, questionnaire
):
    """A structure's own publication: every rate with its k / n, its interval and
    "effectif faible" below the minimum (30 answers), never left out."""
    surveys.submit(questionnaire, {"overall": 2, "courtesy": 10}, answered_on=D(2022, 12, 1))
    url = reverse("public:transparency", args=[structure_a.identifier])
    page = " ".join(client.get(url).content.decode().split())
    assert "effectif insuffisant" not in page
    assert page.count("effectif faible (n = 2)") == 2  # overall and courtesy
    assert '50,0 % <span class="fr-hint-text">(1 / 2 réponses ; intervalle à 95 % : ' in page


@time_machine.travel(NOW, tick=False)
def test_a_visitor_reads_the_cached_transparency_page_with_one_query(
    seed_004, client_for, structure_a
):
    url = reverse("public:transparency", args=[structure_a.identifier])
    visitor = client_for(None)
    first = visitor.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = visitor.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert len(queries) == 1, [q["sql"] for q in queries]


@time_machine.travel(NOW, tick=False)
def test_the_transparency_page_changes_the_moment_the_structure_changes_what_it_publishes(
    seed_004, client_for, manager_a, structure_a
):
    url = reverse("public:transparency", args=[structure_a.identifier])
    visitor = client_for(None)
    assert "Taux de réponse aux suggestions" in visitor.get(url).text
    action = Action.objects.create(
        structure=structure_a,
        year=2022,
        axis="a",
        title="Guichet",
        status="done",
        done_on=D(2022, 10, 1),
        publish=True,
        public_summary="Nous avons ouvert un second guichet.",
    )
    assert "ouvert un second guichet" in visitor.get(url).text
    action.publish = False
    action.save()
    assert "ouvert un second guichet" not in visitor.get(url).text
    Indicator.objects.filter(structure=structure_a, public=True).update(public=False)
    # A bulk update sends no signal: the manager's page saves one indicator at a time.
    for indicator in Indicator.objects.filter(structure=structure_a):
        indicator.save()
    assert "Taux de réponse aux suggestions" not in visitor.get(url).text
    profile = ImprovementProfile.objects.get(structure=structure_a)
    profile.approach = "Nous écoutons nos usagers."
    profile.save()
    assert "Nous écoutons nos usagers." in visitor.get(url).text
    structure_a.name = "Préfecture du Loiret (Orléans)"
    with time_machine.travel(NOW + dt.timedelta(seconds=1), tick=False):
        structure_a.save()  # a new ``updated_at``: time stands still in this test
    assert "Préfecture du Loiret (Orléans)" in visitor.get(url).text
    # The structure's manager, logged in, gets the page rendered for them.
    assert "Nous écoutons nos usagers." in client_for(manager_a).get(url).text


@time_machine.travel(NOW, tick=False)
def test_the_review_gives_one_value_per_figure_and_counts_as_integers(
    seed_004, client_for, manager_a, structure_a
):
    # An information request answered late counts in the register's counts but not in the
    # on-time rate of complaints and suggestions, here or in the dashboard.
    _feedback(structure_a, manager_a, D(2022, 9, 1), D(2022, 11, 30), kind="information")
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="reseaux"), year=2022, period="2022-03", value=681201.6
    )
    page = (
        client_for(manager_a)
        .get(reverse("improvement:review", args=[structure_a.pk, 2022]))
        .content.decode()
    )
    page = re.sub(r"<span[^>]*>|</span>", "", page)  # the figures' k / n are in spans
    page = re.sub(r"[ \t\r\n]+", " ", page)  # as a browser shows it: one space per line break
    # 18 of the 22 answered complaints and suggestions, in both tables.
    assert page.count("81,8\xa0% (18 / 22)") == 2 and page.count("81,8\xa0%") == 2
    assert "82\xa0%" not in page
    # The mean of the months entered, a count: an integer with a thousands separator.
    assert "681\u202f201" in page and "681201," not in page
    # One answer to the overall question: internal page, the value with a warning.
    assert "effectif faible (n = 1)" in page


@time_machine.travel(NOW, tick=False)
def test_the_review_pdf_prints_a_rate_from_one_answer_as_a_small_sample(
    seed_004, client_for, manager_a, structure_a, tmp_path
):
    pdf = client_for(manager_a).get(reverse("improvement:review_pdf", args=[structure_a.pk, 2022]))
    text = " ".join(pdf_text(tmp_path, pdf.content).split())
    # One answer in 2022: the committee's document gives the rate, with its k / n, its
    # interval and "effectif faible" (docs/scoring.md §7, own publications).
    assert "insuffisant" not in text
    assert "1 / 1 réponse ; intervalle à 95 % : 20,7 – 100,0 %" in text
    assert "effectif faible (n = 1)" in text
    assert "81,8 % (18 / 22)" in text  # the register is counted whole: no minimum
    assert "moins de 30 réponses est signalé « effectif faible » : il est donné" in text
    assert "n'y est pas donné" not in text


@pytest.mark.parametrize("year", [0, 1, 1899, 2200, 9999, 99999])
@pytest.mark.parametrize("name", ["improvement:review", "improvement:review_pdf"])
def test_a_review_of_a_year_out_of_range_is_not_found(
    client_for, manager_a, structure_a, name, year
):
    page = client_for(manager_a).get(reverse(name, args=[structure_a.pk, year]))
    assert page.status_code == 404


def test_an_empty_review_says_why_each_section_is_empty(
    client_for, manager_b, structure_b, tmp_path
):
    pdf = client_for(manager_b).get(reverse("improvement:review_pdf", args=[structure_b.pk, 2022]))
    assert layout_problems(tmp_path, pdf.content, name="bilan-qualite-vide") == []
    text = " ".join(pdf_text(tmp_path, pdf.content).split())
    for sentence in (
        "Aucune enquête de satisfaction.",
        "Pas de campagne d'appels mystères calculée pour 2022.",
        "Aucune formation enregistrée en 2021 ni en 2022.",
        "Plan non encore établi.",
        "Aucune intervention consignée.",
        "Aucun indicateur suivi",
    ):
        assert sentence in text, sentence
    assert "• —" not in text
    assert text.count("Page 1 / ") == 0 and "Page 2 / 2" in text  # no landscape page


@time_machine.travel(NOW, tick=False)
def test_the_review_pdf_reads_a_bounded_number_of_queries_and_is_laid_out_once(
    seed_004, client_for, manager_a, structure_a, monkeypatch
):
    from barometre.core import pdf

    laid_out = []
    real = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: laid_out.append(1) or real(html))
    client = client_for(manager_a)
    url = reverse("improvement:review_pdf", args=[structure_a.pk, 2022])
    first = client.get(url).content
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).content == first
    assert len(laid_out) == 1  # the same HTML: the PDF comes from the cache
    # More of everything the review lists: the same number of queries.
    for i in range(6):
        indicator = Indicator.objects.create(
            structure=structure_a, code=f"ind-{i}", label=f"Indicateur {i}", unit="count"
        )
        IndicatorValue.objects.create(indicator=indicator, period="2022", year=2022, value=i)
        Training.objects.create(
            structure=structure_a, year=2022, theme=f"thème {i}", agents_trained=2
        )
        Statement.objects.create(meeting=seed_004, speaker=f"Usager {i}", question=True, text="?")
        Decision.objects.create(meeting=seed_004, text=f"Décision {i}")
        Action.objects.create(structure=structure_a, year=2023, axis="Accueil", title=f"Action {i}")
        _feedback(structure_a, manager_a, D(2022, 4, 1), D(2022, 4, 4))
    changed = client.get(url).content  # the new data: caches (figures, PDF) rebuilt once
    assert len(laid_out) == 2 and "Action 5" in pdf_text_of(changed)
    with CaptureQueriesContext(connection) as larger:
        assert client.get(url).content == changed
    assert len(larger) == len(small), (len(small), len(larger))
    assert len(laid_out) == 2


def pdf_text_of(content: bytes) -> str:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        return pdf_text(Path(folder), content)


@time_machine.travel(NOW, tick=False)
def test_the_transparency_page_is_cacheable_by_a_proxy_until_it_changes(
    seed_004, client_for, manager_a, structure_a
):
    url = reverse("public:transparency", args=[structure_a.identifier])
    visitor = client_for(None)
    first = visitor.get(url)
    assert "public" in first["Cache-Control"] and "must-revalidate" in first["Cache-Control"]
    assert visitor.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    Action.objects.create(
        structure=structure_a,
        year=2022,
        axis="a",
        title="Guichet",
        status="done",
        done_on=D(2022, 10, 1),
        publish=True,
        public_summary="Nous avons ouvert un second guichet.",
    )
    changed = visitor.get(url, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and "second guichet" in changed.text
    mine = client_for(manager_a).get(url, headers={"if-none-match": changed["ETag"]})
    assert mine.status_code == 200 and "private" in mine["Cache-Control"]
