from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from barometre.accounts.models import User
from barometre.campaigns.models import Edition
from barometre.campaigns.transfer import apply_audit_import, plan_audit_import
from barometre.core.figures import count_of, plural


class Command(BaseCommand):
    help = (
        "Vérifie un fichier d'audits (format long) pour une édition et affiche chaque "
        "problème ; avec --commit, enregistre tout ou rien (audits soumis à validation)."
    )

    def add_arguments(self, parser):
        parser.add_argument("edition", type=int, help="Numéro de l'édition")
        parser.add_argument("file", help="Fichier XLSX ou CSV")
        parser.add_argument("--commit", action="store_true", help="Enregistrer")
        parser.add_argument("--as", dest="operator", default="", help="Opérateur responsable")

    def handle(self, *args, edition, file, commit, operator, **options):
        found = Edition.objects.filter(pk=edition).first()
        if found is None:
            raise CommandError(f"Édition {edition} introuvable.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        plan = plan_audit_import(found, path.read_bytes(), path.name)
        # The plan, whatever the problems: how much the file would write.
        self.stdout.write(
            f"{count_of(len(plan.audits), 'audit')} et "
            f"{count_of(plan.answer_count, 'réponse')} lus dans le fichier."
        )
        if plan.problems:
            for problem in plan.problems:
                self.stdout.write(f"  {problem}")
            raise CommandError(
                f"{count_of(len(plan.problems), 'problème')} : rien n'a été enregistré."
            )
        n = len(plan.audits)
        self.stdout.write(f"{count_of(n, 'audit')} valide{plural(n)}.")
        if not commit:
            self.stdout.write("Vérification seulement : relancez avec --commit pour enregistrer.")
            return
        user = User.objects.filter(username=operator).first() if operator else None
        counts = apply_audit_import(found, plan, by=user)
        self.stdout.write(f"{count_of(counts['created'], 'créé')}, {counts['updated']} mis à jour.")
