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
import csv
import datetime as dt
import glob
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
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


PASSWORD = "exercice-de-panne-2026"  # noqa: S105 - accounts of a throw-away cluster
PDF = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n" + b"0" * 60_000 + b"\n%%EOF\n"
PHONE = {"phone.number_consistent": "oui", "phone.rings": "3", "phone.observations": "Aimable"}


def campaign() -> dict:
    """An edition in fieldwork, as in the tests: two operators, an auditor, a phone audit
    left to fill (for the uploads) and one submitted (for the decisions)."""
    import datetime as dt

    from barometre.accounts.models import Membership, Role, User
    from barometre.campaigns import lifecycle, workflow
    from barometre.campaigns.models import AuditorProfile, AuditTask, Edition, GridVersion
    from barometre.engine.grid import DATA_DIR
    from barometre.structures.models import ContactPoint, Structure

    def user(name, role):
        person = User.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=person, role=role)
        return person

    operator = user("olivia", Role.OPERATOR)
    user("octave", Role.OPERATOR)
    auditor, second = user("elie", Role.AUDITOR), user("zoe", Role.AUDITOR)
    for person in (auditor, second):
        AuditorProfile.objects.create(user=person, departments=["45"], weekly_capacity=20)
    grid = GridVersion.objects.create(
        grid_id="barometre-2025",
        version=1,
        yaml=(DATA_DIR / "barometre-2025.yaml").read_text(),
    )
    edition = lifecycle.create_edition(
        year=2025,
        name="Baromètre 2025",
        grid=grid,
        enrolment_opens=dt.date(2025, 1, 6),
        enrolment_closes=dt.date(2025, 4, 30),
        fieldwork_starts=dt.date(2025, 5, 5),
        fieldwork_ends=dt.date(2025, 7, 25),
        by=operator,
    )
    structure = Structure.objects.get()
    ContactPoint.objects.create(structure=structure, channel="phone", value="02 38 81 40 00")
    ContactPoint.objects.create(structure=structure, channel="email", value="pref@example.fr")
    lifecycle.advance(edition, by=operator)
    lifecycle.enrol(edition, structure, by=operator)
    lifecycle.plan_fieldwork(edition, by=operator)
    AuditTask.objects.filter(edition=edition).update(
        auditor=second, status="assigned", planning_problem=""
    )
    Edition.objects.filter(pk=edition.pk).update(status="fieldwork")
    upload, decided = AuditTask.objects.filter(edition=edition, channel="phone")[:2]
    AuditTask.objects.filter(pk__in=[upload.pk, decided.pk]).update(auditor=auditor)
    decided.refresh_from_db()
    workflow.save_answers(decided, PHONE, by=auditor)
    workflow.submit(decided, by=auditor)
    return {"upload": upload.pk, "decided": decided.pk}


class Session:
    """One signed-in browser: cookies, and the CSRF token of the last page read."""

    def __init__(self, port: int, username: str = "", address: str = "127.0.0.1"):
        self.port, self.cookies, self.token, self.address = port, {}, "", address
        if username:
            self.get("/connexion/")
            self.post_form("/connexion/", {"username": username, "password": PASSWORD})

    def _request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {"Cookie": cookie, "X-Forwarded-For": self.address, **(headers or {})}
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        text = response.read().decode(errors="replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if found:
            self.token = found.group(1)
        return response.status, text

    def get(self, path):
        return self._request("GET", path)

    def post_form(self, path, fields):
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.token})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._request("POST", path, body, headers)

    def post_file(self, path, fields, name, content):
        boundary = secrets.token_hex(16)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in {**fields, "csrfmiddlewaretoken": self.token}.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
            "\r\nContent-Type: application/pdf\r\n\r\n".encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self._request("POST", path, b"".join(parts), headers)


def follow(session: Session, status: int, text: str, path: str) -> str:
    """The page a redirect leads to (where the message is shown)."""
    return session.get(path)[1] if status == 302 else text


