import logging
import subprocess
import sys
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)
WORKER = [sys.executable, "-m", "barometre.cli", "worker", "--no-reload"]


class Supervisor:
    """Keeps one child process running: started again when it dies (a crash, an out of
    memory kill), stopped with the supervisor."""

    def __init__(self, command: list[str], *, check_every: float = 1.0):
        self.command = command
        self.check_every = check_every
        self.starts = 0
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._watch = threading.Thread(target=self._keep_alive, daemon=True)

    def start(self) -> None:
        self._spawn()
        self._watch.start()

    def _spawn(self) -> None:
        self.process = subprocess.Popen(self.command)  # noqa: S603 - our own command line
        self.starts += 1

    def _keep_alive(self) -> None:
        while not self._stopping.wait(self.check_every):
            code = self.process.poll()
            if code is not None and not self._stopping.is_set():
                logger.warning("Travailleur arrêté (code %s) : relancé", code)
                self._spawn()

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        if self._watch.is_alive():
            self._watch.join()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Command(BaseCommand):
    help = "Lance l'application web et le travailleur des tâches de fond ensemble."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Adresse d'écoute")

    def handle(self, *args, addr, **options):
        worker = Supervisor(WORKER)
        worker.start()
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.stop()
