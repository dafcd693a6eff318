"""Satisfaction surveys: questionnaires from the Services Publics+ template, answers from
the public page, paper and files, and the results per item against the target.

An item's rate counts only the users it concerns: a conditional item (the digital help
desk, disability…) is computed over those who answered yes to its filter question, as
a préfecture reports its digital help desk's satisfaction."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from barometre.core.errors import Refused
from barometre.core.figures import Figure, minimum
from barometre.core.uploads import sqlite_write_refusal
from barometre.engine import (
    Estimate,
    InputProblem,
    comment_themes,
    mask_names,
    sp_survey_template,
    wilson,
)
from barometre.engine.tables import (
    DEFAULT_MAX_CELLS,
    DEFAULT_MAX_ROWS,
    TableError,
    cell_text,
    parse_date,
    parse_int,
    read_table,
)
from barometre.improvement.models import (
    CollectionPoint,
    ImprovementProfile,
    ItemAnswer,
    Questionnaire,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
)
from barometre.improvement.public import allow_and_select
from barometre.structures.models import Structure

K = Questionnaire.ScaleKind
# Values and labels of each scale, and its default cut-offs (satisfied, very satisfied).
SCALES = {
    K.TEN: ([(v, str(v)) for v in range(1, 11)], (7, 9)),
    K.FIVE: ([(v, str(v)) for v in range(1, 6)], (4, 5)),
    K.FOUR: (
        [
            (1, "Pas du tout satisfait"),
            (2, "Peu satisfait"),
            (3, "Satisfait"),
            (4, "Très satisfait"),
        ],
        (3, 4),
    ),
    K.SMILEYS: ([(1, "Mécontent ☹"), (2, "Mitigé 😐"), (3, "Content ☺")], (3, 3)),
}
COMMENT_MAX = 2000
# A past year's counts, kept while its responses stay the same (surveys.results_by_year).
YEAR_CACHE_SECONDS = 24 * 3600


def scale_values(questionnaire: Questionnaire | SurveyTarget) -> list[tuple[int, str]]:
    return SCALES[Questionnaire.ScaleKind(questionnaire.scale)][0]


def create_from_template(
    structure: Structure, *, title: str = "", scale: str = K.TEN
) -> Questionnaire:
    """A new questionnaire with the template's items, editable afterwards."""
    template = sp_survey_template()
    if scale == K.TEN:
        cut = (template.satisfied_from, template.very_satisfied_from)
    else:
        cut = SCALES[Questionnaire.ScaleKind(scale)][1]
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            structure=structure,
            title=title or template.title,
            scale=scale,
            satisfied_from=cut[0],
            very_satisfied_from=cut[1],
            target=100 * template.target,
            comment_label=template.comment.label,
        )
        SurveyItem.objects.bulk_create(
            SurveyItem(
                questionnaire=questionnaire,
                code=item.id,
                label=item.label,
                engagement=item.engagement,
                condition=item.conditional,
                position=i,
            )
            for i, item in enumerate(template.items)
        )
    return questionnaire


@dataclass(frozen=True)
class SurveyTarget:
    """What storing answers needs to know of a questionnaire: its scale, its items
    (code → id and label), and the collection point the answers come through, if any."""

    questionnaire_id: int
    point_id: int | None
    scale: str
    items: dict[str, tuple[int, str]]

    @property
    def allowed(self) -> set[int]:
        return {v for v, _ in scale_values(self)}


def target_of(questionnaire: Questionnaire, point: CollectionPoint | None = None) -> SurveyTarget:
    items = {i.code: (i.pk, i.label) for i in questionnaire.items.all()}
    return SurveyTarget(questionnaire.pk, point.pk if point else None, questionnaire.scale, items)


# The public survey is the busiest write of the platform (every QR code leads to it), and
# there the ORM's building of queries costs several times the database's own work. So a
# public answer is counted against its rate limit and its target read in one SQL
# statement, then written in one (PostgreSQL; SQLite runs the parts one after the other,
# the write in a transaction), with the same checks and constraints as the models.


_TARGET = (
    "SELECT p.id, q.id, q.scale, i.id, i.code, i.label FROM {point} p "
    "JOIN {questionnaire} q ON q.id = p.questionnaire_id "
    "LEFT JOIN {item} i ON i.questionnaire_id = q.id "
    "WHERE p.token = %s AND p.active AND q.active"
)


