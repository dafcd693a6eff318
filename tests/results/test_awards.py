"""Laureates in seed 000's words and figures: "Deuxième de sa catégorie avec la belle
moyenne de 77/100 … téléphone (80/100), mail (78/100), courrier (77/100), site Internet
(67/100) et réseaux sociaux (85/100)", rebuilt from audits, on the palmarès, in the
synthesis, on the certificate and in the press kit."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from barometre.accounts.models import Membership, Role, User
from barometre.campaigns import lifecycle
from barometre.campaigns.models import Answer, AuditTask, Edition, GridVersion
from barometre.results.awards import category_awards, recipients
from barometre.results.computing import publish, request_computation
from barometre.results.models import Laureate, StructureResult
from barometre.results.palmares import confirm_laureate, palmares
from barometre.structures.models import ContactPoint, Structure
from tests.pdf import layout_problems, pdf_text, pdf_title

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db

CHANNELS = [
    ("phone", "Téléphone"),
    ("email", "Courriel"),
    ("mail", "Courrier"),
    ("website", "Site internet"),
    ("social", "Réseaux sociaux"),
]
# One criterion per channel whose points are the share observed: a channel's score is
# that share out of 100, so the seed's channel scores are entered as they were published.
GRID = "\n".join(
    [
        "id: trophees-2025",
        "title: Baromètre de test",
        "channels:",
        *[f"  - {{id: {c}, label: {label}, planned_audits: 1}}" for c, label in CHANNELS],
        "stages:",
        "  - {id: handling, label: Traitement}",
        "determinants:",
        "  - {id: quality, label: Qualité}",
        "criteria:",
        *[
            f"  - {{id: {c}.quality, label: Qualité, channel: {c}, stage: handling, "
            "determinant: quality, measure: {type: ratio}, "
            "scoring: {type: linear, best: 1, worst: 0}}"
            for c, _ in CHANNELS
        ],
    ]
)
LOIR_ET_CHER = (80, 78, 77, 67, 85)
DEPARTMENTS = [
    ("Département du Cher", "22180001800019", (84, 82, 80, 78, 86)),
    ("Département de Loir-et-Cher", "22410001400017", LOIR_ET_CHER),
    ("Département du Loiret", "22450001300015", (72, 70, 70, 66, 72)),
    ("Département de l'Indre", "22360001900010", (60, 62, 58, 55, 65)),
]


@pytest.fixture
def published(operator, settings):
    # The seed's département was ranked among 35; four stand for them here, so the
    # minimum of structures for a ranked category is lowered to four.
    settings.BAROMETRE_MIN_CATEGORY_STRUCTURES = 4
    grid = GridVersion.objects.create(grid_id="trophees-2025", version=1, yaml=GRID)
    edition = lifecycle.create_edition(
        year=2025,
        name="Baromètre 2025",
        grid=grid,
        enrolment_opens=dt.date(2025, 1, 6),
        enrolment_closes=dt.date(2025, 4, 30),
        fieldwork_starts=dt.date(2025, 5, 5),
        fieldwork_ends=dt.date(2025, 7, 25),
        by=operator,
    )
    lifecycle.advance(edition, by=operator)
    for name, identifier, scores in DEPARTMENTS:
        department = Structure.objects.create(
            name=name, identifier=identifier, kind="department", department=identifier[3:5]
        )
        for channel, _ in CHANNELS:
            ContactPoint.objects.create(structure=department, channel=channel, value="x@x.fr")
        lifecycle.enrol(edition, department, by=operator, publish_results=True)
        for (channel, _), score in zip(CHANNELS, scores, strict=True):
            task = AuditTask.objects.create(
                edition=edition,
                structure=department,
                channel=channel,
                sequence=1,
                scheduled_at=dt.datetime(2025, 5, 6, 10, tzinfo=PARIS),
                status="validated",
            )
            Answer.objects.create(task=task, criterion=f"{channel}.quality", value=f"{score} %")
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.RESULTS)
    edition.refresh_from_db()
    result_set = request_computation(edition, by=operator)
    result_set.refresh_from_db()
    cher = Structure.objects.get(name="Département du Cher")
    confirm_laureate(result_set, "Départements", cher.pk, "Un numéro social unique.", by=operator)
    publish(result_set, by=operator)
    result_set.refresh_from_db()
    return result_set


@pytest.fixture
def loir_et_cher_manager(published):
    structure = Structure.objects.get(name="Département de Loir-et-Cher")
    user = User.objects.create_user("philippe")
    Membership.objects.create(user=user, role=Role.MANAGER, structure=structure)
    return user, structure


def test_the_seed_figures_are_rebuilt_from_audits(published):
    (category,) = palmares(published, public=True)
    titles = [(a.title, a.structure.name, a.global_score) for a in category.awards]
    assert titles == [
        ("Lauréat", "Département du Cher", "82/100"),
        ("2e de sa catégorie", "Département de Loir-et-Cher", "77/100"),
        ("3e de sa catégorie", "Département du Loiret", "70/100"),
    ]
    second = category.awards[1]
    assert second.result.score == pytest.approx(77.4)  # (80 + 78 + 77 + 67 + 85) / 5
    assert [c.out_of_100 for c in second.channels] == [
        "80/100",
        "78/100",
        "77/100",
        "67/100",
        "85/100",
    ]
    # The site (67) is 10.4 points under the global score (77.4): not « quel que soit le
    # support de contact ».
    assert second.press_sentence == (
        "Deuxième de sa catégorie : avec une moyenne de 77/100, le Département de "
        "Loir-et-Cher se distingue par la qualité de sa prise en charge des usagers – "
        "téléphone (80/100), courriel (78/100), courrier (77/100), site internet (67/100) et "
        "réseaux sociaux (85/100)."
    )


def test_the_palmares_and_the_synthesis_show_the_channel_scores(
    client, client_for, operator, published
):
    edition = published.edition
    for url, user in (
        (reverse("results:public_palmares", args=[edition.pk]), None),
        (reverse("results:synthesis", args=[edition.pk]), None),
        (reverse("results:edition", args=[edition.pk]), operator),  # the operator's page too
    ):
        page = " ".join(client_for(user).get(url).text.split())
        assert "Distinctions — Départements (4 structures classées)" in page, url
        assert (
            '<td>2e de sa catégorie</td> <th scope="row">Département de Loir-et-Cher</th>' in page
        )
        assert "Téléphone 80/100" in page and "Réseaux sociaux 85/100" in page
        assert "77/100" in page and "<td>Lauréat</td>" in page


def test_the_certificate_is_one_page_with_the_category_edition_and_scores(
    client_for, loir_et_cher_manager, published, tmp_path
):
    user, structure = loir_et_cher_manager
    url = reverse("results:certificate", args=[published.edition_id, structure.pk])
    response = client_for(user).get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(tmp_path, response.content)
    assert text.count("\f") == 1  # one page
    assert layout_problems(tmp_path, response.content, name="certificat") == []
    assert pdf_title(tmp_path, response.content) == (
        "Diplôme « 2e de sa catégorie » — Baromètre 2025 — Département de Loir-et-Cher"
    )
    words = " ".join(text.split())
    assert "Baromètre 2025" in words and "Département de Loir-et-Cher" in words
    assert "la distinction « 2e de sa catégorie »" in words
    assert "dans la catégorie « Départements » (4 structures classées)" in words
    assert "Score global : 77/100" in words
    assert "80/100 78/100 77/100 67/100 85/100" in words


def test_a_certificate_is_built_once_per_published_version(
    client_for, loir_et_cher_manager, published, monkeypatch
):
    from barometre.results import views

    built = []
    real = views.certificate_pdf
    monkeypatch.setattr(views, "certificate_pdf", lambda award: built.append(1) or real(award))
    user, structure = loir_et_cher_manager
    url = reverse("results:certificate", args=[published.edition_id, structure.pk])
    client = client_for(user)
    contents = {client.get(url).content for _ in range(3)}
    assert len(contents) == 1 and built == [1]


def test_the_press_kit_has_the_figures_of_the_press_release(
    client_for, loir_et_cher_manager, published
):
    user, structure = loir_et_cher_manager
    url = reverse("results:press_kit", args=[published.edition_id, structure.pk])
    response = client_for(user).get(url)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Département de Loir-et-Cher : 2e de sa catégorie, catégorie « Départements »" in text
    assert "- Score global : 77/100 (exactement 77,4" in text
    for line in (
        "  - Téléphone : 80/100 (1 audit)",
        "  - Courriel : 78/100 (1 audit)",
        "  - Courrier : 77/100 (1 audit)",
        "  - Site internet : 67/100 (1 audit)",
        "  - Réseaux sociaux : 85/100 (1 audit)",
    ):
        assert line in text
    assert "Deuxième de sa catégorie : avec une moyenne de 77/100, le Département" in text
    assert "&#x27;" not in text and "&amp;" not in text


def test_the_dashboard_offers_the_documents_once_published(
    client_for, loir_et_cher_manager, published
):
    user, structure = loir_et_cher_manager
    url = reverse("results:dashboard", args=[published.edition_id, structure.pk])
    page = client_for(user).get(url).text
    assert "2e de sa catégorie — catégorie « Départements »" in page
    assert reverse("results:certificate", args=[published.edition_id, structure.pk]) in page
    assert reverse("results:press_kit", args=[published.edition_id, structure.pk]) in page


def test_no_documents_before_publication_nor_for_others(client_for, operator, manager_b, published):
    indre = Structure.objects.get(name="Département de l'Indre")  # 4th: no distinction
    loir = Structure.objects.get(name="Département de Loir-et-Cher")
    client = client_for(operator)
    certificate = reverse("results:certificate", args=[published.edition_id, indre.pk])
    assert client.get(certificate).status_code == 404
    assert (
        client.get(reverse("results:press_kit", args=[published.edition_id, loir.pk])).status_code
        == 200
    )
    # Another structure's manager is told nothing.
    other = client_for(manager_b)
    for name in ("results:certificate", "results:press_kit"):
        assert other.get(reverse(name, args=[published.edition_id, loir.pk])).status_code == 404
    # A correction being computed is not published: its operators get no documents from it.
    published.published_at = None
    published.save(update_fields=["published_at"])
    assert client_for(operator).get(certificate).status_code == 404
    loir_page = reverse("results:press_kit", args=[published.edition_id, loir.pk])
    assert client_for(operator).get(loir_page).status_code == 404


def test_the_published_documents_stay_available_while_a_correction_is_computed(
    client_for, operator, published
):
    from barometre.results.computing import request_computation

    loir = Structure.objects.get(name="Département de Loir-et-Cher")
    correction = request_computation(published.edition, by=operator)
    correction.refresh_from_db()
    assert correction.version == published.version + 1 and correction.published_at is None
    client = client_for(operator)
    for name in ("results:certificate", "results:press_kit"):
        response = client.get(reverse(name, args=[published.edition_id, loir.pk]))
        assert response.status_code == 200, name


def _result(rank, score, low, high, structure_id):
    return StructureResult(
        rank=rank,
        score=score,
        score_low=low,
        score_high=high,
        structure_id=structure_id,
        category="Villes",
        details={"channels": {}},
    )


def _ranking(*intervals: tuple[float, float, float]) -> list:
    """Results ranked in the order given (score, low, high), structure ids from 1."""
    return [_result(i, *interval, i) for i, interval in enumerate(intervals, start=1)]


def test_a_structure_that_cannot_be_told_apart_from_the_laureate_gets_a_mention():
    ranking = _ranking((80, 74, 86), (79, 73, 85), (78, 72, 84), (76, 70, 82), (60, 55, 65))
    laureate = Laureate(category="Villes", structure_id=1, jury_note="Accueil")

    class Grid:
        channels = []

    awards = category_awards(recipients(ranking, laureate, {1, 2, 3, 4, 5}), 5, Grid())
    assert [(a.result.structure_id, a.title) for a in awards] == [
        (1, "Lauréat"),
        (2, "2e de sa catégorie"),
        (3, "3e de sa catégorie"),
        (4, "Mention du jury"),
    ]
    # A structure that did not accept publication is never distinguished.
    assert [r.structure_id for _, r, _ in recipients(ranking, laureate, {1, 3, 4})] == [1, 3, 4]
    assert recipients(ranking, None, {1, 2}) == []
    assert {a.ranked for a in awards} == {5}


def test_a_jury_choice_below_the_first_never_erases_the_first():
    """The jury confirmed the 4th: the first three keep their distinction by rank, with
    their scores, and the laureate says it was the jury's choice."""
    ranking = _ranking((96, 95, 97), (79, 73, 85), (78, 72, 84), (77, 67, 86), (70, 66, 74))
    laureate = Laureate(category="Villes", structure_id=4, jury_note="Accueil")
    chosen = recipients(ranking, laureate, {1, 2, 3, 4, 5})
    assert [(kind, r.structure_id) for kind, r, _ in chosen] == [
        ("laureate", 4),
        ("podium", 1),
        ("podium", 2),
        ("podium", 3),
        ("mention", 5),
    ]

    class Grid:
        channels = []

    awards = category_awards(chosen, 5, Grid(), proposed=ranking[0])
    assert [(a.title, a.choice) for a in awards[:2]] == [
        ("Lauréat", "choisi par le jury, 4e du classement"),
        ("1er de sa catégorie", ""),
    ]
    assert awards[0].jury_note == "Accueil"


