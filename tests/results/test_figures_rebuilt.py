"""Every figure of the synthesis, the open data, a structure's dashboard and the annual
review, rebuilt here from the database rows with this test's own queries (never the
product's aggregation code) and compared, value and n, with what the product shows.

The edition is demo-like: the demo's hand-written structures run through the demo's own
national edition (enrolment, planning, simulated fieldwork, computation, publication) and
the préfecture's three years of Services Publics+."""

import datetime as dt
import html
import math
import re
import statistics
from collections import Counter, defaultdict

import pytest
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from barometre.accounts.models import User
from barometre.campaigns.desk import review_audit
from barometre.campaigns.models import Answer, AuditTask, Enrolment
from barometre.core.figures import format_count, format_percent, format_share
from barometre.demo.build import DEMO_STRUCTURE
from barometre.demo.data import load_demo_data
from barometre.demo.fieldwork import load_auditors, load_scenarios
from barometre.demo.improvement import load_improvement_history
from barometre.demo.national import national_edition, structure_quality
from barometre.engine import DayUnit, days_between
from barometre.improvement import annual
from barometre.improvement.models import (
    FeedbackEntry,
    Indicator,
    ItemAnswer,
    Questionnaire,
    Training,
)
from barometre.results.exports import open_data_csv
from barometre.results.models import StructureResult
from barometre.results.reports import national_synthesis, structure_report
from barometre.structures.models import Structure

pytestmark = pytest.mark.django_db
MIN_RATE, MIN_AUDITS, MIN_STRUCTURES = 30, 5, 5
REPLIED = {"email": "email.replied", "mail": "mail.replied", "social": "social.message_answered"}
LOCAL = {"commune", "intercommunality", "department", "region"}


@pytest.fixture
def demo_edition():
    load_demo_data(national=False)
    load_scenarios()
    load_auditors()
    operator = User.objects.get(username="operateur")
    structures = list(Structure.objects.order_by("pk"))
    quality = structure_quality(structures, seed=2025)
    return national_edition(
        2025, structures, quality, by=operator, shift=0.0, published_on=dt.date(2025, 10, 15)
    )


# ---------------------------------------------------------------- our own reading of the rows


def _tasks(edition):
    return AuditTask.objects.filter(edition=edition, status="validated", double_of__isnull=True)


def _answers(edition, criterion) -> dict[int, str]:
    rows = Answer.objects.filter(task__in=_tasks(edition), criterion=criterion)
    return dict(rows.values_list("task_id", "value"))


def _rate(k, n):
    return (k / n if n else math.nan), k, n


def _own_key_figures(edition) -> dict[str, tuple[float, float, int]]:
    """(value, numerator, n) of each key figure, from the answers and the audits' dates."""
    tasks = _tasks(edition).select_related("structure")
    by_channel = defaultdict(list)
    for task in tasks:
        by_channel[task.channel].append(task)
    out = {}
    answered = _answers(edition, "phone.answered")
    first = _answers(edition, "phone.answered_first_attempt")
    phone = by_channel["phone"]
    out["phone_first_attempt"] = _rate(sum(first.get(t.pk) == "oui" for t in phone), len(phone))
    rings = [
        float(v) for pk, v in _answers(edition, "phone.rings").items() if answered.get(pk) == "oui"
    ]
    out["phone_mean_rings"] = (statistics.fmean(rings), sum(rings), len(rings))
    out["phone_within_5_rings"] = _rate(sum(r <= 5 for r in rings), len(rings))
    for channel, days, unit in (
        ("email", 10, DayUnit.WORKING),
        ("mail", 15, DayUnit.WORKING),
        ("social", 3, DayUnit.CALENDAR),
    ):
        replied = _answers(edition, REPLIED[channel])
        group = by_channel[channel]
        yes = [t for t in group if replied.get(t.pk) == "oui"]
        out[f"{channel}_answered"] = _rate(len(yes), len(group))
        # A delay typed by the auditor, or else counted from the audit's dates.
        typed = _answers(edition, f"{channel}.reply_delay")
        delays = [
            float(typed[t.pk])
            if t.pk in typed
            else days_between(
                timezone.localdate(t.sent_at),
                timezone.localdate(t.replied_at),
                t.structure.department,
                unit,
            )
            for t in yes
            if t.pk in typed or (t.sent_at and t.replied_at)
        ]
        within = {
            "email": "email_within_10_days",
            "mail": "mail_within_15_days",
            "social": "social_within_3_days",
        }[channel]
        out[within] = _rate(sum(d <= days for d in delays), len(delays))
    sites = by_channel["website"]
    for criterion, figure in (
        ("website.online_procedures", "website_online_procedures"),
        ("website.digital_help", "website_digital_help"),
    ):
        values = _answers(edition, criterion)
        out[figure] = _rate(sum(values.get(t.pk) == "oui" for t in sites), len(sites))
    visits = [
        r.details["channels"]["visit"]
        for r in StructureResult.objects.filter(result_set__edition=edition)
        if r.details.get("channels", {}).get("visit") is not None
    ]
    out["visit_mean_score"] = (statistics.fmean(visits), sum(visits), len(visits))
    return out


