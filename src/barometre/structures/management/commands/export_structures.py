from pathlib import Path

from django.core.management.base import BaseCommand

from barometre.core.figures import count_of, plural
from barometre.structures.exporting import export_structures
from barometre.structures.models import Structure


class Command(BaseCommand):
    help = "Exporte le registre des structures en XLSX (par défaut) ou CSV selon l'extension."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier à écrire : .xlsx ou .csv")

    def handle(self, *args, file, **options):
        path = Path(file)
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
        path.write_bytes(export_structures(Structure.objects.all(), fmt))
        n = Structure.objects.count()
        self.stdout.write(f"{count_of(n, 'structure')} exportée{plural(n)} dans {path}.")