def test_the_first_of_the_ranking_as_laureate_is_not_called_a_jury_choice():
    ranking = _ranking((96, 95, 97), (79, 73, 85))
    laureate = Laureate(category="Villes", structure_id=1, jury_note="Accueil")

    class Grid:
        channels = []

    awards = category_awards(recipients(ranking, laureate, {1, 2}), 2, Grid(), ranking[0])
    assert [(a.title, a.choice) for a in awards] == [
        ("Lauréat", ""),
        ("2e de sa catégorie", ""),
    ]


def test_the_second_is_no_jury_choice_when_the_first_refused_publication():
    """The first refused publication: the ranking proposes the second, and the jury that
    confirms it overrules nothing."""
    ranking = _ranking((96, 95, 97), (79, 73, 85), (78, 72, 84))
    laureate = Laureate(category="Villes", structure_id=2, jury_note="Accueil")

    class Grid:
        channels = []

    awards = category_awards(recipients(ranking, laureate, {2, 3}), 3, Grid(), ranking[1])
    assert [(a.title, a.choice) for a in awards] == [
        ("Lauréat", ""),
        ("3e de sa catégorie", ""),
    ]


def _award(kind: str, rank: int, score: float, channels: dict[str, float], name: str):
    """An award as the palmarès builds it, without the database."""
    from types import SimpleNamespace

    from barometre.results.awards import Award, ChannelScore

    structure = SimpleNamespace(in_sentence=name)
    result = SimpleNamespace(rank=rank, score=score, structure=structure)
    scores = [ChannelScore(c, c.capitalize(), v, 2) for c, v in channels.items()]
    return Award(kind, result, scores, 12)


