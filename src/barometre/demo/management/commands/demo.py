from django.core.management import call_command
from django.core.management.base import BaseCommand

from barometre.accounts.models import User
from barometre.campaigns.lifecycle import Refused
from barometre.demo.data import DEMO_PASSWORD, load_demo_data
from barometre.demo.fieldwork import load_demo_fieldwork


class Command(BaseCommand):
    help = "Prépare la base de démonstration (migrations, données) puis lance l'application."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Préparer sans lancer")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Adresse d'écoute")

    def handle(self, *args, no_serve, addr, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Base de données à jour.")
        logins = load_demo_data()
        operator = User.objects.get(username="operateur")
        try:
            edition = load_demo_fieldwork(operator)
            tasks = edition.tasks.count()
            self.stdout.write(f"Édition « {edition} » en phase terrain : {tasks} audits planifiés.")
        except Refused as exc:
            self.stderr.write(f"Édition de démonstration non créée : {exc}")
        self.stdout.write(f"\nComptes de démonstration (mot de passe : {DEMO_PASSWORD})")
        for username, role in logins:
            self.stdout.write(f"  {username:<20} {role}")
        if no_serve:
            return
        self.stdout.write(f"\nOuvrez http://{addr}/ et connectez-vous avec l'un de ces comptes.\n")
        call_command("serve", addr=addr)
