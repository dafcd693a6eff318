from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from barometre.core.figures import count_of
from barometre.core.uploads import import_limits
from barometre.improvement.experiences import apply_experiences, plan_experiences
from barometre.structures.identifiers import normalize_identifier
from barometre.structures.models import Structure


class Command(BaseCommand):
    help = (
        "Vérifie un export des expériences Services Publics+ (CSV ou XLSX) pour une structure "
        "et affiche le rapport ; avec --commit, les enregistre au registre, tout ou rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin de l'export des expériences")
        parser.add_argument(
            "--structure", required=True, help="Identifiant (SIRET ou code INSEE) de la structure"
        )
        parser.add_argument(
            "--commit", action="store_true", help="Enregistrer (par défaut : simple vérification)"
        )

    def handle(self, *args, file, structure, commit, **options):
        console = Console(file=self.stdout._out, highlight=False, width=120)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        found = Structure.objects.filter(identifier=normalize_identifier(structure)).first()
        if found is None:
            raise CommandError(f"Aucune structure d'identifiant {structure}.")
        plan = plan_experiences(path.read_bytes(), path.name, found, **import_limits())
        if plan.problems:
            table = Table(
                title=f"{count_of(len(plan.problems), 'problème')} : rien n'a été enregistré"
            )
            for header in ("Ligne", "Colonne", "Valeur", "Raison"):
                table.add_column(header)
            for p in plan.problems:
                row = str(p.row) if p.row is not None else "—"
                table.add_row(row, p.column or "—", p.value, p.message)
            console.print(table)
            raise CommandError("Le fichier contient des erreurs ; corrigez-les puis relancez.")
        console.print(
            f"{count_of(len(plan.items), 'expérience')} pour {found.in_sentence} : "
            f"{count_of(plan.count('create'), 'nouvelle')}, "
            f"{count_of(plan.count('answer'), 'répondue')} depuis le dernier import, "
            f"{plan.count('unchanged')} déjà au registre."
        )
        if not commit:
            console.print("Vérification seulement : relancez avec --commit pour enregistrer.")
            return
        apply_experiences(plan, found)
        console.print("Expériences enregistrées au registre.")