def _own_scores(result_set):
    """Per structure: score, interval, audits (counted from the tasks), category (from
    the enrolment), certified (from the labels), kind."""
    audits = Counter(_tasks(result_set.edition).values_list("structure_id", flat=True))
    categories = dict(
        Enrolment.objects.filter(edition=result_set.edition).values_list("structure_id", "category")
    )
    certified = set(Structure.objects.filter(labels__isnull=False).values_list("pk", flat=True))
    rows = StructureResult.objects.filter(result_set=result_set).values_list(
        "structure_id", "score", "score_low", "score_high", "structure__kind"
    )
    return {
        pk: {
            "score": score,
            "low": low,
            "high": high,
            "audits": audits[pk],
            "category": categories[pk],
            "certified": pk in certified,
            "kind": kind,
        }
        for pk, score, low, high, kind in rows
    }


def _mean(values):
    return statistics.fmean(values) if values else None


# ---------------------------------------------------------------- the checks


def test_every_figure_is_rebuilt_from_the_rows(demo_edition, client):
    result_set = demo_edition
    edition = result_set.edition
    own = _own_scores(result_set)
    figures = _own_key_figures(edition)
    check_synthesis(result_set, own, figures, client)
    check_open_data(result_set, own, figures)
    check_api(result_set, own, figures, client)
    check_dashboard(result_set, own, client)
    check_annual_review(client)
    check_public_register(client)


def _bounded_interval(scores: list[float], tolerance: float = 1e-4) -> tuple:
    """The 95 % interval of a mean of scores out of 100, rebuilt by hand: normal on the
    logit of the mean's share of 100, brought back (docs/scoring.md §7)."""
    p = statistics.fmean(scores) / 100
    se = statistics.stdev(scores) / math.sqrt(len(scores)) / 100
    centre, half = math.log(p / (1 - p)), 1.959964 * se / (p * (1 - p))
    return tuple(
        pytest.approx(100 / (1 + math.exp(-x)), abs=tolerance)
        for x in (centre - half, centre + half)
    )


