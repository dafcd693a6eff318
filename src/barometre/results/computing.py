"""Computing an edition's results with the engine and storing them.

Re-runnable and idempotent: a draft result set is recomputed in place; once published it
is never touched again and a recomputation creates the next version, with the list of
structures whose score or rank moved. The write is one transaction: a worker killed in
the middle leaves the previous results as they were."""

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.tasks import task
from django.utils import timezone

from barometre.accounts import journal
from barometre.campaigns.lifecycle import can_run
from barometre.campaigns.models import Answer, AuditTask, Edition, EditionTransition
from barometre.campaigns.transfer import answers_frame
from barometre.core.background import failure_recorded, stale
from barometre.core.errors import Refused
from barometre.core.figures import count_of, format_count, format_percent
from barometre.core.figures import plural as fr_plural
from barometre.engine import (
    EditionResults,
    EngineError,
    MeasureType,
    RankingOptions,
    compare_editions,
    mask_names,
    score_edition,
)
from barometre.results.models import Laureate, ResultSet, StructureResult
from barometre.results.stored import (
    NATIONAL,
    Benchmarks,
    CategoryRow,
    EditionEvolution,
    KeyFigureRow,
    Observation,
    ScoredPart,
    StructureDetails,
)
from barometre.structures.models import Structure

MOVE_THRESHOLD = 0.05  # points; smaller differences are rounding noise
E = Edition.Status
COMPUTABLE = (E.FIELDWORK, E.VALIDATION, E.RESULTS, E.PUBLISHED)
# Before the results phase a computation is an operators-only preview.
PREVIEW_PHASES = (E.FIELDWORK, E.VALIDATION)
OBSERVATIONS_PER_STRUCTURE = 40


# The engine's tables of scores by part: (part, its key column, its value column).
SCORED_PARTS: tuple[tuple[ScoredPart, str, str], ...] = (
    ("channels", "channel", "score"),
    ("stages", "stage", "score"),
    ("determinants", "determinant", "score"),
    ("criteria", "criterion", "points"),
)


def _clean[T](value: T) -> T | None:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _mean(column: pl.Series) -> float | None:
    """The mean of a column of numbers; None when none is known."""
    mean = column.mean()
    return _clean(float(mean)) if isinstance(mean, int | float) else None


def ranking_options() -> RankingOptions:
    """The engine's ranking rules with the platform's minimum of structures for a
    category to be ranked (``BAROMETRE_MIN_CATEGORY_STRUCTURES``)."""
    return RankingOptions(min_category_structures=settings.BAROMETRE_MIN_CATEGORY_STRUCTURES)


def request_computation(edition: Edition, *, by) -> ResultSet:
    """Queue a computation: reuse the draft result set, or open the next version."""
    if not can_run(by, edition):
        raise Refused(["seuls ceux qui conduisent l'édition calculent ses résultats"])
    if edition.status not in COMPUTABLE:
        raise Refused(
            [
                f"l'édition est en phase « {edition.get_status_display()} » : les "
                "résultats se calculent à partir du terrain"
            ]
        )
    if not edition.tasks.filter(status=AuditTask.Status.VALIDATED).exists():
        raise Refused(["aucun audit validé : rien à calculer"])
    with transaction.atomic():
        latest = ResultSet.objects.select_for_update().filter(edition=edition).first()
        if latest and latest.published_at is None:
            busy = latest.status in (ResultSet.Status.QUEUED, ResultSet.Status.COMPUTING)
            if busy and not stale(latest.requested_at, latest.heartbeat):
                return latest  # already on its way: a double click computes once
            result_set = latest
            result_set.status, result_set.step, result_set.error = "queued", "", ""
            result_set.requested_by, result_set.heartbeat = by, timezone.now()
            result_set.save(update_fields=["status", "step", "error", "requested_by", "heartbeat"])
        else:
            result_set = ResultSet.objects.create(
                edition=edition,
                version=(latest.version + 1) if latest else 1,
                grid=edition.grid,
                requested_by=by,
            )
    compute_results.enqueue(result_set.pk)
    return result_set


