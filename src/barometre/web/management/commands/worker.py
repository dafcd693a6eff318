from django_tasks_db.management.commands import db_worker

from barometre.web.worker import ResilientWorker


class Command(db_worker.Command):
    help = (
        "Exécute les tâches de fond et survit aux redémarrages de la base de données "
        "(reconnexion avec attente croissante)."
    )

    def handle(self, **options):
        # django-tasks-db builds its Worker inside handle(): give it ours instead.
        original = db_worker.Worker
        db_worker.Worker = ResilientWorker
        try:
            super().handle(**options)
        finally:
            db_worker.Worker = original
