"""Survey computations against hand-computed cases, file imports, and seed 004's table."""

import datetime as dt

import pytest
import time_machine

from barometre.core.errors import Refused
from barometre.improvement import surveys
from barometre.improvement.models import SurveyResponse

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))


MARCH_2 = D(2026, 3, 2)


def _answer(questionnaire, day=MARCH_2, **values):
    return SurveyResponse.objects.get(pk=surveys.submit(questionnaire, values, answered_on=day)[0])


@time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC), tick=False)
def test_rates_use_the_cutoffs_and_only_the_users_concerned(questionnaire):
    # Scale 1–10, satisfied from 7, very satisfied from 9.
    for overall, desk in [(10, None), (9, 8), (7, None), (6, 3), (2, None)]:
        _answer(questionnaire, overall=overall, digital_desk=desk)
    rows = {r.item.code: r for r in surveys.results(questionnaire, *YEAR)}
    overall = rows["overall"]
    assert (overall.answers, overall.satisfied, overall.very_satisfied) == (5, 3, 2)
    assert overall.percent == 60.0 and overall.percent_very == 40.0
    assert overall.very_among_satisfied == pytest.approx(200 / 3)
    assert overall.net == pytest.approx(20.0)  # 60 % satisfied − 40 % not
    # Wilson 95 % for 3/5: centre (3 + 1.92)/(5 + 3.84), half-width ≈ 0.3778.
    low, high = overall.interval
    assert low == pytest.approx(23.07, abs=0.01) and high == pytest.approx(88.24, abs=0.01)
    assert overall.met is False  # target 85 %
    desk = rows["digital_desk"]  # only the two users who used the desk
    assert (desk.answers, desk.satisfied, desk.percent) == (2, 1, 50.0)
    assert rows["courtesy"].answers == 0 and rows["courtesy"].percent is None
    assert rows["courtesy"].met is None
    # Another period sees nothing.
    assert all(
        r.answers == 0 for r in surveys.results(questionnaire, D(2025, 1, 1), D(2025, 12, 31))
    )


@time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC), tick=False)
def test_bad_answers_are_refused_and_comments_are_masked(questionnaire):
    with pytest.raises(Refused, match="11 hors de l'échelle"):
        _answer(questionnaire, overall=11)
    with pytest.raises(Refused, match="question inconnue"):
        _answer(questionnaire, colour=3)
    with pytest.raises(Refused, match="futur"):
        _answer(questionnaire, day=D(2026, 11, 24), overall=8)
    with pytest.raises(Refused, match="aucune réponse"):
        surveys.submit(questionnaire, {"overall": None}, comment="  ")
    stored, _ = surveys.submit(
        questionnaire,
        {"overall": 8},
        comment="<script>alert(1)</script> Rappelez-moi au 06 11 22 33 44, M. Martin",
    )
    response = SurveyResponse.objects.get(pk=stored)
    assert response.comment == (
        "<script>alert(1)</script> Rappelez-moi au [téléphone masqué], M. [nom masqué]"
    )
    assert [c.pk for c in surveys.search_comments(questionnaire, "RAPPELEZ masqué")] == [
        response.pk
    ]
    assert SurveyResponse.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC), tick=False)
def test_a_cp1252_semicolon_file_is_checked_row_by_row_and_written_whole(questionnaire, manager_a):
    bad = (
        "date;overall;digital_desk;commentaire\r\n"
        "02/03/2026;9;;Très bien, merci\r\n"
        "31/02/2026;8;;\r\n"
        "03/03/2026;douze;;\r\n"
        "04/03/2026;7;11;\r\n"
    ).encode("cp1252")
    written, problems = surveys.import_responses(
        questionnaire, bad, "avis.csv", by=manager_a, max_bytes=10**6
    )
    assert written == 0 and SurveyResponse.objects.count() == 0
    assert [str(p) for p in problems] == [
        "Ligne 3, colonne « date » (valeur « 31/02/2026 ») : date attendue au format jj/mm/aaaa",
        "Ligne 4, colonne « overall » (valeur « douze ») : note entière de 1 à 10 attendue, "
        "ou vide si non concerné",
        "Ligne 5, colonne « digital_desk » (valeur « 11 ») : note entière de 1 à 10 attendue, "
        "ou vide si non concerné",
    ]
    good = (
        "date;overall;digital_desk;commentaire\r\n"
        "02/03/2026;9;;Très bien, merci\r\n"
        "03/03/2026;6;sans objet;écrire à a.b@example.fr\r\n"
    ).encode("cp1252")
    written, problems = surveys.import_responses(
        questionnaire, good, "avis.csv", by=manager_a, max_bytes=10**6
    )
    assert (written, problems) == (2, [])
    comments = sorted(SurveyResponse.objects.values_list("comment", flat=True))
    assert comments == ["Très bien, merci", "écrire à [courriel masqué]"]
    _, problems = surveys.import_responses(
        questionnaire, b"date;couleur\n02/03/2026;3\n", "x.csv", by=manager_a, max_bytes=10**6
    )
    assert "colonne inconnue" in str(problems[0])