def _step(result_set: ResultSet, text: str, status: str = ResultSet.Status.COMPUTING) -> None:
    ResultSet.objects.filter(pk=result_set.pk).update(
        step=text, status=status, heartbeat=timezone.now()
    )


def compute(result_set: ResultSet) -> ResultSet:
    edition = Edition.objects.select_related("grid").get(pk=result_set.edition_id)
    _step(result_set, "Lecture des audits validés")
    frame = answers_frame(edition)
    _step(result_set, f"Calcul des scores ({frame.height} réponses)")
    try:
        results = score_edition(edition.grid.parsed(), frame, options=ranking_options())
    except EngineError as exc:
        ResultSet.objects.filter(pk=result_set.pk).update(
            status=ResultSet.Status.FAILED, error=str(exc)[:5000], step=""
        )
        return ResultSet.objects.get(pk=result_set.pk)
    _step(result_set, "Enregistrement")
    by_identifier = dict(
        Structure.objects.filter(
            identifier__in=results.structures["structure"].to_list()
        ).values_list("identifier", "pk")
    )
    # StructureResult.details, one per structure (typed in results.stored).
    detail: dict[str, StructureDetails] = {
        sid: {"channels": {}, "stages": {}, "determinants": {}, "criteria": {}}
        for sid in by_identifier
    }
    for part, key, value in SCORED_PARTS:
        for row in getattr(results, part).iter_rows(named=True):
            detail[row["structure"]][part][row[key]] = _clean(row[value])
    for row in results.channels.iter_rows(named=True):
        detail[row["structure"]].setdefault("channel_audits", {})[row["channel"]] = row["audits"]
    if edition.owner_id:
        _internal_details(results, detail)
    for identifier, by_channel in _not_done(edition).items():
        if identifier in detail:
            detail[identifier]["not_done"] = by_channel
    for identifier, notes in _observations(edition).items():
        if identifier in detail:
            detail[identifier]["observations"] = notes
    _step(result_set, "Évolution depuis l'édition précédente")
    evolution, evolution_rows = _evolution(edition, frame)
    for row in evolution_rows:
        if row["structure"] in detail:
            detail[row["structure"]]["evolution"] = {
                "previous": _clean(row["previous"]),
                "current": _clean(row["current"]),
                "change": _clean(row["change"]),
            }
    audit_ids = list(
        edition.tasks.filter(status=AuditTask.Status.VALIDATED).values_list("pk", flat=True)
    )
    with transaction.atomic():
        locked = ResultSet.objects.select_for_update().get(pk=result_set.pk)
        if locked.published_at is not None:  # published meanwhile: never overwrite
            raise Refused(["ce jeu de résultats a été publié pendant le calcul"])
        locked.structures.all().delete()
        StructureResult.objects.bulk_create(
            StructureResult(
                result_set=locked,
                structure_id=by_identifier[row["structure"]],
                category=row["category"] or "",
                score=row["global"],
                score_low=row["score_low"],
                score_high=row["score_high"],
                audits=row["audits"],
                coverage=row["coverage"],
                eligible=bool(row["eligible"]),
                rank=row["rank"],
                rank_low=row["rank_low"],
                rank_high=row["rank_high"],
                p_first=_clean(row["p_first"]),
                tied_with_leader=row["tied_with_leader"],
                details=detail[row["structure"]],
            )
            for row in results.structures.iter_rows(named=True)
        )
        categories: list[CategoryRow] = [
            cast(CategoryRow, {k: _clean(v) for k, v in row.items()})
            for row in results.categories.iter_rows(named=True)
        ]
        key_figures: list[KeyFigureRow] = [
            {
                "id": spec.id,
                "label": spec.label,
                "unit": spec.unit,
                "value": _clean(e.value),
                "low": _clean(e.low),
                "high": _clean(e.high),
                "numerator": e.numerator,
                "denominator": e.denominator,
            }
            for spec, e in results.key_figures
        ]
        locked.stored_categories, locked.stored_key_figures = categories, key_figures
        locked.auditors = [
            {k: _clean(v) for k, v in row.items()} for row in results.auditors.iter_rows(named=True)
        ]
        locked.agreement = [
            {k: _clean(v) for k, v in row.items()}
            for row in results.agreement.iter_rows(named=True)
        ]
        locked.audit_ids = audit_ids
        locked.stored_benchmarks = _benchmarks(results)
        locked.evolution = evolution
        locked.grid = edition.grid
        locked.changes = _changes(locked)
        locked.preview = edition.status in PREVIEW_PHASES
        locked.status, locked.step, locked.error = ResultSet.Status.READY, "", ""
        locked.computed_at = timezone.now()
        locked.save()
        _carry_laureates(locked)
    return locked


