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


@task
def deliver_mailing(mailing_id: int, reminder: bool) -> int:
    """The e-mails of a survey mailing (or of its reminder), sent in the background."""
    from barometre.improvement.mailings import deliver

    return deliver(mailing_id, reminder=reminder)
