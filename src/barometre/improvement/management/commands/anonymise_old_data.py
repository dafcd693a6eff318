from django.conf import settings
from django.core.management.base import BaseCommand

from barometre.core.disk import purge_temporary_files
from barometre.core.figures import count_of, plural
from barometre.improvement.mailings import close_due
from barometre.improvement.retention import anonymise, cutoff


class Command(BaseCommand):
    help = (
        "Anonymise les réclamations et suggestions et efface les commentaires d'enquête plus "
        "anciens que BAROMETRE_RETENTION_DAYS (RGPD), clôt les envois d'invitations par "
        "courriel dont la date de clôture est passée (leurs adresses sont effacées) et "
        "supprime les fichiers temporaires abandonnés par un processus arrêté. À lancer "
        "chaque jour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Compter seulement, sans rien modifier."
        )

    def handle(self, *args, dry_run=False, **options):
        counts = anonymise(dry_run=dry_run)
        verb = "seraient anonymisées" if dry_run else "anonymisées"
        self.stdout.write(
            f"Avant le {cutoff():%d/%m/%Y} ({settings.BAROMETRE_RETENTION_DAYS} jours) : "
            f"{count_of(counts['feedback'], 'fiche')} {verb}, "
            f"{count_of(counts['comments'], 'commentaire')} "
            f"{'seraient effacés' if dry_run else 'effacés'}."
        )
        if not dry_run:
            closed = close_due()
            self.stdout.write(
                f"{closed} envoi{plural(closed)} d'invitations clos, adresses effacées."
            )
            removed = purge_temporary_files()
            s = plural(removed)
            self.stdout.write(f"{removed} fichier{s} temporaire{s} abandonné{s} supprimé{s}.")
