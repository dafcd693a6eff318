import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Lance l'application web et le travailleur des tâches de fond ensemble."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Adresse d'écoute")

    def handle(self, *args, addr, **options):
        worker = subprocess.Popen(
            [sys.executable, "-m", "barometre.cli", "db_worker", "--no-reload"]
        )
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
