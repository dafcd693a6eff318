from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from barometre.core.console import progress_bar
from barometre.core.figures import count_of, plural
from barometre.core.uploads import import_limits
from barometre.engine import normalize_department
from barometre.structures.annuaire import DECISIONS, plan_annuaire
from barometre.structures.importing import apply_import
from barometre.structures.models import StructureImport


class Command(BaseCommand):
    help = (
        "Vérifie un fichier JSON de l'Annuaire de l'administration (API ou fichier complet) "
        "et affiche le rapport ; avec --commit, enregistre tout ou rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du fichier JSON de l'Annuaire")
        parser.add_argument(
            "--type",
            default="",
            help="Types de guichet à garder, séparés par des virgules (mairie,prefecture,ccas…)",
        )
        parser.add_argument("--departement", default="", help="Un seul département (45, 2A, 988…)")
        parser.add_argument(
            "--confirmer",
            default="",
            help="Rapprochements probables à confirmer (même structure) : numéros de fiche "
            "séparés par des virgules, ou « toutes »",
        )
        parser.add_argument(
            "--refuser",
            default="",
            help="Rapprochements probables à refuser (structure distincte) : numéros de fiche "
            "séparés par des virgules, ou « toutes »",
        )
        parser.add_argument(
            "--commit", action="store_true", help="Enregistrer (par défaut : simple vérification)"
        )

    def handle(self, *args, file, type, departement, confirmer, refuser, commit, **options):
        console = Console(file=self.stdout._out, highlight=False, width=120)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        department = None
        if departement:
            department = normalize_department(departement)
            if department is None:
                raise CommandError(f"Département inconnu : {departement} (ex. 45, 2A, 974, 988)")
        types = [t.strip() for t in type.split(",") if t.strip()]
        content = path.read_bytes()
        plan = plan_annuaire(
            content, path.name, types=types, department=department, **import_limits()
        )
        if plan.matches:
            decisions = _decisions(plan, confirmer, "confirm") | _decisions(plan, refuser, "reject")
            plan = plan_annuaire(
                content,
                path.name,
                types=types,
                department=department,
                decisions=decisions,
                **import_limits(),
            )
        _report(console, plan)
        if plan.problems:
            raise CommandError("Le fichier contient des erreurs : rien n'a été enregistré.")
        if plan.undecided and commit:
            numbers = ",".join(str(match.number) for match in plan.undecided)
            many = plural(len(plan.undecided))
            raise CommandError(
                f"Rapprochement{many} à décider, fiche{many} {numbers} : relancez avec --confirmer "
                "ou --refuser et leurs numéros. Rien n'a été enregistré."
            )
        if not commit:
            console.print("Vérification seulement : relancez avec --commit pour enregistrer.")
            return
        with progress_bar(console, len(plan.items)) as step:
            counts = apply_import(plan, progress=step)
        StructureImport.objects.create(
            file_name=path.name[:255],
            content=b"",  # the file stays where it is; the import keeps its attribution
            source=StructureImport.Source.ANNUAIRE,
            options={
                "types": types,
                "department": department,
                **(
                    {"decisions": {m.record_id: m.decision for m in plan.matches}}
                    if plan.matches
                    else {}
                ),
            },
            attribution=plan.attribution,
            status=StructureImport.Status.DONE,
            result=counts,
            progress_done=len(plan.items),
            progress_total=len(plan.items),
            finished_at=timezone.now(),
        )
        console.print("Import enregistré.")


def _decisions(plan, numbers: str, decision: str) -> dict[str, str]:
    """The record ids of the matches named by their record's number (or « toutes »)."""
    wanted = {n.strip() for n in numbers.split(",") if n.strip()}
    every = bool(wanted & {"toutes", "tout", "all"})
    return {
        match.record_id: decision for match in plan.matches if every or str(match.number) in wanted
    }


# Rows of each table of the report shown in a terminal.
SHOWN = 50


def _more(console: Console, count: int) -> None:
    if count > SHOWN:
        console.print(
            f"… et {count - SHOWN} autre{plural(count - SHOWN)} : le rapport complet est sur la "
            "page d'import."
        )


def _report(console: Console, plan) -> None:
    if plan.problems:
        table = Table(title=f"{count_of(len(plan.problems), 'problème')} : rien n'a été enregistré")
        for header in ("Fiche", "Champ", "Valeur", "Raison"):
            table.add_column(header)
        for p in plan.problems:
            row = str(p.row) if p.row is not None else "—"
            table.add_row(row, p.column or "—", p.value, p.message)
        console.print(table)
        return
    console.print(
        f"{count_of(len(plan.items), 'fiche')} à importer : "
        f"{count_of(plan.count_create, 'création')}, "
        f"{count_of(plan.count_update, 'mise', ' à jour')}, "
        f"{count_of(plan.count_unchanged, 'inchangée')}, "
        f"{plan.count_pending} à rapprocher ; "
        f"{count_of(len(plan.skipped), 'écartée')}, {plan.filtered_out} hors des critères."
    )
    if plan.skipped:
        table = Table(title="Fiches écartées")
        for header in ("Fiche", "Nom", "Raison"):
            table.add_column(header)
        for s in plan.skipped[:SHOWN]:
            table.add_row(str(s.number), s.name, s.reason)
        console.print(table)
        _more(console, len(plan.skipped))
    if plan.matches:
        table = Table(title="Rapprochements probables (--confirmer / --refuser N°)")
        for header in (
            "Fiche",
            "Fiche de l'Annuaire",
            "Structure du registre",
            "Pourquoi",
            "Décision",
        ):
            table.add_column(header)
        for match in plan.matches[:SHOWN]:
            structure = match.structure
            table.add_row(
                str(match.number),
                f"{match.record_name}\n{match.record_city}",
                f"{structure.name}\n{structure.city}, {structure.identifier}",
                f"{match.reason} ; ressemblance des noms : {match.similarity} %",
                DECISIONS.get(match.decision, "à décider"),
            )
        console.print(table)
        _more(console, len(plan.matches))
    if plan.with_notes:
        table = Table(title="Règles appliquées")
        for header in ("Fiche", "Nom", "Règle"):
            table.add_column(header)
        for item in plan.with_notes[:SHOWN]:
            table.add_row(str(item.row), str(item.fields["name"]), "\n".join(item.notes))
        console.print(table)
        _more(console, len(plan.with_notes))
    console.print(f"Source : {plan.attribution}")