def _target_sql() -> str:
    return _TARGET.format(
        point=CollectionPoint._meta.db_table,
        item=SurveyItem._meta.db_table,
        questionnaire=Questionnaire._meta.db_table,
    )


def _target(rows: list[tuple]) -> SurveyTarget | None:
    if not rows:
        return None
    items = {code: (pk, label) for *_, pk, code, label in rows if pk is not None}
    return SurveyTarget(rows[0][1], rows[0][0], rows[0][2], items)


def receive(request, token: str) -> tuple[SurveyTarget | None, bool]:
    """A public submission arrives at a point's link: count it against its address's rate
    limit and read the open survey, in one statement on PostgreSQL. Returns (the survey
    or None, whether the address is within its limit). A submission to a closed or unknown
    link counts too: that is how links would be guessed (allowed is then False)."""
    allowed, rows = allow_and_select(request, _target_sql(), [token])
    return _target(rows), bool(allowed)


def _insert(
    target: SurveyTarget,
    answers: list[tuple[int, int | None]],
    *,
    answered_on,
    source: str,
    comment: str,
    key: str,
    by_id: int | None,
) -> int | None:
    """Write a response and its answers; None when its submission key is already stored."""
    ops = connection.ops
    response, answer = SurveyResponse._meta.db_table, ItemAnswer._meta.db_table
    insert = (
        f"INSERT INTO {response} (questionnaire_id, point_id, answered_on, source, comment, "  # noqa: S608 - table name from the model
        f"submission_key, entered_by_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
        f"ON CONFLICT DO NOTHING RETURNING id"
    )
    row = [
        target.questionnaire_id,
        target.point_id,
        ops.adapt_datefield_value(answered_on),
        source,
        comment,
        key,
        by_id,
        ops.adapt_datetimefield_value(timezone.now()),
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH response AS ({insert}), answers AS (INSERT INTO {answer} "  # noqa: S608 - table name from the model
                f"(response_id, item_id, value) SELECT response.id, a.item, a.value "
                f"FROM response, unnest(%s::bigint[], %s::smallint[]) AS a(item, value)) "
                f"SELECT id FROM response",
                [*row, [i for i, _ in answers], [v for _, v in answers]],
            )
            found = cursor.fetchone()
        return found[0] if found else None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, row)
        found = cursor.fetchone()
        if found and answers:
            cursor.executemany(
                f"INSERT INTO {answer} (response_id, item_id, value) VALUES (%s, %s, %s)",  # noqa: S608 - table name from the model
                [(found[0], item, value) for item, value in answers],
            )
    return found[0] if found else None


def _stored_under(target: SurveyTarget, key: str) -> int | None:
    return (
        SurveyResponse.objects.filter(questionnaire_id=target.questionnaire_id, submission_key=key)
        .values_list("pk", flat=True)
        .first()
    )


def answered_with(invitation: SurveyInvitation, key: str) -> bool:
    """Whether this single-use link was spent by the submission carrying ``key`` (the
    first of a double click): that person is thanked again, not told the link was used."""
    return bool(key) and (
        SurveyResponse.objects.filter(
            questionnaire_id=invitation.questionnaire_id, submission_key=key
        ).exists()
    )


