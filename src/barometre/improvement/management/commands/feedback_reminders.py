from django.core.management.base import BaseCommand

from barometre.core.figures import count_of, plural
from barometre.improvement.tasks import send_feedback_reminders


class Command(BaseCommand):
    help = (
        "Relance par courriel les personnes en charge des réclamations en retard ou à "
        "échéance sous deux jours ouvrés (une fois par jour et par fiche). À lancer chaque "
        "jour ouvré, par exemple depuis cron ou un minuteur systemd."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", action="store_true", help="Confier l'envoi au traitement en arrière-plan."
        )

    def handle(self, *args, queue=False, **options):
        if queue:
            send_feedback_reminders.enqueue()
            self.stdout.write("Relances confiées au traitement en arrière-plan.")
            return
        count = send_feedback_reminders.call()
        self.stdout.write(f"{count_of(count, 'fiche')} relancée{plural(count)}.")