# Seed 004: the préfecture's satisfaction table (results 2022, 2021, 2020, target 85 %).
SEED_004 = {
    "courtesy": ("99,5", "99,5", "76"),
    "availability": ("100", "97,3", "80"),
    "disability": ("95,7", "84,6", "74"),
    "difficulty": ("95", "90,4", "66"),
    "language": ("99,5", "98,4", "87"),
    "signage": ("94", "96", "76"),
    "comfort": ("94,6", "94,3", "63"),
    "waiting": ("99", "89,2", "45"),
    "overall": ("97,3", "98,4", "70,9"),
    "digital_desk": ("100", "90", "23"),
}


def _counts(text: str) -> tuple[int, int]:
    """The smallest (answers, satisfied) whose rate rounds to ``text`` (French decimals)."""
    decimals = len(text.split(",")[1]) if "," in text else 0
    target = float(text.replace(",", "."))
    for n in range(1, 1000):
        for s in range(n + 1):
            if round(100 * s / n, decimals) == target:
                return n, s
    raise AssertionError(text)


@time_machine.travel(dt.datetime(2023, 1, 20, 9, tzinfo=dt.UTC), tick=False)
def test_seed_004_satisfaction_table_is_produced_from_entered_answers(questionnaire):
    years = [2022, 2021, 2020]
    plan = {}
    for code, rates in SEED_004.items():
        for year, rate in zip(years, rates, strict=True):
            plan[(code, year)] = _counts(rate)
    # 2022 general satisfaction: "97,3 % dont 72,2 % très satisfaits" (148 answers, 144
    # satisfied, 104 very); digital desk: "100 % dont 89,5 %" (19 users concerned, 17 very).
    plan[("overall", 2022)] = (148, 144)
    plan[("digital_desk", 2022)] = (19, 19)
    very = {("overall", 2022): 104, ("digital_desk", 2022): 17}
    for year in years:
        size = max(n for (code, y), (n, _) in plan.items() if y == year)
        for i in range(size):
            values = {}
            for code in SEED_004:
                n, s = plan[(code, year)]
                if i >= n:
                    values[code] = None  # not answered / not concerned
                elif i < very.get((code, year), 0):
                    values[code] = 10
                else:
                    values[code] = 8 if i < s else 4
            surveys.submit(questionnaire, values, answered_on=D(year, 11, 21 + i % 9))
    table = surveys.yearly_table(questionnaire, years)
    for row in table:
        rates = SEED_004[row["item"].code]
        for result, expected in zip(row["years"], rates, strict=True):
            decimals = len(expected.split(",")[1]) if "," in expected else 0
            shown = f"{result.percent:.{decimals}f}".replace(".", ",")
            assert shown == expected, (row["item"].code, result.item, shown, expected)
        assert row["target"] == 85.0
    overall = next(r for r in table if r["item"].code == "overall")["years"][0]
    assert (f"{overall.percent:.1f}", f"{overall.very_among_satisfied:.1f}") == ("97.3", "72.2")
    desk = next(r for r in table if r["item"].code == "digital_desk")["years"][0]
    assert (desk.percent, round(desk.very_among_satisfied, 1), desk.answers) == (100.0, 89.5, 19)


@time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC), tick=False)
def test_the_results_page_lists_the_comments_of_the_period_and_searches_within_it(
    questionnaire, manager_a, client_for
):
    from django.urls import reverse

    for day, comment in [
        (dt.date(2025, 6, 2), "Accueil aimable en 2025"),
        (dt.date(2026, 3, 2), "Accueil rapide en 2026"),
    ]:
        surveys.submit(questionnaire, {"overall": 8}, comment=comment, answered_on=day)
    url = reverse("improvement:questionnaire", args=[questionnaire.pk])
    client = client_for(manager_a)
    this_year = client.get(url).text  # the current year by default
    assert "Accueil rapide en 2026" in this_year and "Accueil aimable en 2025" not in this_year
    assert "Commentaires du 01/01/2026 au 23/11/2026" in this_year
    last_year = client.get(url, {"du": "2025-01-01", "au": "2025-12-31"}).text
    assert "Accueil aimable en 2025" in last_year and "Accueil rapide en 2026" not in last_year
    # The search form carries the period; a search finds within it only.
    assert 'name="du" value="2025-01-01"' in last_year
    found = client.get(url, {"du": "2025-01-01", "au": "2025-12-31", "q": "accueil"}).text
    assert "Accueil aimable en 2025" in found and "Accueil rapide en 2026" not in found
    empty = client.get(url, {"du": "2030-01-01", "au": "2030-12-31"}).text
    assert "Aucun commentaire sur la période." in empty
    assert "il en faut au moins 8" in " ".join(empty.split())
