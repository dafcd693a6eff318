from django.core.management.base import BaseCommand

from barometre.campaigns.models import Edition
from barometre.campaigns.workflow import close_unanswered
from barometre.core.figures import count_of


class Command(BaseCommand):
    help = (
        "Clôt en « sans réponse » les audits (courriel, courrier, réseaux sociaux) encore en "
        "attente après la fin du terrain. À planifier chaque jour (cron ou tâche)."
    )

    def handle(self, *args, **options):
        total = 0
        for edition in Edition.objects.filter(status__in=["fieldwork", "validation"]):
            closed = close_unanswered(edition)
            if closed:
                self.stdout.write(f"{edition} : {count_of(closed, 'audit')} clos sans réponse.")
            total += closed
        self.stdout.write(f"{count_of(total, 'audit')} clos au total.")
