from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from barometre.core.figures import count_of, plural
from barometre.core.uploads import import_limits
from barometre.structures.populations import apply_populations, plan_populations

SHOWN = 30


class Command(BaseCommand):
    help = (
        "Lit un fichier INSEE (populations de référence, ou communes du COG) et affiche le "
        "rapport ; avec --commit, enregistre les populations municipales, tout ou rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="donnees_communes.csv ou v_commune_AAAA.csv")
        parser.add_argument(
            "--commit", action="store_true", help="Enregistrer (par défaut : simple vérification)"
        )

    def handle(self, *args, file, commit, **options):
        console = Console(file=self.stdout._out, highlight=False, width=120)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        plan = plan_populations(path.read_bytes(), path.name, **import_limits())
        if plan.problems:
            for problem in plan.problems[:SHOWN]:
                console.print(str(problem))
            raise CommandError(
                f"{count_of(len(plan.problems), 'problème')} : rien n'a été enregistré."
            )
        if plan.kind == "populations":
            console.print(
                f"{len(plan.populations)} communes lues : "
                f"{count_of(len(plan.changes), 'population')} à mettre à jour, "
                f"{count_of(plan.unchanged, 'inchangée')}."
            )
            table = Table(title="Populations mises à jour")
            for header in ("Structure", "Avant", "Après"):
                table.add_column(header)
            for structure, old, new in plan.changes[:SHOWN]:
                table.add_row(structure.name, "—" if old is None else str(old), str(new))
            if plan.changes:
                console.print(table)
        else:
            console.print(f"{len(plan.in_force)} communes en vigueur dans le COG.")
        console.print(f"{count_of(len(plan.unmatched), 'code')} sans structure au registre.")
        if plan.gone:
            table = Table(title="Structures dont le code n'est plus celui d'une commune")
            for header in ("Structure", "Identifiant", "Raison"):
                table.add_column(header)
            for structure, why in plan.gone[:SHOWN]:
                table.add_row(structure.name, structure.identifier, why)
            console.print(table)
        if plan.kind != "populations":
            console.print("Ce fichier ne donne pas de populations : rien à enregistrer.")
            return
        if not commit:
            console.print("Vérification seulement : relancez avec --commit pour enregistrer.")
            return
        n = apply_populations(plan)
        console.print(f"{count_of(n, 'population')} enregistrée{plural(n)}.")
