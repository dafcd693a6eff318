"""RGPD retention: after ``BAROMETRE_RETENTION_DAYS`` a feedback entry loses its contact
details, its content and its answer text (the subject is masked), and survey comments are
erased. What the figures need — kind, channel, dates, deadlines, status — stays."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from barometre.accounts import journal
from barometre.improvement.models import FeedbackEntry, SurveyResponse
from barometre.improvement.register import masked_text

ERASED = "[contenu anonymisé]"


def cutoff(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=settings.BAROMETRE_RETENTION_DAYS)


def anonymise(*, today: dt.date | None = None, dry_run: bool = False) -> dict[str, int]:
    today = today or timezone.localdate()
    limit = cutoff(today)
    entries = FeedbackEntry.objects.filter(received_on__lt=limit, anonymised_on__isnull=True)
    comments = SurveyResponse.objects.filter(answered_on__lt=limit).exclude(comment="")
    counts = {"feedback": entries.count(), "comments": comments.count()}
    if dry_run:
        return counts
    with transaction.atomic():
        for entry in entries.select_for_update().only("pk", "subject", "answer", "contact_name"):
            subject = masked_text(entry.subject, entry.contact_name, limit=200)
            FeedbackEntry.objects.filter(pk=entry.pk).update(
                subject=subject,
                subject_masked=subject,
                description=ERASED,
                description_masked=ERASED,
                answer_masked=ERASED if entry.answer else "",
                answer=ERASED if entry.answer else "",
                contact_name="",
                contact_email="",
                anonymised_on=today,
            )
        comments.update(comment="")
        if counts["feedback"] or counts["comments"]:
            journal.record(
                journal.Kind.ANONYMISED, f"Données antérieures au {limit:%d/%m/%Y}", **counts
            )
    return counts