def submit(
    questionnaire: Questionnaire | SurveyTarget,
    values: dict[str, int | None],
    *,
    comment: str = "",
    answered_on: dt.date | None = None,
    point: CollectionPoint | None = None,
    source: str = SurveyResponse.Source.WEB,
    submission_key: str = "",
    by=None,
    invitation: SurveyInvitation | None = None,
) -> tuple[int, bool]:
    """Store one user's answers (item code → value, None when not concerned), the
    comment with personal data masked. Returns (response id, created): a submission
    already stored under the same key is not stored twice."""
    target = (
        questionnaire
        if isinstance(questionnaire, SurveyTarget)
        else target_of(questionnaire, point)
    )
    # A repeated key is caught by the unique constraint when inserting (one query less
    # on the common path); a single-use link checks first, before being spent.
    if submission_key and invitation is not None:
        existing = _stored_under(target, submission_key)
        if existing:
            return existing, False
    allowed = target.allowed
    problems = []
    for code, value in values.items():
        if code not in target.items:
            problems.append(f"question inconnue « {code} »")
        elif value is not None and value not in allowed:
            problems.append(
                f"« {target.items[code][1]} » : {value} hors de l'échelle "
                f"({min(allowed)} à {max(allowed)})"
            )
    today = timezone.localdate()
    answered_on = answered_on or today
    if answered_on > today:
        problems.append("la date de la réponse est dans le futur")
    if len(comment) > COMMENT_MAX:
        problems.append(f"commentaire trop long ({len(comment)} caractères, {COMMENT_MAX} au plus)")
    if not any(v is not None for v in values.values()) and not comment.strip():
        problems.append("aucune réponse")
    if problems:
        raise Refused(problems)
    answers = [(target.items[code][0], value) for code, value in values.items()]
    fields = {
        "answered_on": answered_on,
        "source": source,
        "key": submission_key,
        "comment": mask_names(comment.strip()),
        "by_id": by.pk if by else None,
    }
    if invitation is None:
        stored = _insert(target, answers, **fields)
    else:
        with transaction.atomic():
            if not SurveyInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
                used_at=timezone.now()
            ):
                # Spent by this very submission (a double click that waited for the
                # first click's commit): the same answer, the same thanks.
                existing = submission_key and _stored_under(target, submission_key)
                if existing:
                    return existing, False
                raise Refused(["ce lien à usage unique a déjà servi"])
            stored = _insert(target, answers, **fields)
    if stored is not None:
        return stored, True
    existing = _stored_under(target, submission_key)  # the same key sent twice
    if existing is None:
        raise IntegrityError("réponse non enregistrée")
    return existing, False


@dataclass
class ItemResult:
    item: SurveyItem
    answers: int  # users concerned who rated the item
    satisfied: int
    very_satisfied: int
    target: float

    @property
    def satisfied_rate(self) -> Estimate:
        return wilson(self.satisfied, self.answers)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.satisfied / self.answers if self.answers else None

    @property
    def percent_very(self) -> float | None:
        return 100.0 * self.very_satisfied / self.answers if self.answers else None

    @property
    def very_among_satisfied(self) -> float | None:
        """ "97,3 % dont 72,2 % très satisfaits": the very satisfied as a share of the
        satisfied, as Services Publics+ reports state it."""
        return 100.0 * self.very_satisfied / self.satisfied if self.satisfied else None

    @property
    def net(self) -> float | None:
        """Net satisfaction: % satisfied minus % not satisfied."""
        if not self.answers:
            return None
        return 100.0 * (2 * self.satisfied - self.answers) / self.answers

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.answers:
            return None
        estimate = self.satisfied_rate
        return 100.0 * estimate.low, 100.0 * estimate.high

    @property
    def met(self) -> bool | None:
        return None if self.percent is None else self.percent >= self.target

    @property
    def figure(self) -> Figure:
        """The % of satisfied users as a rate: k / n answers, Wilson interval, and the
        minimum sample below which it is not published (docs/scoring.md §7)."""
        estimate = self.satisfied_rate if self.answers else None
        return Figure(
            kind="rate",
            value=estimate.value if estimate else None,
            n=self.answers,
            n_unit="réponses",
            numerator=self.satisfied,
            low=estimate.low if estimate else None,
            high=estimate.high if estimate else None,
            minimum=minimum("rate"),
        )


def _counts(questionnaire: Questionnaire, start: dt.date, end: dt.date):
    """The answers of the users concerned over [start, end], to be grouped. COUNT(value)
    rather than COUNT(id): the rows are then read from the indexes alone (the response's
    (questionnaire, answered_on, id) and the answer's (response, item, value)), which
    keeps a structure with hundreds of thousands of answers within the page budget."""
    return ItemAnswer.objects.filter(
        response__questionnaire=questionnaire,
        response__answered_on__range=(start, end),
        value__isnull=False,
    ).order_by()


def _aggregates(questionnaire: Questionnaire) -> dict:
    return {
        "n": Count("value"),
        "satisfied": Count("value", filter=Q(value__gte=questionnaire.satisfied_from)),
        "very": Count("value", filter=Q(value__gte=questionnaire.very_satisfied_from)),
    }


def _item_results(questionnaire: Questionnaire, items, by_item: dict) -> list[ItemResult]:
    out = []
    for item in items:
        row = by_item.get(item.pk, {"n": 0, "satisfied": 0, "very": 0})
        out.append(ItemResult(item, row["n"], row["satisfied"], row["very"], questionnaire.target))
    return out


