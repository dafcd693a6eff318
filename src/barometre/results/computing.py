"""Computing an edition's results with the engine and storing them.

Re-runnable and idempotent: a draft result set is recomputed in place; once published it
is never touched again and a recomputation creates the next version, with the list of
structures whose score or rank moved. The write is one transaction: a worker killed in
the middle leaves the previous results as they were."""

import math

import polars as pl
from django.db import transaction
from django.utils import timezone

from barometre.accounts import journal
from barometre.campaigns.lifecycle import Refused, can_run
from barometre.campaigns.models import Answer, AuditTask, Edition
from barometre.campaigns.transfer import answers_frame
from barometre.core.background import stale
from barometre.engine import (
    EditionResults,
    EngineError,
    MeasureType,
    compare_editions,
    mask_personal_data,
    score_edition,
)
from barometre.results.models import ResultSet, StructureResult
from barometre.structures.models import Structure

MOVE_THRESHOLD = 0.05  # points; smaller differences are rounding noise
OBSERVATIONS_PER_STRUCTURE = 40


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def request_computation(edition: Edition, *, by) -> ResultSet:
    """Queue a computation: reuse the draft result set, or open the next version."""
    from barometre.results.tasks import compute_results

    if not can_run(by, edition):
        raise Refused(["seuls ceux qui conduisent l'édition calculent ses résultats"])
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
            result_set.save(update_fields=["status", "step", "error", "requested_by",
                                           "heartbeat"])  # fmt: skip
        else:
            result_set = ResultSet.objects.create(
                edition=edition, version=(latest.version + 1) if latest else 1,
                grid=edition.grid, requested_by=by,
            )  # fmt: skip
    compute_results.enqueue(result_set.pk)
    return result_set


def _step(result_set: ResultSet, text: str, status: str = ResultSet.Status.COMPUTING) -> None:
    ResultSet.objects.filter(pk=result_set.pk).update(step=text, status=status,
                                                      heartbeat=timezone.now())  # fmt: skip


def compute(result_set: ResultSet) -> ResultSet:
    edition = result_set.edition
    _step(result_set, "Lecture des audits validés")
    frame = answers_frame(edition)
    _step(result_set, f"Calcul des scores ({frame.height} réponses)")
    try:
        results = score_edition(edition.grid.parsed(), frame)
    except EngineError as exc:
        ResultSet.objects.filter(pk=result_set.pk).update(
            status=ResultSet.Status.FAILED, error=str(exc)[:5000], step=""
        )
        return ResultSet.objects.get(pk=result_set.pk)
    _step(result_set, "Enregistrement")
    by_identifier = dict(
        Structure.objects.filter(identifier__in=results.structures["structure"].to_list())
        .values_list("identifier", "pk")
    )  # fmt: skip
    detail = {sid: {"channels": {}, "stages": {}, "determinants": {}, "criteria": {}}
              for sid in by_identifier}  # fmt: skip
    for frame_name, key in (("channels", "channel"), ("stages", "stage"),
                            ("determinants", "determinant")):  # fmt: skip
        for row in getattr(results, frame_name).iter_rows(named=True):
            detail[row["structure"]][frame_name][row[key]] = _clean(row["score"])
    for row in results.criteria.iter_rows(named=True):
        detail[row["structure"]]["criteria"][row["criterion"]] = _clean(row["points"])
    for row in results.channels.iter_rows(named=True):
        detail[row["structure"]].setdefault("channel_audits", {})[row["channel"]] = row["audits"]
    for identifier, notes in _observations(edition).items():
        if identifier in detail:
            detail[identifier]["observations"] = notes
    _step(result_set, "Évolution depuis l'édition précédente")
    evolution = _evolution(edition, frame)
    for row in evolution.get("rows", []):
        if row["structure"] in detail:
            detail[row["structure"]]["evolution"] = {
                k: _clean(row[k]) for k in ("previous", "current", "change")
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
                result_set=locked, structure_id=by_identifier[row["structure"]],
                category=row["category"] or "", score=row["global"],
                score_low=row["score_low"], score_high=row["score_high"],
                audits=row["audits"], coverage=row["coverage"], eligible=bool(row["eligible"]),
                rank=row["rank"], rank_low=row["rank_low"], rank_high=row["rank_high"],
                p_first=_clean(row["p_first"]), tied_with_leader=row["tied_with_leader"],
                details=detail[row["structure"]],
            )
            for row in results.structures.iter_rows(named=True)
        )  # fmt: skip
        locked.categories = [{k: _clean(v) for k, v in row.items()}
                             for row in results.categories.iter_rows(named=True)]  # fmt: skip
        locked.key_figures = [
            {"id": spec.id, "label": spec.label, "unit": spec.unit, "value": _clean(e.value),
             "low": _clean(e.low), "high": _clean(e.high), "numerator": e.numerator,
             "denominator": e.denominator}
            for spec, e in results.key_figures
        ]  # fmt: skip
        locked.auditors = [{k: _clean(v) for k, v in row.items()}
                           for row in results.auditors.iter_rows(named=True)]  # fmt: skip
        locked.agreement = [{k: _clean(v) for k, v in row.items()}
                            for row in results.agreement.iter_rows(named=True)]  # fmt: skip
        locked.audit_ids = audit_ids
        locked.benchmarks = _benchmarks(results)
        locked.evolution = {k: v for k, v in evolution.items() if k != "rows"}
        locked.grid = edition.grid
        locked.changes = _changes(locked)
        locked.status, locked.step, locked.error = ResultSet.Status.READY, "", ""
        locked.computed_at = timezone.now()
        locked.save()
    return locked