def check_synthesis(result_set, own, figures, client):
    s = national_synthesis(result_set)
    scores = [r["score"] for r in own.values()]
    assert (
        s.participants
        == len(own)
        == len({t for t in _tasks(result_set.edition).values_list("structure_id", flat=True)})
    )
    assert s.local_authorities == sum(r["kind"] in LOCAL for r in own.values())
    assert (s.mean.value, s.mean.n) == (pytest.approx(statistics.fmean(scores)), len(own))
    assert (s.mean.low, s.mean.high) == _bounded_interval(scores)
    certified = [r["score"] for r in own.values() if r["certified"]]
    others = [r["score"] for r in own.values() if not r["certified"]]
    assert (s.certified_mean.n, s.not_certified_mean.n) == (len(certified), len(others))
    assert s.certified_mean.value == pytest.approx(_mean(certified))
    assert s.not_certified_mean.value == pytest.approx(_mean(others))
    assert s.certified_mean.small == (len(certified) < MIN_STRUCTURES)
    by_category = defaultdict(list)
    for r in own.values():
        by_category[r["category"]].append(r["score"])
    lines = {c.category: c for c in s.categories}
    assert set(lines) == set(by_category)
    for name, values in by_category.items():
        line = lines[name]
        small = len(values) < MIN_STRUCTURES
        # Below the minimum the mean is withheld at its source (results.publication).
        assert (line.structures, line.mean) == (
            len(values),
            None if small else pytest.approx(statistics.fmean(values)),
        )
        assert line.small == small
    assert s.histogram == [
        sum(lo <= v < lo + 10 or (lo == 90 and v == 100) for v in scores)
        for lo in range(0, 100, 10)
    ]
    channels = defaultdict(list)
    for r in StructureResult.objects.filter(result_set=result_set):
        for channel, value in r.details["channels"].items():
            if value is not None:
                channels[channel].append(value)
    for c in s.channels:
        assert (c.score, c.audits) == (
            pytest.approx(statistics.fmean(channels[c.id])),
            len(channels[c.id]),
        )
    shown = {f.id: f for f in s.key_figures}
    assert set(shown) == set(figures)
    for key, (value, numerator, n) in figures.items():
        assert (shown[key].value, shown[key].n) == (pytest.approx(value), n), key
        if shown[key].kind == "rate":
            assert shown[key].numerator == numerator, key
        assert shown[key].small == (n < (MIN_STRUCTURES if key == "visit_mean_score" else MIN_RATE))
    # The funnel: sigma pooled from the intervals, limits at every number of audits.
    errors = [(r["high"] - r["low"]) / (2 * 1.6448536269514722) for r in own.values()]
    sigma = math.sqrt(
        statistics.fmean(r["audits"] * e * e for r, e in zip(own.values(), errors, strict=True))
    )
    assert s.funnel.sigma == pytest.approx(sigma)
    for row in s.funnel.rows:
        n = row["audits"]
        half = sigma / math.sqrt(n)
        assert row["limits"].high95 == pytest.approx(s.mean.value + 1.959964 * half, abs=1e-4)
        assert row["limits"].low998 == pytest.approx(s.mean.value - 3.090232 * half, abs=1e-4)
        at_n = [r["score"] for r in own.values() if r["audits"] == n]
        assert row["structures"] == len(at_n)
        assert row["above"] == sum(v > row["limits"].high95 for v in at_n)
    # The public page writes them by the one rule: k / n for a rate, n for a mean.
    page = client.get(reverse("results:synthesis", args=[result_set.edition_id])).content.decode()
    value, k, n = figures["phone_first_attempt"]
    assert f"{format_count(k)} / {format_count(n)} appels" in page
    if n >= MIN_RATE:
        assert format_share(value) in page
    rings = figures["phone_mean_rings"]
    assert f"{format_count(rings[2])} appels décrochés" in page
    assert f"{format_count(rings[1])} / " not in page
    small = [name for name, values in by_category.items() if len(values) < MIN_STRUCTURES]
    for name in small:
        assert f"effectif insuffisant (n = {len(by_category[name])})" in page