def disk_full_uploads(port: int, pk: int, media: Path, method: str, uploads: int) -> dict:
    """The auditor attaches a 60 KB file, again and again, with answers typed, until the
    disk is full: each is stored whole or refused in French; no partial file stays."""
    from django.db import close_old_connections
    from django.urls import reverse

    from barometre.campaigns.models import AuditTask, Evidence

    session = Session(port, "elie")
    url = reverse("campaigns:task", args=[pk])
    accepted = refused = errors = 0
    for number in range(uploads):
        session.get(url)
        close_old_connections()
        version = AuditTask.objects.get(pk=pk).version
        fields = {**PHONE, "version": version, "action": "attach"}
        status, text = session.post_file(url, fields, f"piece-{number}.pdf", PDF)
        page = follow(session, status, text, url)
        errors += status >= 500
        accepted += "Pièce justificative ajoutée." in page
        refused += "espace disque insuffisant" in page
    close_old_connections()
    rows = {Path(e.file.name).name: e for e in Evidence.objects.filter(task_id=pk)}
    on_disk = [p for p in media.rglob("*") if p.is_file() and p.name != "remplissage"]
    whole = [p for p in on_disk if p.name in rows and p.stat().st_size == len(PDF)]
    answers = dict(AuditTask.objects.get(pk=pk).answers.values_list("criterion", "value"))
    return {
        "drill": f"disque plein au dépôt de pièces ({method})",
        "sent": uploads,
        "acknowledged": accepted,
        "stored": len(whole),
        "lost": accepted - len(whole),
        "5xx": errors,
        "503": 0,
        "network": 0,
        "recovery": None,
        "note": f"{refused} refus « espace disque insuffisant », "
        f"{len(on_disk) - len(whole)} fichier(s) partiel(s) ou orphelin(s), "
        f"réponses {'conservées' if answers == PHONE else 'perdues'}",
    }