def _internal_details(results: EditionResults, detail: dict[str, StructureDetails]) -> None:
    """What an internal campaign reports (results.internal): per stage its satisfactory
    calls out of the calls where the stage applied, per criterion the audits that met it
    out of those where it applied."""
    for row in results.satisfaction.iter_rows(named=True):
        if row["structure"] in detail:
            detail[row["structure"]].setdefault("satisfaction", {})[row["stage"]] = [
                row["satisfied"],
                row["calls"],
            ]
    for row in results.criteria.iter_rows(named=True):
        if row["structure"] in detail:
            detail[row["structure"]].setdefault("criteria_met", {})[row["criterion"]] = [
                row["met"],
                row["audits"],
            ]


def _carry_laureates(result_set: ResultSet) -> None:
    """A correction starts from the palmarès of the last published version: its laureates
    (still ranked in their category) and jury notes, which the operator may change before
    publishing the correction."""
    if result_set.laureates.exists():
        return
    published = last_published(result_set.edition, exclude=result_set)
    if published is None:
        return
    ranked = set(
        result_set.structures.filter(rank__isnull=False).values_list("category", "structure_id")
    )
    Laureate.objects.bulk_create(
        Laureate(
            result_set=result_set,
            category=lt.category,
            structure_id=lt.structure_id,
            jury_note=lt.jury_note,
            confirmed_by_id=lt.confirmed_by_id,
        )
        for lt in published.laureates.all()
        if (lt.category, lt.structure_id) in ranked
    )


def last_published(edition: Edition, *, exclude: ResultSet | None = None) -> ResultSet | None:
    found = ResultSet.objects.published().filter(edition=edition)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("-version").first()


def _benchmarks(results: EditionResults) -> Benchmarks:
    """Mean and number of structures per category (and "(national)") for every channel,
    stage, determinant and criterion: what a structure's dashboard compares itself to."""
    categories = results.structures.select(
        "structure", pl.col("category").fill_null("").alias("category")
    )
    out: Benchmarks = {}
    for name, key, value in SCORED_PARTS:
        frame = getattr(results, name).join(categories, on="structure")
        scopes = [(NATIONAL, frame), *((c, g) for (c,), g in frame.group_by("category"))]
        for scope, part in scopes:
            means = part.group_by(key).agg(pl.col(value).mean().alias("mean"), pl.len().alias("n"))
            scope_means = out.setdefault(
                scope, {"channels": {}, "stages": {}, "determinants": {}, "criteria": {}}
            )
            scope_means[name] = {
                row[key]: {"mean": _clean(row["mean"]), "n": row["n"]}
                for row in means.iter_rows(named=True)
            }
    return out