def _csv(content: bytes) -> dict[tuple[str, str], dict]:
    lines = content.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    return {
        (r["perimetre"], r["indicateur"]): r
        for r in (dict(zip(header, line.split(";"), strict=True)) for line in lines[1:])
    }


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def check_open_data(result_set, own, figures):
    rows = _csv(open_data_csv(result_set))
    national = rows[("national", "score_moyen")]
    scores = [r["score"] for r in own.values()]
    assert _number(national["valeur"]) == pytest.approx(statistics.fmean(scores), abs=0.005)
    assert int(national["effectif"]) == len(own)
    low, high = _bounded_interval(scores, tolerance=0.005)
    assert (_number(national["ic95_bas"]), _number(national["ic95_haut"])) == (low, high)
    certified = [r["score"] for r in own.values() if r["certified"]]
    labelled = rows[("national", "score_moyen_labellisees")]
    assert int(labelled["effectif"]) == len(certified)
    if len(certified) < MIN_STRUCTURES:
        assert labelled["valeur"] == "" and labelled["diffusion"].startswith("effectif insuffisant")
    else:
        assert _number(labelled["valeur"]) == pytest.approx(statistics.fmean(certified), abs=0.005)
    not_labelled = rows[("national", "score_moyen_non_labellisees")]
    assert int(not_labelled["effectif"]) == len(own) - len(certified)
    counts = Counter(r["category"] for r in own.values())
    published = {scope for scope, _ in rows if scope != "national"}
    assert published == {c for c, n in counts.items() if n >= MIN_STRUCTURES}
    for name in published:
        values = [r["score"] for r in own.values() if r["category"] == name]
        row = rows[(name, "score_moyen")]
        assert (int(row["effectif"]), _number(row["valeur"])) == (
            len(values),
            pytest.approx(statistics.fmean(values), abs=0.005),
        )
    for key, (value, _, n) in figures.items():
        row = rows[("national", key)]
        assert int(row["effectif"]) == n, key
        if row["diffusion"]:
            assert row["valeur"] == "" and n < (
                MIN_STRUCTURES if key.startswith("visit") else MIN_RATE
            )
        else:
            assert _number(row["valeur"]) == pytest.approx(value, abs=0.005), key


def check_api(result_set, own, figures, client):
    """The anonymous national results and a structure's own result, as the API answers
    them: the same values, n and publication decisions as the rows give."""
    client.logout()
    body = client.get(f"/api/v1/results/editions/{result_set.edition_id}").json()
    assert body["participants"] == len(own)
    by_category = defaultdict(list)
    for r in own.values():
        by_category[r["category"]].append(r["score"])
    by_category["(national)"] = [r["score"] for r in own.values()]
    categories = {c["category"]: c for c in body["categories"]}
    assert set(categories) == set(by_category)
    for name, values in by_category.items():
        row = categories[name]
        assert row["structures"] == len(values)
        assert "min" not in row and "max" not in row  # one structure's score each
        if len(values) < MIN_STRUCTURES:
            assert row["published"] is False
            assert [row[k] for k in ("mean", "median", "q1", "q3", "histogram")] == [None] * 5
        else:
            assert row["published"] is True
            assert row["mean"] == pytest.approx(statistics.fmean(values))
            assert (row["mean_low"], row["mean_high"]) == _bounded_interval(values)
            assert sum(row["histogram"]) == len(values)
    published = {f["id"]: f for f in body["key_figures"]}
    assert set(published) == set(figures)
    for key, (value, numerator, n) in figures.items():
        row = published[key]
        assert row["denominator"] == n, key
        small = n < (MIN_STRUCTURES if key.startswith("visit") else MIN_RATE)
        assert row["insufficient"] is small
        assert row["value"] == (None if small else pytest.approx(value)), key
        if row["kind"] == "rate":
            assert row["unit"] == "part" and row["numerator"] == numerator, key
            assert small or 0 <= row["low"] <= row["value"] <= row["high"] <= 1
        else:
            assert row["unit"] != "%"
    prefecture = Structure.objects.get(name=DEMO_STRUCTURE)
    client.force_login(User.objects.get(username="qualite"))
    url = f"/api/v1/results/editions/{result_set.edition_id}/structures/{prefecture.pk}"
    mine = client.get(url).json()
    assert (mine["score"], mine["audits"]) == (
        pytest.approx(own[prefecture.pk]["score"]),
        own[prefecture.pk]["audits"],
    )
    client.logout()