def _version(questionnaire: Questionnaire, start: dt.date, end: dt.date, since: int):
    """The responses answered over [start, end]: their number, their highest id and the
    sum of their ids (the version of the period), with the number of those above
    ``since`` and the sum of the ids of the others. One query, read from the
    (questionnaire, answered_on, id) index."""
    row = questionnaire.responses.filter(answered_on__range=(start, end)).aggregate(
        n=Count("id"),
        last=Max("id"),
        ids=Sum("id"),
        new=Count("id", filter=Q(id__gt=since)),
        old_ids=Sum("id", filter=Q(id__lte=since)),
    )
    version = (row["n"], row["last"] or 0, row["ids"] or 0)
    return version, row["new"], row["old_ids"] or 0


def _period_counts(questionnaire: Questionnaire, start: dt.date, end: dt.date):
    """The per-item counts over [start, end] with the period's version (``_version``).
    Kept in the cache with that version; when only responses were added since (the
    responses up to the cached highest id are still the same number with the same sum
    of ids), only the new ones are counted and added, otherwise (a deletion, a response
    committed late under a lower id) everything is counted again. Answers are only ever
    added or deleted with their response, so the page shows a new answer at once for the
    cost of counting it."""
    q = questionnaire
    key = f"survey-period:{q.pk}:{q.satisfied_from}:{q.very_satisfied_from}:{start}:{end}"
    stored = cache.get(key)  # (version, by_item)
    since = stored[0][1] if stored else 0
    version, new, old_ids = _version(questionnaire, start, end, since)
    if stored and stored[0] == version:
        return stored[1], version
    counts = _counts(questionnaire, start, end)
    if stored and new and (version[0] - new, old_ids) == (stored[0][0], stored[0][2]):
        by_item = {pk: dict(row) for pk, row in stored[1].items()}
        added = counts.filter(response_id__gt=since).values("item_id").annotate(**_aggregates(q))
        for row in added:
            total = by_item.setdefault(row["item_id"], {"n": 0, "satisfied": 0, "very": 0})
            for name in ("n", "satisfied", "very"):
                total[name] += row[name]
    else:
        by_item = {
            row["item_id"]: {name: row[name] for name in ("n", "satisfied", "very")}
            for row in counts.values("item_id").annotate(**_aggregates(q))
        }
    cache.set(key, (version, by_item), YEAR_CACHE_SECONDS)
    return by_item, version


@dataclass
class PeriodResults:
    items: list[ItemResult]
    responses: int  # responses answered over the period
    version: tuple[int, int, int]  # their number, highest id, sum of ids (``_version``)


def period_results(questionnaire: Questionnaire, start: dt.date, end: dt.date) -> PeriodResults:
    """``results`` with the period's number of responses, from the cache kept up to date
    by ``_period_counts``: two queries (the period's version, the items) when nothing
    changed, whatever the number of answers."""
    by_item, version = _period_counts(questionnaire, start, end)
    items = _item_results(questionnaire, questionnaire.items.all(), by_item)
    return PeriodResults(items, version[0], version)


def reference_questionnaire(structure: Structure, code: str = "") -> Questionnaire | None:
    """The questionnaire a structure's satisfaction figures are read in, for every output
    (the annual review's satisfaction section and its quality dashboard, the transparency
    page): the one its quality profile publishes, else its newest. With ``code``, the
    questionnaire must hold that item: the published one if it does, else the newest that
    does. One choice, so that a review never prints two rates for one question."""
    profile = (
        ImprovementProfile.objects.filter(structure=structure)
        .select_related("publish_survey")
        .first()
    )
    published = profile.publish_survey if profile else None
    questionnaires = Questionnaire.objects.filter(structure=structure)
    if code:
        questionnaires = questionnaires.filter(items__code=code)
        if published and not published.items.filter(code=code).exists():
            published = None
    return published or questionnaires.order_by("-created_at", "-pk").first()


def results(questionnaire: Questionnaire, start: dt.date, end: dt.date) -> list[ItemResult]:
    """Per item over [start, end]: answers of the users concerned, satisfied and very
    satisfied counts (cut-offs of the questionnaire), with Wilson intervals."""
    return period_results(questionnaire, start, end).items