def _race(sessions, seen, decide, queue) -> list[tuple[int, str]]:
    """The first validates, the second rejects, both at once; the pages they read next."""
    barrier, pages = threading.Barrier(2), [None, None]

    def decide_as(index, choice):
        barrier.wait()
        fields = {"decision": choice, "comment": "Doublon", "version": seen[index]}
        status, text = sessions[index].post_form(decide, fields)
        pages[index] = (status, follow(sessions[index], status, text, queue))

    threads = [
        threading.Thread(target=decide_as, args=(0, "validate")),
        threading.Thread(target=decide_as, args=(1, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return pages


def concurrent_decisions(port: int, pk: int, races: int) -> dict:
    """Two operators open the same submitted audit, then one validates while the other
    rejects, at the same instant; again and again."""
    from django.db import close_old_connections
    from django.db.models import F
    from django.urls import reverse

    from barometre.campaigns.models import AuditTask, TaskEvent

    sessions = [Session(port, "olivia"), Session(port, "octave")]
    desk, decide = reverse("campaigns:task", args=[pk]), reverse("campaigns:decide", args=[pk])
    queue = reverse("campaigns:validation")
    told_recorded = told_lost = errors = recorded = 0
    for _ in range(races):
        close_old_connections()
        before = TaskEvent.objects.filter(task_id=pk, action__in=["validate", "reject"]).count()
        seen = [
            re.search(r'name="version" value="(\d+)"', s.get(desk)[1]).group(1) for s in sessions
        ]
        pages = _race(sessions, seen, decide, queue)
        errors += sum(status >= 500 for status, _page in pages)
        told_recorded += sum("décision enregistrée" in page for _status, page in pages)
        told_lost += sum("a pas été enregistrée" in page for _status, page in pages)
        close_old_connections()
        after = TaskEvent.objects.filter(task_id=pk, action__in=["validate", "reject"]).count()
        recorded += after - before
        AuditTask.objects.filter(pk=pk).update(status="submitted", version=F("version") + 1)
    return {
        "drill": "décisions simultanées sur un audit (valider / rejeter)",
        "sent": 2 * races,
        "acknowledged": told_recorded,
        "stored": recorded,
        "lost": told_recorded - recorded,
        "5xx": errors,
        "503": 0,
        "network": 0,
        "recovery": None,
        "note": f"{told_lost} perdant(s) prévenu(s) sur {races} courses",
    }


def double_clicks(port: int, clicks: int) -> dict:
    """A person opens a single-use invitation and clicks « Envoyer » twice: both requests
    of that one submission, at once; each must get the thanks page, one answer stored."""
    from django.db import close_old_connections
    from django.urls import reverse

    from barometre.improvement import surveys
    from barometre.improvement.models import Questionnaire, SurveyResponse

    close_old_connections()
    invitations = surveys.create_invitations(Questionnaire.objects.get(), clicks)
    thanked = refused = errors = stored = 0
    for invitation in invitations:
        address = ".".join(str(b) for b in (10, *secrets.token_bytes(3)))
        session = Session(port, address=address)
        url = reverse("public:invitation", args=[invitation.token])
        page = session.get(url)[1]
        key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
        fields = {"submission_key": key, "item_overall": "9"}
        barrier, answers = threading.Barrier(2), []

        def click(url=url, fields=fields, barrier=barrier, answers=answers, session=session):
            barrier.wait()
            answers.append(session.post_form(url, fields))

        threads = [threading.Thread(target=click) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for status, text in answers:
            errors += status >= 500
            thanked += status == 200 and "Merci" in text
            refused += "déjà servi" in text
        close_old_connections()
        stored += SurveyResponse.objects.filter(submission_key=key).count()
    return {
        "drill": "double clic sur un lien d'invitation à usage unique",
        "sent": 2 * clicks,
        "acknowledged": thanked,
        "stored": stored,
        "lost": clicks - stored,
        "5xx": errors,
        "503": 0,
        "network": 0,
        "recovery": None,
        "note": f"{refused} « ce lien a déjà servi » ; {stored} réponse(s) pour {clicks} personnes",
    }


def _renderers(worker_pid: int) -> list[int]:
    """The report renderers a worker started (its children)."""
    found = []
    for status in glob.glob("/proc/[0-9]*/status"):
        with contextlib.suppress(OSError):
            if f"PPid:\t{worker_pid}\n" in Path(status).read_text():
                found.append(int(Path(status).parent.name))
    return found


def _reached(status: str):
    """Whether a job record, read again, has reached ``status``."""

    def check(job) -> bool:
        job.refresh_from_db()
        return job.status == status

    return check


def job_killed(port, worker, log, *, name, start, progress, relaunch, offered, done):
    """A background job started from its page, its worker SIGKILLed mid-run and started
    again (as its supervisor would), then the job relaunched from its page once silent
    (its heartbeat set back 15 minutes rather than waited for). Returns the row and the
    worker now running."""
    from django.utils import timezone

    from barometre.core.background import STALE_AFTER

    session = Session(port, "olivia")
    job = start(session)
    began = time.monotonic()
    while not progress(job) and time.monotonic() - began < 120:
        time.sleep(0.05)
    children = _renderers(worker.pid)
    worker.kill()
    worker.wait()
    killed = time.monotonic()
    while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() < killed + 10:
        time.sleep(0.1)
    orphans = sum(Path(f"/proc/{pid}").exists() for pid in children)
    worker = start_worker(log)
    type(job).objects.filter(pk=job.pk).update(
        heartbeat=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
    )
    shown = offered(session, job)
    relaunched = time.monotonic()
    again = relaunch(session, job)
    finished = None
    while time.monotonic() - relaunched < 180:
        if done(again):
            finished = time.monotonic() - relaunched
            break
        time.sleep(0.2)
    row = {
        "drill": f"travailleur tué pendant {name}, relancé de sa page",
        "sent": 1,
        "acknowledged": 1,
        "stored": int(finished is not None),
        "lost": int(finished is None),
        "5xx": 0,
        "503": 0,
        "network": 0,
        "recovery": finished,
        "note": (
            f"« Relancer » {'proposé' if shown else 'ABSENT'}"
            + (f" ; {len(children)} processus de rendu, {orphans} survivant(s)" if children else "")
        ),
    }
    return row, worker


def export_killed(port, worker, log, rows: int) -> tuple:
    """The registry exported as a workbook of ``rows`` structures by the worker."""
    from barometre.core.models import ExportFile
    from barometre.structures.models import Structure

    Structure.objects.bulk_create(
        Structure(
            name=f"Commune d'exercice {i}",
            identifier=f"{20_000_000_000_000 + i}",
            kind="commune",
            department="45",
        )
        for i in range(rows)
    )

    def start(session):
        session.get("/structures/export/?format=xlsx")
        return ExportFile.objects.order_by("-pk").first()

    def progress(export):
        export.refresh_from_db()
        return export.status == "running" and export.done > 0

    def offered(session, export):
        return "Relancer l'export" in session.get(f"/exports/{export.pk}/")[1]

    def relaunch(session, export):
        session.post_form(f"/exports/{export.pk}/relancer/", {})
        return ExportFile.objects.order_by("-pk").first()

    name = f"l'export du registre ({rows} structures)"
    return job_killed(
        port,
        worker,
        log,
        name=name,
        start=start,
        progress=progress,
        relaunch=relaunch,
        offered=offered,
        done=_reached("ready"),
    )


def batch_killed(port, worker, log, structures: int) -> tuple:
    """The PDF reports of a result version of ``structures`` structures."""
    sys.path.insert(0, str(ROOT))
    from tests.samples import fabricate_result_set

    from barometre.accounts.models import User
    from barometre.campaigns.models import Edition
    from barometre.results.models import ReportBatch

    edition = Edition.objects.get()
    result_set = fabricate_result_set(
        edition, structures, by=User.objects.get(username="olivia"), published=False
    )
    path = f"/resultats/editions/{edition.pk}/versions/{result_set.version}/rapports/"

    def start(session):
        session.get(f"/resultats/editions/{edition.pk}/")
        session.post_form(path, {})
        return ReportBatch.objects.order_by("-pk").first()

    def progress(batch):
        batch.refresh_from_db()
        return batch.status == "running" and batch.done >= 2

    def offered(session, batch):
        page = session.get(f"/resultats/editions/{edition.pk}/")[1]
        return "Relancer la production des rapports" in page

    def relaunch(session, batch):
        session.post_form(path, {})
        return ReportBatch.objects.order_by("-pk").first()

    name = f"un lot de {structures} rapports PDF"
    return job_killed(
        port,
        worker,
        log,
        name=name,
        start=start,
        progress=progress,
        relaunch=relaunch,
        offered=offered,
        done=_reached("ready"),
    )


def _siret(n: int) -> str:
    """A 14-digit SIRET from ``n`` with its Luhn check digit."""
    body = f"{n:013d}"
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def import_killed(port, worker, log, rows: int) -> tuple:
    """A registry import of ``rows`` new structures (the registry's own CSV export with
    new identifiers), written by the worker once confirmed."""
    from barometre.accounts.models import User
    from barometre.structures.exporting import export_structures
    from barometre.structures.models import Structure, StructureImport

    source = Structure.objects.filter(name__startswith="Commune d'exercice")[:rows]
    exported = export_structures(source, "csv").decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(exported), delimiter=";"))
    for i, record in enumerate(table):  # new structures, with valid SIRETs
        record["identifiant"], record["nom"] = _siret(30_000_000_000 + i), f"Bourg {i}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(table[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(table)
    batch = StructureImport.objects.create(
        file_name="structures.csv",
        content=out.getvalue().encode("utf-8"),
        uploaded_by=User.objects.get(username="olivia"),
    )
    path = f"/structures/import/{batch.pk}/"

    def start(session):
        session.get(path)
        session.post_form(f"{path}confirmer/", {})
        return batch

    def progress(job):  # written in one transaction: killed as soon as it runs
        job.refresh_from_db()
        return job.status == "running"

    def offered(session, job):
        return "Relancer l'import" in session.get(f"{path}suivi/")[1]

    def relaunch(session, job):
        session.post_form(f"{path}confirmer/", {})
        return job

    row, worker = job_killed(
        port,
        worker,
        log,
        name=f"l'import de {rows} structures",
        start=start,
        progress=progress,
        relaunch=relaunch,
        offered=offered,
        done=_reached("done"),
    )
    created = Structure.objects.filter(name__startswith="Bourg").count()
    row["note"] += f" ; {created} structures créées sur {rows}, aucune en double"
    row["stored"] = int(created == rows)
    return row, worker


def computation_killed(port, worker, log, structures: int) -> tuple:
    """The results of the edition computed by the worker, once ``structures`` structures
    of the registry have three validated phone audits each."""
    import random

    from barometre.campaigns.models import Answer, AuditTask, Edition, Enrolment
    from barometre.results.models import ResultSet
    from barometre.structures.models import Structure

    edition = Edition.objects.get()
    rng = random.Random(2026)
    chosen = list(Structure.objects.filter(name__startswith="Commune d'exercice")[:structures])
    Enrolment.objects.bulk_create(Enrolment(edition=edition, structure=s) for s in chosen)
    when = dt.datetime(2025, 5, 6, 10, tzinfo=dt.UTC)
    tasks = AuditTask.objects.bulk_create(
        AuditTask(
            edition=edition,
            structure=s,
            channel="phone",
            sequence=10 + i,
            scheduled_at=when,
            status="validated",
        )
        for s in chosen
        for i in range(3)
    )
    Answer.objects.bulk_create(
        Answer(task=t, criterion=c, value=v)
        for t in tasks
        for c, v in {
            "phone.number_consistent": rng.choice(["oui", "non"]),
            "phone.rings": str(rng.randint(1, 9)),
        }.items()
    )
    path = f"/resultats/editions/{edition.pk}/"

    def start(session):
        session.get(path)
        session.post_form(f"{path}calculer/", {})
        return ResultSet.objects.filter(edition=edition).order_by("-version").first()

    def progress(result_set):
        result_set.refresh_from_db()
        return result_set.status == "computing"

    def offered(session, result_set):
        return "Relancer le calcul" in session.get(path)[1]

    def relaunch(session, result_set):
        session.post_form(f"{path}calculer/", {})
        return ResultSet.objects.filter(edition=edition).order_by("-version").first()

    name = f"le calcul des résultats ({structures * 3} audits)"
    return job_killed(
        port,
        worker,
        log,
        name=name,
        start=start,
        progress=progress,
        relaunch=relaunch,
        offered=offered,
        done=_reached("ready"),
    )


def start_worker(log: Path) -> subprocess.Popen:
    """The task worker as the supervisor (systemd, ``barometre serve``) starts it."""
    return subprocess.Popen(  # noqa: S603 - our own command
        [str(BIN / "barometre"), "worker", "--no-reload", "--interval", "0.5"],
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},  # every e-mail printed before a kill
    )


def mailing_killed(port: int, worker: subprocess.Popen, log: Path, addresses: int) -> tuple:
    """A manager invites ``addresses`` people by e-mail; the task worker is killed (SIGKILL)
    mid-sending and started again, as its supervisor would; the sending, silent, is
    relaunched from the questionnaire's page. The e-mails go to the worker's log (console
    backend): each address must be there once, none twice. Returns the table's row and
    the worker now running."""
    from django.utils import timezone

    from barometre.accounts.models import Membership, Role, User
    from barometre.core.background import STALE_AFTER
    from barometre.improvement.models import Questionnaire, SurveyInvitation, SurveyMailing

    questionnaire = Questionnaire.objects.get()
    manager = User.objects.create_user("magali", password=PASSWORD)
    Membership.objects.create(
        user=manager, role=Role.MANAGER, structure_id=questionnaire.structure_id
    )
    session = Session(port, "magali")
    listing = "\r\n".join(["courriel", *(f"usager{i:04d}@example.fr" for i in range(addresses))])
    path = f"/amelioration/enquetes/{questionnaire.pk}/courriels/"
    session.get(path)
    closes = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    started = time.monotonic()
    status, _ = session.post_file(path, {"closes_on": closes}, "adresses.csv", listing.encode())
    answered = time.monotonic() - started
    mailing = SurveyMailing.objects.get()
    sent = SurveyInvitation.objects.filter(mailing=mailing, sent_at__isnull=False)
    while sent.count() < addresses // 6 and time.monotonic() - started < 60:
        time.sleep(0.02)
    worker.kill()
    worker.wait()
    at_kill = sent.count()
    worker = start_worker(log)  # the supervisor starts it again
    # Silent for STALE_AFTER: its heartbeat is set back rather than waited for.
    SurveyMailing.objects.filter(pk=mailing.pk).update(
        heartbeat=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
    )
    page = session.get(f"/amelioration/enquetes/{questionnaire.pk}/")[1]
    offered = "Relancer l&#x27;envoi" in page or "Relancer l'envoi" in page
    relaunched = time.monotonic()
    session.post_form(f"/amelioration/envois/{mailing.pk}/reprise/", {})
    done = None
    while time.monotonic() - relaunched < 120:
        mailing.refresh_from_db()
        if mailing.status == "done":
            done = time.monotonic() - relaunched
            break
        time.sleep(0.2)
    unconfirmed = SurveyInvitation.objects.filter(mailing=mailing, in_flight=True).count()
    page = session.get(f"/amelioration/enquetes/{questionnaire.pk}/")[1]
    told = "n&#x27;a pas pu être confirmé" in page or "n'a pas pu être confirmé" in page
    received = re.findall(r"^To: (usager\d+@example\.fr)$", log.read_text(), re.M)
    unique = set(received)
    row = {
        "drill": f"travailleur tué pendant l'envoi de {addresses} invitations, relancé de la page",
        "sent": addresses,
        "acknowledged": addresses if status == 302 else 0,
        "stored": len(unique),
        "lost": addresses - len(unique),
        "5xx": int(status >= 500),
        "503": 0,
        "network": 0,
        "recovery": done,
        "note": (
            f"réponse en {answered:.2f} s ; tué à {at_kill} envoyés ; "
            f"{len(received) - len(unique)} en double ; "
            f"« Relancer l'envoi » {'proposé' if offered else 'ABSENT'} ; "
            f"{unconfirmed} envoi(s) non confirmé(s), "
            f"{'signalé(s) sur la page' if told or not unconfirmed else 'NON SIGNALÉ(S)'}"
        ),
    }
    return row, worker


@contextlib.contextmanager
def small_disk(media: Path, size_kb: int):
    """The media folder on a tmpfs of ``size_kb`` (root, where mounting is permitted);
    otherwise the storage that answers ENOSPC (tests/disk.py). Yields the method used."""
    media.mkdir(parents=True, exist_ok=True)
    mounted = os.geteuid() == 0 and (
        subprocess.run(  # noqa: S603 - fixed arguments
            ["/usr/bin/mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(media)],
            capture_output=True,
        ).returncode
        == 0
    )
    try:
        yield f"tmpfs de {size_kb} Ko" if mounted else "stockage qui répond ENOSPC"
    finally:
        if mounted:
            subprocess.run(["/usr/bin/umount", str(media)], check=False)  # noqa: S603


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
    parser.add_argument("--uploads", type=int, default=8, help="pièces déposées, disque plein")
    parser.add_argument("--races", type=int, default=20, help="courses de décisions simultanées")
    parser.add_argument("--invitations", type=int, default=600, help="invitations envoyées")
    parser.add_argument("--export-rows", type=int, default=40_000, help="lignes de l'export")
    parser.add_argument("--reports", type=int, default=40, help="rapports PDF du lot")
    parser.add_argument("--computed", type=int, default=3000, help="structures du calcul")
    parser.add_argument("--imported", type=int, default=20_000, help="structures importées")
    parser.add_argument(
        "--jobs-only", action="store_true", help="seulement les travaux tués puis relancés"
    )
    args = parser.parse_args()
    cluster = Cluster()
    data_dir = cluster.root / "app"
    data_dir.mkdir()
    server = worker = None
    media = data_dir / "media"
    # Room for the files of the killed jobs (an export, a batch of PDFs); the disk-full
    # drill fills it first with a filler file, removed after it.
    disk = small_disk(media, 64 * 1024)
    try:
        method = disk.__enter__()
        print(f"Grappe PostgreSQL de l'exercice sur le port {cluster.port}…", flush=True)
        cluster.create()
        os.environ.update(environment(cluster, data_dir))
        os.environ["BAROMETRE_MEDIA_ROOT"] = str(media)
        if method.startswith("stockage"):
            os.environ["BAROMETRE_STORAGE_BACKEND"] = "tests.disk.FullDisk"
            os.environ["PYTHONPATH"] = str(ROOT)
        url = prepare(cluster)
        audits = campaign()
        if method.startswith("tmpfs"):  # leave room for two files and a half
            free = shutil.disk_usage(media).free
            (media / "remplissage").write_bytes(b"0" * (free - int(2.5 * len(PDF))))
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
        worker_log.write_text("")
        worker = start_worker(worker_log)
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
        for name, fault, seconds in [] if args.jobs_only else drills:
            print(f"Exercice : {name}…", flush=True)
            load = Load(port, url)
            recovery = load.run(seconds, fault)
            rows.append(row(name, load, recovery))
        if not args.jobs_only:
            print("Exercice : base redémarrée, travailleur en marche…", flush=True)
            rows.append(task_after_restart(cluster, worker))
            print("Exercice : disque plein au dépôt de pièces…", flush=True)
            rows.append(disk_full_uploads(port, audits["upload"], media, method, args.uploads))
            print("Exercice : décisions simultanées…", flush=True)
            rows.append(concurrent_decisions(port, audits["decided"], args.races))
            print("Exercice : double clic sur un lien d'invitation…", flush=True)
            rows.append(double_clicks(port, args.races))
            print("Exercice : travailleur tué pendant un envoi d'invitations…", flush=True)
            mailing_row, worker = mailing_killed(port, worker, worker_log, args.invitations)
            rows.append(mailing_row)
        (media / "remplissage").unlink(missing_ok=True)  # the disk is no longer full
        print("Exercice : travailleur tué pendant un export…", flush=True)
        export_row, worker = export_killed(port, worker, worker_log, args.export_rows)
        rows.append(export_row)
        print("Exercice : travailleur tué pendant un import…", flush=True)
        import_row, worker = import_killed(port, worker, worker_log, args.imported)
        rows.append(import_row)
        print("Exercice : travailleur tué pendant un lot de rapports…", flush=True)
        batch_row, worker = batch_killed(port, worker, worker_log, args.reports)
        rows.append(batch_row)
        print("Exercice : travailleur tué pendant un calcul de résultats…", flush=True)
        computation_row, worker = computation_killed(port, worker, worker_log, args.computed)
        rows.append(computation_row)
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
        disk.__exit__(None, None, None)
        with contextlib.suppress(OSError):  # the logs outlive the cluster, to be read
            for log in (data_dir / "gunicorn.log", data_dir / "worker.log"):
                shutil.copy(log, ROOT / "var" / f"drill-{log.name}")
        cluster.remove()


if __name__ == "__main__":
    main()
