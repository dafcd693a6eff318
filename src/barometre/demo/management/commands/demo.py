from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse

from barometre.core.errors import Refused
from barometre.demo.build import DEMO_STRUCTURE, build_demo
from barometre.demo.data import DEMO_PASSWORD
from barometre.structures.models import Structure


class Command(BaseCommand):
    help = "Prépare la base de démonstration (migrations, données) puis lance l'application."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Préparer sans lancer")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Adresse d'écoute")

    def handle(self, *args, no_serve, addr, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Base de données à jour.")
        try:
            summary = build_demo(say=lambda text: self.stdout.write(text))
        except Refused as exc:
            self.stderr.write(f"Démonstration incomplète : {exc}")
            raise SystemExit(1) from None
        total = sum(seconds for _, seconds in summary.timings)
        self.stdout.write(
            f"\n{summary.structures} structures, {summary.auditors} enquêteurs, "
            f"{summary.audits} audits validés sur "
            f"{len(summary.editions)} éditions publiées ({total:.0f} s)."
        )
        if summary.fieldwork:
            tasks = summary.fieldwork.tasks
            submitted = tasks.filter(status="submitted").count()
            self.stdout.write(
                f"Édition « {summary.fieldwork} » en phase terrain : {tasks.count()} audits "
                f"planifiés, dont {submitted} soumis et à valider."
            )
        self.stdout.write(f"\nComptes de démonstration (mot de passe : {DEMO_PASSWORD})")
        for username, role in summary.logins:
            self.stdout.write(f"  {username:<20} {role}")
        latest = summary.editions[-1] if summary.editions else None
        prefecture = Structure.objects.get(name=DEMO_STRUCTURE)
        base = f"http://{addr}"
        self.stdout.write("\nPour commencer :")
        self.stdout.write(f"  {base}/  (accueil : chaque rôle y trouve ses tâches)")
        if latest:
            self.stdout.write(
                f"  {base}{reverse('results:synthesis', args=[latest.pk])}"
                "  (synthèse nationale publiée, sans connexion)"
            )
            self.stdout.write(
                f"  {base}{reverse('results:dashboard', args=[latest.pk, prefecture.pk])}"
                "  (tableau de bord de la préfecture : compte « qualite »)"
            )
        if year := summary.reviewed_year:
            review = reverse("improvement:review", args=[prefecture.pk, year])
            self.stdout.write(f"  {base}{review}  (bilan qualité {year} : compte « qualite »)")
        self.stdout.write(f"  {base}/aide/  (guide de l'utilisateur)")
        if no_serve:
            return
        self.stdout.write(f"\nOuvrez {base}/ et connectez-vous avec l'un de ces comptes.\n")
        call_command("serve", addr=addr)