def _year_keys(questionnaire: Questionnaire, years: list[int]) -> dict[int, str]:
    """A cache key for each past year of ``years`` that names the year's responses: their
    number, their highest id and the sum of their ids (answers are only ever added or
    deleted with their response; an addition raises the number or the highest id, a
    deletion lowers the number, both at once change the sum), and the
    questionnaire's cut-offs. One query, read from the (questionnaire, answered_on, id)
    index."""
    past = [y for y in years if y < timezone.localdate().year]
    if not past:
        return {}
    stored = (
        questionnaire.responses.filter(
            answered_on__range=(dt.date(min(past), 1, 1), dt.date(max(past), 12, 31))
        )
        .annotate(year=ExtractYear("answered_on"))
        .values("year")
        .annotate(n=Count("id"), last=Max("id"), ids=Sum("id"))
        .order_by()
    )
    versions = {row["year"]: f"{row['n']}:{row['last']}:{row['ids']}" for row in stored}
    q = questionnaire
    return {
        y: f"survey-year:{q.pk}:{q.satisfied_from}:{q.very_satisfied_from}:{y}:"
        f"{versions.get(y, '0:0:0')}"
        for y in past
    }


def results_by_year(questionnaire: Questionnaire, years: list[int]) -> dict[int, list[ItemResult]]:
    """``results`` of each calendar year of ``years``: the counts of a past year come from
    the cache as long as its responses are the same (``_year_keys``), the others from one
    grouped query. A structure with 20,000 responses a year has its yearly table and its
    quality dashboard within the page budget; counting them again takes about a second."""
    if not years:
        return {}
    keys = _year_keys(questionnaire, years)
    cached = cache.get_many(list(keys.values())) if keys else {}
    by_year: dict[int, dict] = {y: cached[keys[y]] for y in years if keys.get(y) in cached}
    for y in years:
        if y not in keys and y not in by_year:  # the current year, kept up to date
            by_year[y] = _period_counts(questionnaire, dt.date(y, 1, 1), dt.date(y, 12, 31))[0]
    missing = [y for y in years if y not in by_year]
    if missing:
        counts = (
            _counts(questionnaire, dt.date(min(missing), 1, 1), dt.date(max(missing), 12, 31))
            .annotate(year=ExtractYear("response__answered_on"))
            .values("year", "item_id")
            .annotate(**_aggregates(questionnaire))
        )
        computed: dict[int, dict] = {y: {} for y in missing}
        for row in counts:
            if row["year"] in computed:
                computed[row["year"]][row["item_id"]] = row
        cache.set_many({keys[y]: computed[y] for y in missing if y in keys}, YEAR_CACHE_SECONDS)
        by_year.update(computed)
    items = list(questionnaire.items.all())
    return {y: _item_results(questionnaire, items, by_year[y]) for y in years}


def yearly_table(questionnaire: Questionnaire, years: list[int]) -> list[dict]:
    """Seed 004's table: per item, % satisfied per year (with answers) and the target."""
    per_year = {
        y: {r.item.pk: r for r in rows} for y, rows in results_by_year(questionnaire, years).items()
    }
    return [
        {
            "item": item,
            "years": [per_year[y][item.pk] for y in years],
            "target": questionnaire.target,
        }
        for item in questionnaire.items.all()
    ]


THEMED_COMMENTS = 2000


def themes(
    questionnaire: Questionnaire,
    start: dt.date,
    end: dt.date,
    version: tuple[int, int, int] | None = None,
):
    """Themes of the period's comments (the 2,000 latest), each with two examples. Kept
    in the cache under the period's version (number of responses, highest id, sum of
    ids, as ``period_results`` gives it; one query otherwise): a new response computes
    them again, a visit without one does not (TF-IDF and NMF take about 100 ms on 2,000
    comments). A period older than the retention limit also keys them by its number of
    comments still kept, which erasing them changes (another process may erase them:
    the key is read from the database, not signalled)."""
    if version is None:
        version = _version(questionnaire, start, end, 0)[0]
    limit = timezone.localdate() - dt.timedelta(days=settings.BAROMETRE_RETENTION_DAYS)
    erased = ""
    if start < limit:
        erased = (
            questionnaire.responses.filter(answered_on__range=(start, min(end, limit)))
            .exclude(comment="")
            .count()
        )
    key = f"survey-themes:{questionnaire.pk}:{start}:{end}:{'-'.join(map(str, version))}:{erased}"
    found = cache.get(key)
    if found is not None:
        return found
    comments = list(
        questionnaire.responses.filter(answered_on__range=(start, end))
        .exclude(comment="")
        .order_by("-answered_on", "-id")
        .values_list("comment", flat=True)[:THEMED_COMMENTS]
    )
    # Two examples a theme: its most typical comments, each text once.
    out = [
        (theme, list(dict.fromkeys(comments[i] for i in theme.comments))[:2])
        for theme in comment_themes(comments)
    ]
    cache.set(key, out, YEAR_CACHE_SECONDS)
    return out


