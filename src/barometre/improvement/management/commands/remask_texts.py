from django.core.management.base import BaseCommand
from rich.console import Console

from barometre.core.console import progress_bar
from barometre.core.figures import count_of, plural
from barometre.improvement.remasking import BATCH, remask, to_remask


class Command(BaseCommand):
    help = (
        "Masque à nouveau les textes libres enregistrés (réclamations et suggestions, "
        "comptes rendus du comité des usagers, commentaires d'enquête) : noms de personne, "
        "courriels, téléphones et adresses. À lancer après une mise à jour qui change les "
        "règles ou le modèle de masquage, et une fois après la migration qui a ajouté les "
        "copies masquées (--missing)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Seulement les fiches dont la copie masquée n'a jamais été faite.",
        )
        parser.add_argument("--batch", type=int, default=BATCH, help="Textes par lot.")

    def handle(self, *args, missing=False, batch=BATCH, **options):
        console = Console(file=self.stdout._out, highlight=False, width=120)
        total = sum(rows.count() for rows in to_remask(only_missing=missing))
        with progress_bar(console, total, "Masquage") as step:
            counts = remask(only_missing=missing, batch=batch, progress=step)
        console.print(
            f"{count_of(counts['feedback'], 'fiche')}, {counts['minutes']} propos ou "
            f"décision{plural(counts['minutes'])} de comité et "
            f"{count_of(counts['comments'], 'commentaire')} d'enquête masqués à nouveau (les "
            "autres étaient déjà à jour)."
        )