EVEN = {"téléphone": 72.0, "courriel": 66.0, "accueil": 74.0}  # none 10 points under 70
UNEVEN = {"téléphone": 76.0, "courriel": 52.0, "accueil": 86.0}  # e-mail: 18 under 70
PRESS_SENTENCES = [
    (
        "laureate",
        1,
        EVEN,
        "Lauréat de sa catégorie : avec une moyenne de 70/100, la Région Sud se distingue "
        "par la qualité de sa prise en charge des usagers, quel que soit le support de "
        "contact – téléphone (72/100), courriel (66/100) et accueil (74/100).",
    ),
    (
        "podium",
        3,
        EVEN,
        "Troisième de sa catégorie : avec une moyenne de 70/100, la Région Sud se distingue "
        "par la qualité de sa prise en charge des usagers, quel que soit le support de "
        "contact – téléphone (72/100), courriel (66/100) et accueil (74/100).",
    ),
    (
        "mention",
        5,
        EVEN,
        "Mention du jury : avec une moyenne de 70/100, la Région Sud se distingue par la "
        "qualité de sa prise en charge des usagers, quel que soit le support de contact – "
        "téléphone (72/100), courriel (66/100) et accueil (74/100).",
    ),
    (
        "mention",
        5,
        UNEVEN,
        "Mention du jury : avec une moyenne de 70/100, la Région Sud se distingue par la "
        "qualité de sa prise en charge des usagers – téléphone (76/100), courriel (52/100) "
        "et accueil (86/100).",
    ),
    (
        "laureate",
        1,
        {},
        "Lauréat de sa catégorie : avec une moyenne de 70/100, la Région Sud se distingue "
        "par la qualité de sa prise en charge des usagers.",
    ),
]