def check_dashboard(result_set, own, client):
    prefecture = Structure.objects.get(name=DEMO_STRUCTURE)
    result = StructureResult.objects.select_related(
        "result_set__edition__grid", "result_set__grid", "structure"
    ).get(result_set=result_set, structure=prefecture)
    report = structure_report(result)
    mine = own[prefecture.pk]
    assert (report.score.value, report.score.n) == (pytest.approx(mine["score"]), mine["audits"])
    per_channel = Counter(
        _tasks(result_set.edition).filter(structure=prefecture).values_list("channel", flat=True)
    )
    for c in report.channels:
        assert (c.audits or 0) == per_channel.get(c.id, 0), c.id
    peers = [r["score"] for r in own.values() if r["category"] == mine["category"]]
    assert (report.category_mean.value, report.category_mean.n) == (
        None if len(peers) < MIN_STRUCTURES else pytest.approx(statistics.fmean(peers)),
        len(peers),
    )
    assert report.national_mean.n == len(own)
    assert report.funnel.own.audits == mine["audits"]
    client.force_login(User.objects.get(username="qualite"))
    url = reverse("results:dashboard", args=[result_set.edition_id, prefecture.pk])
    page = client.get(url).content.decode()
    assert f"Sur {mine['audits']} audits" in page
    if len(peers) < MIN_STRUCTURES:  # the category's mean is not published
        assert f"Effectif insuffisant (n = {len(peers)})" in page
    else:
        assert f"{len(peers)} structures" in page
    assert "Votre position dans l'entonnoir" in page


def check_annual_review(client):
    prefecture = Structure.objects.get(name=DEMO_STRUCTURE)
    manager = User.objects.get(username="qualite")
    year = load_improvement_history(prefecture, manager)
    review = annual.annual_review(prefecture, year)
    # The register, counted whole: per kind, and the on-time answers of complaints and
    # suggestions.
    for figures in review.feedback:
        entries = FeedbackEntry.objects.filter(structure=prefecture, received_on__year=figures.year)
        assert dict(figures.counts) == dict(entries.values_list("kind").annotate(Count("id")))
        timed = entries.filter(
            kind__in=["complaint", "suggestion"],
            answered_on__isnull=False,
            answer_due__isnull=False,
        )
        # Open entries past their due date (Paris day) count, as late.
        late_open = entries.filter(
            kind__in=["complaint", "suggestion"],
            answered_on__isnull=True,
            answer_due__lt=timezone.localdate(),
        )
        on_time = sum(e.answered_on <= e.answer_due for e in timed)
        assert (figures.on_time, figures.answered, figures.counted) == (
            on_time,
            timed.count(),
            timed.count() + late_open.count(),
        )
        delays = [days_between(e.received_on, e.answered_on, prefecture.department) for e in timed]
        assert figures.mean_delay == pytest.approx(statistics.fmean(delays))
    rate = next(r for r in review.dashboard if r.indicator.source == "register_on_time")
    last = review.feedback[-1]
    assert rate.cells[-1].value == pytest.approx(100 * last.on_time / last.counted)
    # Satisfaction: satisfied / users concerned, per item and year.
    questionnaire = Questionnaire.objects.get(pk=review.questionnaire.pk)
    for row in review.satisfaction:
        for y, cell in zip(review.satisfaction_years, row["years"], strict=True):
            answers = ItemAnswer.objects.filter(
                item=row["item"], response__answered_on__year=y, value__isnull=False
            )
            satisfied = answers.filter(value__gte=questionnaire.satisfied_from).count()
            assert (cell.figure.numerator, cell.figure.n) == (satisfied, answers.count())
    assert review.overall.figure.n == review.satisfaction[0]["years"][0].answers
    totals = [
        Training.objects.filter(structure=prefecture, year=y).aggregate(n=Sum("agents_trained"))[
            "n"
        ]
        or 0
        for y in review.training_years
    ]
    assert review.training_totals == totals
    internal = AuditTask.objects.filter(
        edition__owner=prefecture, edition__year=year, status="validated", double_of__isnull=True
    )
    # Internal mystery calls: per stage, the calls whose stage score (read on the
    # validator's desk, audit by audit) reaches the grid's threshold, out of the calls
    # where the stage applies.
    assert review.mystery.result.audits == internal.count()
    per_stage = {}
    for task in internal.select_related("edition__grid", "structure"):
        for label, stage_score in review_audit(task, with_anomalies=False).explained.stages:
            counts = per_stage.setdefault(label, [0, 0])
            counts[0] += stage_score >= review.mystery.threshold
            counts[1] += 1
    assert {s.label: [s.figure.numerator, s.figure.n] for s in review.mystery.stages} == per_stage
    social = Indicator.objects.get(structure=prefecture, code="reseaux")
    entered = [v.value for v in social.values.filter(year=year)]
    whole = [v.value for v in social.values.filter(year=year, period=str(year))]
    cell = next(r for r in review.dashboard if r.indicator.pk == social.pk).cells[-1]
    assert cell.value == pytest.approx(whole[0] if whole else statistics.fmean(entered))
    # The page writes each figure once, by its unit.
    client.force_login(manager)
    page = client.get(reverse("improvement:review", args=[prefecture.pk, year])).content.decode()
    on_time_text = (
        f"{format_percent(100 * last.on_time / last.counted)} ({last.on_time} / {last.counted})"
    )
    assert on_time_text in page
    # The same figure in the register's table and the dashboard's, written the same way.
    assert page.count(format_percent(100 * last.on_time / last.counted)) >= 2
    # Never without its decimal ("intervalle à 95 %" names the interval, not a rate).
    assert f"{format_percent(100 * last.on_time / last.counted, 0)} (" not in page
    assert format_count(cell.value) in page