def search_comments(
    questionnaire: Questionnaire,
    text: str,
    limit: int = 100,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    """Comments of the period (all when none is given) containing every word of ``text``
    (case-insensitive; every comment when empty), newest first."""
    responses = questionnaire.responses.exclude(comment="")
    if start is not None and end is not None:
        responses = responses.filter(answered_on__range=(start, end))
    for word in text.split()[:8]:
        responses = responses.filter(comment__icontains=word)
    return responses.order_by("-answered_on", "-id")[:limit]


def import_responses(
    questionnaire: Questionnaire,
    content: bytes,
    filename: str,
    *,
    by,
    max_bytes: int,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> tuple[int, list]:
    """Paper questionnaires typed in a spreadsheet: a ``date`` column, one column per item
    code (a rating, or empty / « sans objet » when not concerned), an optional
    ``commentaire``. Checks every row first; writes all rows or none.
    Returns (rows written, problems)."""
    try:
        table = read_table(
            content, filename, max_bytes=max_bytes, max_rows=max_rows, max_cells=max_cells
        )
    except TableError as exc:
        return 0, [InputProblem(None, None, "", str(exc))]
    problems = list(table.problems)
    items = {item.code.lower(): item for item in questionnaire.items.all()}
    columns = set(table.columns)
    if "date" not in columns:
        problems.append(InputProblem(None, "date", "", "colonne obligatoire absente"))
    unknown = columns - set(items) - {"date", "commentaire"}
    unknown_reason = (
        "colonne inconnue : ni « date », ni « commentaire », ni un code de question du "
        "questionnaire"
    )
    problems += [InputProblem(None, c, "", unknown_reason) for c in sorted(unknown)]
    if problems:
        return 0, problems
    allowed = {v for v, _ in scale_values(questionnaire)}
    today = timezone.localdate()
    planned = []
    for number, row in table.rows:
        try:
            day = parse_date(row.get("date"))
        except ValueError as exc:
            problems.append(InputProblem(number, "date", cell_text(row.get("date")), str(exc)))
            continue
        if day is None:
            problems.append(InputProblem(number, "date", "", "date obligatoire"))
            continue
        if day > today:
            problems.append(
                InputProblem(number, "date", cell_text(row.get("date")), "date dans le futur")
            )
        values = {}
        for code in items:
            raw = row.get(code)
            text = cell_text(raw).strip().lower()
            if text in ("", "sans objet", "so", "non concerné", "non concerne"):
                values[items[code].code] = None
                continue
            try:
                value = parse_int(raw)
            except ValueError:
                value = None
            if value is None or value not in allowed:
                expected = f"note entière de {min(allowed)} à {max(allowed)} attendue"
                problems.append(
                    InputProblem(
                        number, code, cell_text(raw), f"{expected}, ou vide si non concerné"
                    )
                )
                continue
            values[items[code].code] = value
        comment = cell_text(row.get("commentaire"))
        if len(comment) > COMMENT_MAX:
            problems.append(
                InputProblem(
                    number, "commentaire", comment[:30] + "…", f"{COMMENT_MAX} caractères au plus"
                )
            )
        planned.append((day, values, comment))
    if not problems and (refusal := sqlite_write_refusal(len(planned), "questionnaires")):
        problems.append(InputProblem(None, None, "", refusal))
    if problems:
        return 0, problems
    target = target_of(questionnaire)
    with transaction.atomic():
        for day, values, comment in planned:
            submit(
                target,
                values,
                comment=comment,
                answered_on=day,
                source=SurveyResponse.Source.IMPORT,
                by=by,
            )
    return len(planned), []


def create_invitations(questionnaire: Questionnaire, count: int) -> list[SurveyInvitation]:
    if not 1 <= count <= 1000:
        raise Refused(["de 1 à 1 000 liens à la fois"])
    invitations = [
        SurveyInvitation(questionnaire=questionnaire, token=secrets.token_urlsafe(12))
        for _ in range(count)
    ]
    return SurveyInvitation.objects.bulk_create(invitations)
