from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from barometre.core.console import progress_bar
from barometre.core.figures import count_of, plural
from barometre.core.uploads import import_limits
from barometre.structures.importing import apply_import, plan_import


class Command(BaseCommand):
    help = (
        "Vérifie un fichier de structures (XLSX ou CSV) et affiche le rapport ; "
        "avec --commit, enregistre tout ou rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du fichier XLSX ou CSV")
        parser.add_argument(
            "--commit", action="store_true", help="Enregistrer (par défaut : simple vérification)"
        )

    def handle(self, *args, file, commit, **options):
        console = Console(file=self.stdout._out, highlight=False)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        plan = plan_import(path.read_bytes(), path.name, **import_limits())
        if plan.problems:
            table = Table(
                title=f"{count_of(len(plan.problems), 'problème')} : rien n'a été enregistré"
            )
            for header in ("Ligne", "Colonne", "Valeur", "Raison"):
                table.add_column(header)
            for p in plan.problems:
                table.add_row(
                    str(p.row) if p.row is not None else "—", p.column or "—", p.value, p.message
                )
            console.print(table)
            raise CommandError("Le fichier contient des erreurs ; corrigez-les puis relancez.")
        summary = (
            f"{count_of(len(plan.items), 'ligne')} valide{plural(len(plan.items))} : "
            f"{count_of(plan.count_create, 'création')}, "
            f"{count_of(plan.count_update, 'mise', ' à jour')}, "
            f"{count_of(plan.count_unchanged, 'inchangée')}."
        )
        console.print(summary)
        if not commit:
            console.print("Vérification seulement : relancez avec --commit pour enregistrer.")
            return
        with progress_bar(console, len(plan.items)) as step:
            apply_import(plan, progress=step)
        console.print("Import enregistré.")
