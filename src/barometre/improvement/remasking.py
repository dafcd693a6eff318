"""The masked copies of stored free texts, made again: for the texts stored before the
copies existed, and whenever the masking rules or the model change (``barometre
remask-texts``). In batches, one transaction per batch, with progress."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from barometre.engine import mask_names
from barometre.improvement.models import Decision, FeedbackEntry, Statement, SurveyResponse
from barometre.improvement.register import SUBJECT_MASKED_MAX, masked_text

BATCH = 200
ENTRY_FIELDS = ("subject_masked", "description_masked", "answer_masked")


def remask(
    *, only_missing: bool = False, batch: int = BATCH, progress: Callable | None = None
) -> dict[str, int]:
    """Masks again the register entries' texts and the committee minutes (their masked
    copies) and the survey comments (stored masked, without their original: masking them
    again only masks more). With ``only_missing``, only the texts whose copies were never
    made. ``progress(done, total)`` is called after each batch."""
    entries, statements, decisions, comments = to_remask(only_missing=only_missing)
    total = sum(rows.count() for rows in (entries, statements, decisions, comments))
    counts = {"feedback": 0, "minutes": 0, "comments": 0}
    done = 0
    for kind, rows, work in (
        ("feedback", entries, _entries),
        ("minutes", statements, _statements),
        ("minutes", decisions, _decisions),
        ("comments", comments, _comments),
    ):
        last = 0
        while True:
            chunk = list(rows.filter(pk__gt=last)[:batch])
            if not chunk:
                break
            with transaction.atomic():
                counts[kind] += work(chunk)
            last = chunk[-1].pk
            done += len(chunk)
            if progress:
                progress(done, total)
    return counts


def to_remask(*, only_missing: bool = False):
    """The entries, statements, decisions and survey responses whose texts ``remask``
    reads."""
    entries = FeedbackEntry.objects.order_by("pk")
    statements = Statement.objects.order_by("pk")
    decisions = Decision.objects.order_by("pk")
    comments = SurveyResponse.objects.exclude(comment="").order_by("pk")
    if only_missing:
        return (
            entries.filter(subject_masked="").exclude(subject=""),
            statements.filter(text_masked="").exclude(text=""),
            decisions.filter(text_masked="").exclude(text=""),
            comments.none(),
        )
    return entries, statements, decisions, comments


def _entries(chunk: list[FeedbackEntry]) -> int:
    changed = []
    for entry in chunk:
        copies = {
            "subject_masked": masked_text(
                entry.subject, entry.contact_name, limit=SUBJECT_MASKED_MAX
            ),
            "description_masked": masked_text(entry.description, entry.contact_name),
            "answer_masked": masked_text(entry.answer, entry.contact_name),
        }
        if any(getattr(entry, name) != value for name, value in copies.items()):
            for name, value in copies.items():
                setattr(entry, name, value)
            changed.append(entry)
    FeedbackEntry.objects.bulk_update(changed, ENTRY_FIELDS)
    return len(changed)


def _statements(chunk: list[Statement]) -> int:
    return _copies(Statement, chunk, ("text", "answer"))


def _decisions(chunk: list[Decision]) -> int:
    return _copies(Decision, chunk, ("text",))


def _copies(model, chunk: list, names: tuple[str, ...]) -> int:
    changed = []
    for item in chunk:
        copies = {f"{name}_masked": mask_names(getattr(item, name)) for name in names}
        if any(getattr(item, name) != value for name, value in copies.items()):
            for name, value in copies.items():
                setattr(item, name, value)
            changed.append(item)
    model.objects.bulk_update(changed, [f"{name}_masked" for name in names])
    return len(changed)


def _comments(chunk: list[SurveyResponse]) -> int:
    changed = []
    for response in chunk:
        comment = mask_names(response.comment)
        if comment != response.comment:
            response.comment = comment
            changed.append(response)
    SurveyResponse.objects.bulk_update(changed, ["comment"])
    return len(changed)
