import datetime as dt
import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

logger = logging.getLogger(__name__)
# The daily commands, in this order (each one's failure is logged, the next ones still run).
DAILY = ["close_unanswered_audits", "feedback_reminders", "anonymise_old_data", "purge_exports"]


def next_run(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The next moment at ``at`` (local time) strictly after ``now``."""
    local = timezone.localtime(now)
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate = (candidate + dt.timedelta(days=1)).replace(hour=at.hour, minute=at.minute)
    return candidate


class Command(BaseCommand):
    help = (
        "Lance les commandes quotidiennes (" + ", ".join(DAILY) + "). Avec --every-day-at "
        "HH:MM, reste lancée et les exécute chaque jour à cette heure : le processus « clock » "
        "d'un Procfile. Une seule pour toute la plateforme ; avec systemd, préférez les "
        "minuteries de deploy/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every-day-at", metavar="HH:MM", default="")

    def handle(self, *args, every_day_at="", **options):
        if not every_day_at:
            self.run_all()
            return
        try:
            at = dt.time.fromisoformat(every_day_at)
        except ValueError:
            raise CommandError(
                f"--every-day-at attend une heure HH:MM, pas {every_day_at!r}."
            ) from None
        while True:
            when = next_run(timezone.now(), at)
            self.stdout.write(f"Prochaine exécution : {when:%d/%m/%Y %H:%M}.")
            time.sleep(max(0.0, (when - timezone.now()).total_seconds()))
            self.run_all()

    def run_all(self) -> None:
        for name in DAILY:
            self.stdout.write(f"== {name}")
            try:
                call_command(name, stdout=self.stdout, stderr=self.stderr)
            except Exception:  # one command's failure does not skip the next ones
                logger.exception("La commande quotidienne %s a échoué", name)
