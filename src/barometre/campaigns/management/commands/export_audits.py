from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from barometre.accounts import journal
from barometre.campaigns.models import Edition
from barometre.campaigns.transfer import export_audits


class Command(BaseCommand):
    help = (
        "Exporte les audits validés d'une édition au format long (XLSX ou CSV selon l'extension)."
    )

    def add_arguments(self, parser):
        parser.add_argument("edition", type=int, help="Numéro de l'édition")
        parser.add_argument("file", help="Fichier à écrire : .xlsx ou .csv")

    def handle(self, *args, edition, file, **options):
        found = Edition.objects.filter(pk=edition).first()
        if found is None:
            raise CommandError(f"Édition {edition} introuvable.")
        path = Path(file)
        path.write_bytes(export_audits(found, "csv" if path.suffix.lower() == ".csv" else "xlsx"))
        journal.record(
            journal.Kind.PERSONAL_EXPORT,
            f"Audits de {found}",
            edition=found.pk,
            file=str(path),
            via="commande",
        )
        self.stdout.write(f"Audits validés de « {found} » exportés dans {path}.")