@pytest.mark.parametrize(("kind", "rank", "channels", "sentence"), PRESS_SENTENCES)
def test_the_press_sentence_reads_well_for_each_distinction(kind, rank, channels, sentence):
    """Seen in the Région Sud's press kit: « Mention du jury avec une moyenne de 70/100, la
    Région Sud se distingue … quel que soit le support de contact » with an e-mail score of
    52/100."""
    assert _award(kind, rank, 70.2, channels, "la Région Sud").press_sentence == sentence


def test_whatever_the_channel_allows_a_channel_exactly_ten_points_under():
    close = _award("podium", 2, 70.0, {"téléphone": 60.0, "courriel": 80.0}, "la Ville de Metz")
    assert "quel que soit le support de contact" in close.press_sentence
    under = _award("podium", 2, 70.0, {"téléphone": 59.9, "courriel": 80.0}, "la Ville de Metz")
    assert "quel que soit le support de contact" not in under.press_sentence


def test_a_structure_that_refused_publication_is_told_why_it_has_no_distinction(
    client_for, loir_et_cher_manager, published
):
    from barometre.campaigns.models import Enrolment

    user, structure = loir_et_cher_manager
    url = reverse("results:dashboard", args=[published.edition_id, structure.pk])
    assert "n'a pas accepté la publication" not in client_for(user).get(url).text
    Enrolment.objects.filter(edition=published.edition, structure=structure).update(
        publish_results=False
    )
    from django.core.cache import cache

    cache.clear()  # the consent is frozen once published: the body is cached per version
    page = " ".join(client_for(user).get(url).text.split())
    assert "Votre structure n'a pas accepté la publication de ses résultats" in page
    assert "Diplôme de la distinction" not in page
