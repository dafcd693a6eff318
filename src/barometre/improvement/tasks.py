from django.tasks import task


@task
def send_feedback_reminders() -> int:
    """The daily sweep: reminders for entries overdue or due within two working days."""
    from barometre.improvement.register import send_reminders

    return send_reminders()


@task
def send_acknowledgement(entry_id: int) -> None:
    from barometre.improvement.models import FeedbackEntry
    from barometre.improvement.register import acknowledgement_email

    acknowledgement_email(FeedbackEntry.objects.select_related("structure").get(pk=entry_id))