def _benchmarks(results: EditionResults) -> dict:
    """Mean and number of structures per category (and "(national)") for every channel,
    stage, determinant and criterion: what a structure's dashboard compares itself to."""
    categories = results.structures.select(
        "structure", pl.col("category").fill_null("").alias("category")
    )
    out: dict[str, dict] = {}
    for name, key, value in (("channels", "channel", "score"), ("stages", "stage", "score"),
                             ("determinants", "determinant", "score"),
                             ("criteria", "criterion", "points")):  # fmt: skip
        frame = getattr(results, name).join(categories, on="structure")
        scopes = [("(national)", frame), *((c, g) for (c,), g in frame.group_by("category"))]
        for scope, part in scopes:
            means = part.group_by(key).agg(pl.col(value).mean().alias("mean"), pl.len().alias("n"))
            out.setdefault(scope, {})[name] = {
                row[key]: {"mean": _clean(row["mean"]), "n": row["n"]}
                for row in means.iter_rows(named=True)
            }
    return out


def _observations(edition: Edition) -> dict[str, list[dict]]:
    """Auditors' free-text observations per structure, personal data masked."""
    grid = edition.grid.parsed()
    text_ids = [c.id for c in grid.criteria if c.measure.type == MeasureType.TEXT]
    rows = (
        Answer.objects.filter(task__edition=edition, task__status=AuditTask.Status.VALIDATED,
                              task__double_of__isnull=True, criterion__in=text_ids)
        .exclude(value="")
        .order_by("task__scheduled_at", "pk")
        .values_list("task__structure__identifier", "task__channel", "task__scheduled_at",
                     "value")
    )  # fmt: skip
    out: dict[str, list[dict]] = {}
    for identifier, channel, when, value in rows.iterator():
        notes = out.setdefault(identifier, [])
        if len(notes) < OBSERVATIONS_PER_STRUCTURE:
            notes.append({"channel": channel, "date": timezone.localdate(when).isoformat(),
                          "text": mask_personal_data(value.strip())[:2000]})  # fmt: skip
    return out


def previous_result_set(edition: Edition) -> ResultSet | None:
    """The latest published results of an earlier edition run by the same owner."""
    return (
        ResultSet.objects.filter(edition__owner_id=edition.owner_id, edition__year__lt=edition.year,
                                 status=ResultSet.Status.READY, published_at__isnull=False)
        .select_related("edition__grid", "grid")
        .order_by("-edition__year", "-version")
        .first()
    )  # fmt: skip


def _evolution(edition: Edition, frame: pl.DataFrame) -> dict:
    """Scores of both editions recomputed on the criteria they share, for the structures
    audited in both: a change of grid does not pass for a change of quality."""
    previous = previous_result_set(edition)
    if previous is None:
        return {}
    old_frame = answers_frame(previous.edition)
    base = {"edition": previous.edition.name, "year": previous.edition.year,
            "version": previous.version, "participants": previous.structures.count()}  # fmt: skip
    if old_frame.height == 0:
        return base
    try:
        table = compare_editions(previous.grid.parsed(), old_frame, edition.grid.parsed(), frame)
    except EngineError:
        return base
    if table.height == 0:
        return base | {"structures": 0, "shared_criteria": 0}
    return base | {
        "structures": table.height,
        "shared_criteria": int(table["shared_criteria"][0]),
        "previous": _clean(float(table["previous"].mean())),
        "current": _clean(float(table["current"].mean())),
        "change": _clean(float(table["change"].mean())),
        "rows": table.to_dicts(),
    }  # fmt: skip


def _changes(result_set: ResultSet) -> list[dict]:
    """What moved since the last published version (scores and ranks)."""
    published = (
        ResultSet.objects.filter(edition=result_set.edition, published_at__isnull=False)
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
            moved.append({"structure": now.structure.name, "before": old.score,
                          "after": now.score, "rank_before": old.rank,
                          "rank_after": now.rank})  # fmt: skip
    moved += [{"structure": old.structure.name, "before": old.score, "after": None}
              for old in before.values()]  # fmt: skip
    return moved


def publish(result_set: ResultSet, *, by) -> ResultSet:
    if not can_run(by, result_set.edition):
        raise Refused(["seuls ceux qui conduisent l'édition publient ses résultats"])
    if result_set.status != ResultSet.Status.READY:
        raise Refused(["seuls des résultats calculés se publient"])
    if ResultSet.objects.filter(pk=result_set.pk, published_at__isnull=True).update(
        published_at=timezone.now()
    ):
        journal.record(journal.Kind.RESULTS_PUBLISHED, result_set, actor=by,
                       edition=result_set.edition_id, version=result_set.version)  # fmt: skip
    return ResultSet.objects.get(pk=result_set.pk)