def _on_time(prefecture, year: int) -> tuple[int, int]:
    """(on time, counted) of complaints and suggestions received in ``year``: answered by
    their due date, out of those answered and those still open past it (late)."""
    entries = FeedbackEntry.objects.filter(
        structure=prefecture, received_on__year=year, kind__in=["complaint", "suggestion"]
    ).exclude(answer_due__isnull=True)
    today = timezone.localdate()
    answered = [e for e in entries if e.answered_on is not None]
    late_open = [e for e in entries if e.answered_on is None and e.answer_due < today]
    on_time = sum(e.answered_on <= e.answer_due for e in answered)
    return on_time, len(answered) + len(late_open)


def check_public_register(client):
    """The préfecture's on-time rate as the public transparency page and the SP+ export
    publish it: the same k / n as the rows give, this year counted « au » today."""
    import csv
    import io

    prefecture = Structure.objects.get(name=DEMO_STRUCTURE)
    indicator = Indicator.objects.get(structure=prefecture, source="register_on_time", parameter="")
    year = timezone.localdate().year
    client.logout()
    page = client.get(reverse("public:transparency", args=[prefecture.identifier]))
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.content.decode())).split())
    for y in (year - 1, year):
        k, n = _on_time(prefecture, y)
        if n:
            shown = f"{format_percent(100 * k / n)} ({k} / {n}"
            assert " ".join(shown.split()) in text, y
    if not prefecture.sp_code:  # the SP+ export needs the structure's SP+ code
        Structure.objects.filter(pk=prefecture.pk).update(sp_code="PREF-45")
    response = client.get(reverse("public:sp_results", args=[prefecture.identifier]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    (row,) = [r for r in rows if r["code_sp_de_l_indicateur"] == indicator.code]
    k, n = _on_time(prefecture, year)
    if not n:  # nothing counted yet this year: the export gives last year's value
        k, n = _on_time(prefecture, year - 1)
    assert float(row["valeur"]) == pytest.approx(100 * k / n, abs=0.05)