def _not_done(edition: Edition) -> dict[str, dict[str, int]]:
    """Audits closed as not done, per structure and channel: they count as missing
    coverage (the report says so), never as a zero."""
    rows = (
        AuditTask.objects.filter(
            edition=edition, status=AuditTask.Status.NOT_DONE, double_of__isnull=True
        )
        .values_list("structure__identifier", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[str, dict[str, int]] = {}
    for identifier, channel, n in rows:
        out.setdefault(identifier, {})[channel] = n
    return out


def _observations(edition: Edition) -> dict[str, list[Observation]]:
    """Auditors' free-text observations per structure, personal data and person names
    masked once, when the results are stored (``engine.mask_names``)."""
    grid = edition.grid.parsed()
    text_ids = [c.id for c in grid.criteria if c.measure.type == MeasureType.TEXT]
    rows = (
        Answer.objects.filter(
            task__edition=edition,
            task__status=AuditTask.Status.VALIDATED,
            task__double_of__isnull=True,
            criterion__in=text_ids,
        )
        .exclude(value="")
        .order_by("task__scheduled_at", "pk")
        .values_list("task__structure__identifier", "task__channel", "task__scheduled_at", "value")
    )
    out: dict[str, list[Observation]] = {}
    for identifier, channel, when, value in rows.iterator():
        notes = out.setdefault(identifier, [])
        if len(notes) < OBSERVATIONS_PER_STRUCTURE:
            notes.append(
                {
                    "channel": channel,
                    "date": timezone.localdate(when).isoformat(),
                    "text": mask_names(value.strip())[:2000],
                }
            )
    return out


def previous_result_set(edition: Edition) -> ResultSet | None:
    """The latest published results of an earlier edition run by the same owner."""
    return (
        ResultSet.objects.published()
        .filter(edition__owner_id=edition.owner_id, edition__year__lt=edition.year)
        .select_related("edition__grid", "grid")
        .order_by("-edition__year", "-version")
        .first()
    )


def _evolution(
    edition: Edition, frame: pl.DataFrame
) -> tuple[EditionEvolution, list[dict[str, Any]]]:
    """Scores of both editions recomputed on the criteria they share, for the structures
    audited in both: a change of grid does not pass for a change of quality. Returns what
    the version stores and the rows of the structures (stored in their own details)."""
    previous = previous_result_set(edition)
    if previous is None:
        return {}, []
    old_frame = answers_frame(previous.edition)
    base: EditionEvolution = {
        "edition": previous.edition.name,
        "year": previous.edition.year,
        "version": previous.version,
        "participants": previous.structures.count(),
    }
    if old_frame.height == 0:
        return base, []
    try:
        table = compare_editions(previous.grid.parsed(), old_frame, edition.grid.parsed(), frame)
    except EngineError:
        return base, []
    if table.height == 0:
        return base | {"structures": 0, "shared_criteria": 0}, []
    summary: EditionEvolution = base | {
        "structures": table.height,
        "shared_criteria": int(table["shared_criteria"][0]),
        "previous": _mean(table["previous"]),
        "current": _mean(table["current"]),
        "change": _mean(table["change"]),
    }
    return summary, table.to_dicts()


def _changes(result_set: ResultSet) -> list[dict]:
    """What moved since the last published version (scores and ranks)."""
    published = (
        ResultSet.objects.published()
        .filter(edition=result_set.edition)
        .exclude(pk=result_set.pk)
        .first()
    )
    if published is None:
        return []
    before = {r.structure_id: r for r in published.structures.select_related("structure")}
    moved = []
    for now in result_set.structures.select_related("structure"):
        old = before.pop(now.structure_id, None)
        if old is None:
            moved.append({"structure": now.structure.name, "before": None, "after": now.score})
        elif abs(old.score - now.score) >= MOVE_THRESHOLD or old.rank != now.rank:
            moved.append(
                {
                    "structure": now.structure.name,
                    "before": old.score,
                    "after": now.score,
                    "rank_before": old.rank,
                    "rank_after": now.rank,
                }
            )
    moved += [
        {"structure": old.structure.name, "before": old.score, "after": None}
        for old in before.values()
    ]
    return moved


@dataclass
class PublicationReview:
    """What publishing a result version makes public and to whom, the coverage rules it
    passes, and why it would be refused: the confirmation page, checked again by
    ``publish``."""

    result_set: ResultSet
    refusals: list[str]
    correction_of: ResultSet | None  # the published version this one corrects
    structures: int = 0  # structures with results, which their managers will see
    ranked: int = 0
    unranked: list[StructureResult] = field(default_factory=list)
    # Eligible, in a category with too few structures to be ranked.
    participants: list[StructureResult] = field(default_factory=list)
    publishable: int = 0  # structures that accepted publication in the palmarès
    laureates: int = 0
    categories: int = 0
    validated: int = 0
    not_done: int = 0
    rules: list[str] = field(default_factory=list)


def _refusals(result_set: ResultSet, edition: Edition) -> list[str]:
    reasons = []
    if result_set.status != ResultSet.Status.READY:
        reasons.append("seuls des résultats calculés se publient")
        return reasons
    if edition.status not in (E.RESULTS, E.PUBLISHED):
        reasons.append(
            f"l'édition est en phase « {edition.get_status_display()} » : les "
            "résultats ne se publient qu'en phase « Résultats »"
        )
    if result_set.preview:
        reasons.append(
            f"la version {result_set.version} est un aperçu calculé avant la phase « Résultats » "
            ": recalculez les résultats pour obtenir une version publiable"
        )
    validated = set(
        edition.tasks.filter(status=AuditTask.Status.VALIDATED).values_list("pk", flat=True)
    )
    if validated != set(result_set.audit_ids):
        reasons.append(
            f"la version {result_set.version} a été calculée avant la dernière validation "
            f"d'audit ({len(result_set.audit_ids)} audits pris en compte, {len(validated)} "
            "validés aujourd'hui) : recalculez-la avant de publier"
        )
    newer = edition.result_sets.filter(version__gt=result_set.version).exists()
    if newer:
        reasons.append(f"une version plus récente que la {result_set.version} existe")
    if not edition.owner_id:
        reasons.extend(thin_edition(result_set, edition))
    return reasons


def publication_minimums() -> tuple[int, int, int]:
    """What a national edition needs to be published (docs/scoring.md §7): this many
    categories ranked with at least so many structures, and this share (in percent) of
    the planned audits done and validated."""
    return (
        settings.BAROMETRE_PUBLICATION_MIN_RANKED_CATEGORIES,
        settings.BAROMETRE_MIN_CATEGORY_STRUCTURES,
        settings.BAROMETRE_PUBLICATION_MIN_AUDITS_DONE,
    )


def publication_coverage(result_set: ResultSet, edition: Edition) -> tuple[int, int, int]:
    """(categories ranked with at least the minimum of structures, audits done and
    validated, audits planned) of a version: what the publication minimums compare."""
    _, structures, _ = publication_minimums()
    per_category = Counter(
        result_set.structures.filter(rank__isnull=False).values_list("category", flat=True)
    )
    ranked = sum(1 for n in per_category.values() if n >= structures)
    return ranked, len(result_set.audit_ids), edition.tasks.count()


def coverage_text(ranked: int, done: int, planned: int) -> str:
    """« 11 catégories classées ; 3 489 audits réalisés et validés sur 3 489 prévus (100,0 %) »."""
    _, structures, _ = publication_minimums()
    share = f" ({format_percent(100 * done / planned)})" if planned else ""
    return (
        f"{ranked} catégorie{fr_plural(ranked)} classée{fr_plural(ranked)} avec au moins "
        f"{structures} structures ; {format_count(done)} audit{fr_plural(done)} réalisé"
        f"{fr_plural(done)} et validé{fr_plural(done)} sur {format_count(planned)} prévu"
        f"{fr_plural(planned)}{share}"
    )


def thin_edition(result_set: ResultSet, edition: Edition) -> list[str]:
    """Why an edition is too thin to be published as a national synthesis, if it is."""
    categories, structures, share = publication_minimums()
    ranked, done, planned = publication_coverage(result_set, edition)
    reasons = []
    if ranked < categories:
        reasons.append(
            f"{ranked} catégorie{fr_plural(ranked)} classée{fr_plural(ranked)} avec au moins "
            f"{structures} structures ; il en faut au moins {categories} pour publier une "
            "synthèse nationale"
        )
    if planned and 100 * done < share * planned:
        reasons.append(
            f"{format_count(done)} audits réalisés et validés sur {format_count(planned)} "
            f"prévus ({format_percent(100 * done / planned)}) ; il en faut au moins {share} % "
            "pour publier"
        )
    return reasons


def review_publication(result_set: ResultSet) -> PublicationReview:
    edition = result_set.edition
    review = PublicationReview(
        result_set=result_set,
        refusals=_refusals(result_set, edition),
        correction_of=last_published(edition, exclude=result_set),
    )
    results = list(result_set.structures.select_related("structure").order_by("structure__name"))
    review.structures = len(results)
    review.ranked = sum(1 for r in results if r.rank is not None)
    review.unranked = [r for r in results if not r.eligible]
    review.participants = [r for r in results if r.eligible and r.rank is None]
    allowed = set(
        edition.enrolments.filter(publish_results=True).values_list("structure_id", flat=True)
    )
    review.publishable = sum(1 for r in results if r.eligible and r.structure_id in allowed)
    review.laureates = result_set.laureates.count()
    review.categories = len({r.category for r in results if r.rank is not None})
    review.validated = len(result_set.audit_ids)
    review.not_done = edition.tasks.filter(status=AuditTask.Status.NOT_DONE).count()
    options = ranking_options()
    categories, structures, share = publication_minimums()
    not_done = "Les audits non réalisés comptent comme couverture manquante, jamais comme un zéro."
    if edition.owner_id:  # an internal campaign: one structure, read against its target
        review.rules = [
            not_done,
            "Les résultats ne sont visibles que des responsables qualité de la structure ; "
            "rien n'est publié sur les pages publiques.",
        ]
        return review
    review.rules = [
        f"Une structure est classée quand au moins {options.min_channels} canaux ont été "
        f"audités et qu'au moins {round(options.min_coverage * 100)} % des audits prévus ont "
        "été réalisés et validés ; les autres reçoivent leurs résultats sans rang.",
        not_done,
        f"Une catégorie est classée (rangs, palmarès, moyennes publiées) quand elle compte au "
        f"moins {structures} structures classables ; en dessous, ses structures sont "
        "présentées comme participantes, sans rang ni distinction.",
        "Le palmarès public ne montre que les structures qui ont accepté la publication ; "
        "les autres n'apparaissent que dans les moyennes.",
    ]
    met = "non atteint" if thin_edition(result_set, edition) else "atteint"
    coverage = coverage_text(*publication_coverage(result_set, edition))
    review.rules.append(
        f"Minimum de publication d'une synthèse nationale : au moins {categories} "
        f"catégorie{fr_plural(categories)} classée{fr_plural(categories)} et {share} % "
        f"des audits prévus réalisés et validés — {met} pour cette version ({coverage})."
    )
    if (
        review.correction_of is None
        and review.laureates < review.categories
        and not (edition.owner_id)
    ):
        review.rules.append(
            f"{count_of(review.categories - review.laureates, 'catégorie')} sans lauréat "
            "confirmé : le palmarès les montrera sans lauréat."
        )
    return review


def publish(result_set: ResultSet, *, by, erratum: str = "") -> ResultSet:
    """Publish a result version computed in the results phase after the last validation:
    the edition moves to its published phase. A later version of a published edition is
    published as a correction, with its erratum note; earlier versions stay in the
    history. Refused, with nothing written, otherwise."""
    edition = result_set.edition
    if not can_run(by, edition):
        raise Refused(["seuls ceux qui conduisent l'édition publient ses résultats"])
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        locked = ResultSet.objects.select_for_update().get(pk=result_set.pk)
        if locked.published_at is not None:
            return locked  # a double click publishes once
        reasons = _refusals(locked, edition)
        correction_of = last_published(edition, exclude=locked)
        if correction_of is not None and not erratum.strip():
            reasons.append(
                f"la version {correction_of.version} est déjà publiée : la version corrigée "
                "doit porter une note d'erratum qui dit ce qui a changé"
            )
        if reasons:
            raise Refused(reasons)
        locked.published_at = timezone.now()
        locked.erratum = erratum.strip() if correction_of is not None else ""
        locked.save(update_fields=["published_at", "erratum"])
        if edition.status == E.RESULTS:
            EditionTransition.objects.create(
                edition=edition,
                source=edition.status,
                target=E.PUBLISHED,
                by=by,
                reason=f"version {locked.version} publiée",
            )
            Edition.objects.filter(pk=edition.pk).update(status=E.PUBLISHED)
        journal.record(
            journal.Kind.RESULTS_PUBLISHED,
            locked,
            actor=by,
            edition=edition.pk,
            version=locked.version,
            correction=correction_of is not None,
        )
    return ResultSet.objects.select_related("edition").get(pk=result_set.pk)


@task
def compute_results(result_set_id: int) -> str:
    result_set = ResultSet.objects.select_related("edition__grid").get(pk=result_set_id)
    with failure_recorded(ResultSet, result_set_id, step=""):
        try:
            return compute(result_set).status
        except Refused as exc:  # published meanwhile: nothing written, nothing failed
            return str(exc)
