"""Fault drills (not tests): the application on a PostgreSQL cluster of its own, under
survey load, through the bad days of issue 28. ``make drill``.

1. A new cluster (``initdb`` on a free port, run as the ``postgres`` user when this runs
   as root, removed at the end) gets the schema and one collection point.
2. gunicorn (3 sync workers, kept connections: ``BAROMETRE_DB_CONN_MAX_AGE=60``) and the
   task worker (``barometre worker``) run against it.
3. 16 client threads post survey answers through the public API (each with its own key
   and address) while the drill breaks something: PostgreSQL restarted, PostgreSQL
   stopped for 20 s, a gunicorn worker killed by SIGKILL; then PostgreSQL restarted with
   the task worker running, and a task queued afterwards.
4. It prints one table: requests sent, acknowledged (201), stored (found in the database
   afterwards, by key), lost (acknowledged but not stored), 5xx other than 503, 503, and
   recovery seconds (from the moment the fault ends to the first answer stored again).

The short versions of these drills are in the test suite (tests/web/test_outage.py,
tests/web/test_worker.py, tests/campaigns/test_full_disk.py,
tests/campaigns/test_decision_race.py, tests/results/test_renderer_processes.py).

    make drill
    python benchmarks/drill.py --outage 20 --load 12
"""

import argparse
import contextlib
import glob
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLIENTS = 16
DB = "barometre_drill"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A throw-away PostgreSQL cluster; as root, its files and server belong to postgres."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            sys.exit("initdb introuvable : installez PostgreSQL (scripts/system-deps.sh)")
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="barometre-drill-"))
        self.data = self.root / "data"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - PostgreSQL's own tools, fixed arguments
            [*self.as_postgres, str(self.bin / args[0]), *args[1:]],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        log = str(self.root / "postgresql.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"


def environment(cluster: Cluster, data_dir: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{cluster.url}/{DB}",
        "BAROMETRE_DEBUG": "false",
        "BAROMETRE_SECRET_KEY": "drill-" + "x" * 50,
        "BAROMETRE_ALLOWED_HOSTS": "127.0.0.1",
        "BAROMETRE_PROXY_COUNT": "1",
        "BAROMETRE_LOG_LEVEL": "WARNING",
        "BAROMETRE_DB_CONN_MAX_AGE": "60",
        "BAROMETRE_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
        "BAROMETRE_SSL_REDIRECT": "false",
        "BAROMETRE_HSTS_SECONDS": "0",
        "BAROMETRE_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }


def prepare(cluster: Cluster) -> str:
    """Schema, static files, one structure with a survey point; returns the survey URL."""
    import psycopg

    with psycopg.connect(f"{cluster.url}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{DB}"')
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if not (ROOT / "var" / "bench-static" / "staticfiles.json").exists():
        print("Fichiers statiques (collectstatic, une quarantaine de secondes)…", flush=True)
        call_command("collectstatic", "--noinput", verbosity=0)
    from barometre.improvement import surveys
    from barometre.improvement.models import CollectionPoint
    from barometre.structures.models import Structure

    structure = Structure.objects.create(
        name="Préfecture du Loiret", identifier="13000548700017", kind="state", department="45"
    )
    point = CollectionPoint.objects.create(
        structure=structure,
        label="Accueil",
        questionnaire=surveys.create_from_template(structure),
    )
    return f"/api/v1/public/points/{point.token}/answers"


def wait_for(port: int, seconds: float = 60) -> None:
    limit = time.monotonic() + seconds
    while time.monotonic() < limit:
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/sante/")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.2)
    sys.exit("le serveur ne répond pas")


@dataclass
class Load:
    """Survey answers posted by CLIENTS threads until ``stop``; what each got."""

    port: int
    url: str
    sent: int = 0
    acknowledged: list = field(default_factory=list)  # (key, time)
    keys: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    network_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def _client(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            key = secrets.token_hex(12)
            body = json.dumps(
                {"submission_key": key, "answers": {"overall": 8, "courtesy": 9}, "comment": ""}
            )
            address = ".".join(str(b) for b in (10, *secrets.token_bytes(3)))
            headers = {"Content-Type": "application/json", "X-Forwarded-For": address}
            with self.lock:
                self.sent += 1
                self.keys.append(key)
            try:
                conn.request("POST", self.url, body, headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.network_errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                time.sleep(0.05)
                continue
            with self.lock:
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                if response.status == 201:
                    self.acknowledged.append((key, time.monotonic()))
            if response.status == 503:
                time.sleep(0.05)  # a client that reads Retry-After waits much longer

    def run(self, seconds: float, fault) -> float | None:
        """Load for ``seconds``; ``fault()`` runs after 3 s and returns the moment it ended.
        Returns the recovery: from then to the first answer acknowledged afterwards."""
        threads = [threading.Thread(target=self._client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        ended = fault()
        time.sleep(max(0.0, seconds - 3))
        self.stop.set()
        for thread in threads:
            thread.join()
        after = [at for _key, at in self.acknowledged if at >= ended]
        return min(after) - ended if after else None


def stored(keys: list[str]) -> set[str]:
    from django.db import close_old_connections

    from barometre.improvement.models import SurveyResponse

    close_old_connections()
    found = set()
    for start in range(0, len(keys), 5000):
        found |= set(
            SurveyResponse.objects.filter(
                submission_key__in=keys[start : start + 5000]
            ).values_list("submission_key", flat=True)
        )
    return found


def row(name: str, load: Load, recovery: float | None) -> dict:
    kept = stored(load.keys)
    acknowledged = {key for key, _at in load.acknowledged}
    errors = sum(n for status, n in load.statuses.items() if status >= 500 and status != 503)
    return {
        "drill": name,
        "sent": load.sent,
        "acknowledged": len(acknowledged),
        "stored": len(kept),
        "lost": len(acknowledged - kept),
        "5xx": errors,
        "503": load.statuses.get(503, 0),
        "network": load.network_errors,
        "recovery": recovery,
    }


def gunicorn_workers(master: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            if f"PPid:\t{master}\n" in status.read_text():
                found.append(int(status.parent.name))
    return found


def task_after_restart(cluster: Cluster, worker: subprocess.Popen) -> dict:
    """PostgreSQL restarted while the task worker waits; a task queued afterwards must
    run within 30 s, by the same worker process."""
    from django.db import close_old_connections
    from django.tasks import TaskResultStatus

    from barometre.improvement.tasks import send_feedback_reminders

    cluster.restart()
    back = time.monotonic()
    close_old_connections()
    result = send_feedback_reminders.enqueue()
    done = None
    while time.monotonic() - back < 60:
        result.refresh()
        if result.status == TaskResultStatus.SUCCESSFUL:
            done = time.monotonic() - back
            break
        time.sleep(0.2)
    return {
        "drill": "base redémarrée, travailleur de tâches en marche",
        "sent": 1,
        "acknowledged": 1,
        "stored": int(done is not None),
        "lost": int(done is None),
        "5xx": 0,
        "503": 0,
        "network": 0,
        "recovery": done,
        "note": "même processus" if worker.poll() is None else "travailleur mort",
    }


def print_table(rows: list[dict]) -> None:
    print()
    print(
        "| exercice | requêtes envoyées | acquittées | enregistrées | perdues | 5xx | 503 "
        "| erreurs réseau | reprise (s) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        recovery = "—" if r["recovery"] is None else f"{r['recovery']:.1f}"
        name = r["drill"] + (f" ({r['note']})" if r.get("note") else "")
        print(
            f"| {name} | {r['sent']} | {r['acknowledged']} | {r['stored']} | {r['lost']} "
            f"| {r['5xx']} | {r['503']} | {r['network']} | {recovery} |"
        )


def count_lines(path: Path, text: str) -> int:
    return path.read_text(errors="replace").count(text) if path.exists() else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=20, help="secondes d'arrêt de la base")
    parser.add_argument("--load", type=float, default=12, help="secondes de charge par exercice")
    args = parser.parse_args()
    cluster = Cluster()
    data_dir = cluster.root / "app"
    data_dir.mkdir()
    server = worker = None
    try:
        print(f"Grappe PostgreSQL de l'exercice sur le port {cluster.port}…", flush=True)
        cluster.create()
        os.environ.update(environment(cluster, data_dir))
        url = prepare(cluster)
        port = free_port()
        web_log, worker_log = data_dir / "gunicorn.log", data_dir / "worker.log"
        server = subprocess.Popen(  # noqa: S603 - this interpreter's gunicorn, fixed arguments
            [
                str(BIN / "gunicorn"),
                "barometre.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "3",
                "--worker-class",
                "sync",
                "--timeout",
                "120",
                "--preload",
                "--chdir",
                str(ROOT / "src"),
            ],
            stdout=web_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(  # noqa: S603 - our own command
            [str(BIN / "barometre"), "worker", "--no-reload", "--interval", "0.5"],
            stdout=worker_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        wait_for(port)
        print(f"gunicorn (3 processus) sur le port {port}, {CLIENTS} clients.", flush=True)
        rows = []

        def restart():
            cluster.restart()
            return time.monotonic()

        def stop_for_a_while():
            cluster.stop()
            time.sleep(args.outage)
            cluster.start()
            return time.monotonic()

        def kill_a_web_worker():
            os.kill(gunicorn_workers(server.pid)[0], signal.SIGKILL)
            return time.monotonic()

        drills = [
            ("base redémarrée sous charge", restart, args.load),
            (f"base arrêtée {args.outage:.0f} s sous charge", stop_for_a_while, args.load),
            ("processus web tué (SIGKILL) sous charge", kill_a_web_worker, args.load),
        ]
        for name, fault, seconds in drills:
            print(f"Exercice : {name}…", flush=True)
            load = Load(port, url)
            recovery = load.run(seconds, fault)
            rows.append(row(name, load, recovery))
        print("Exercice : base redémarrée, travailleur en marche…", flush=True)
        rows.append(task_after_restart(cluster, worker))
        print_table(rows)
        tracebacks = count_lines(web_log, "Traceback")
        down = count_lines(web_log, "Base de données injoignable")
        back = count_lines(web_log, "de nouveau joignable")
        print(
            f"\nJournal web : {tracebacks} trace(s) d'erreur, {down} ligne(s) « injoignable », "
            f"{back} ligne(s) « de nouveau joignable » (3 processus, {len(drills)} exercices)."
        )
        print(
            "Journal du travailleur : "
            f"{count_lines(worker_log, 'Base de données injoignable')} « injoignable », "
            f"{count_lines(worker_log, 'de nouveau joignable')} « de nouveau joignable », "
            f"{count_lines(worker_log, 'Traceback')} trace(s)."
        )
    finally:
        for process in (worker, server):
            if process is not None:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(30)
        from django.db import connections

        connections.close_all()
        cluster.remove()


if __name__ == "__main__":
    main()
