"""Load benchmark (not a test): the application under gunicorn on PostgreSQL, driven by a
second process with 16 concurrent clients.

1. A fresh database ``barometre_bench`` on 127.0.0.1 gets the demo of ``make demo``
   (337 structures, two published national editions of about 3,500 audits each, the demo
   préfecture's Services Publics+ history and its survey collection points).
2. gunicorn serves the application (3 sync workers, preloaded, as behind a reverse proxy that keeps
   the clients' connections) on 127.0.0.1.
3. The driver, another process with 16 keep-alive connections, runs each scenario for a
   fixed time: the health page (baseline: the cheapest request the stack can answer),
   public survey submissions through the API (each from its own address, behind one
   reverse proxy, with the default rate limit), the demo préfecture's dashboard, and the
   public pages of a press day as anonymous visitors: the national synthesis, the
   palmarès, a transparency page and the public home, each sending the
   ``Accept-Encoding`` of a browser (``--no-gzip`` leaves it out, as a bot might).
   ``BENCH_DB`` names the database. The
   driver is wrk (C, two event-loop threads: little CPU taken from the server on a
   2-core machine) when installed, else a Python driver (16 threads, ``--driver python``).
4. It prints throughput, p50/p95/p99 latencies, ratios against the baseline, and checks
   that every acknowledged submission is stored (none lost, none doubled).

    make bench-load
    python benchmarks/bench_load.py --seconds 5      # quick run
"""

import argparse
import http.client
import json
import multiprocessing
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = os.environ.get("BENCH_DB", "barometre_bench")
# Public pages of a press day, each requested by anonymous visitors (issue 22: at least
# half the baseline's throughput, p95 ≤ 100 ms).
PUBLIC = ("synthesis", "palmares", "transparency", "public_home")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
CLIENTS = 16
BROWSER_ENCODING = "gzip, deflate, br, zstd"  # what Chromium and Firefox send


def environment() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB}",
        "BAROMETRE_DEBUG": "false",
        "BAROMETRE_SECRET_KEY": "bench-" + "x" * 50,
        "BAROMETRE_ALLOWED_HOSTS": "127.0.0.1",
        "BAROMETRE_PROXY_COUNT": "1",
        "BAROMETRE_LOG_LEVEL": "WARNING",
        "BAROMETRE_DB_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
        "BAROMETRE_SSL_REDIRECT": "false",
        "BAROMETRE_HSTS_SECONDS": "0",
        "BAROMETRE_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }


def prepare(reuse_static: bool = False) -> dict:
    """Fresh database and data; returns what the driver needs."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB}"')
    os.environ.update(environment())
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if not (reuse_static and (ROOT / "var" / "bench-static" / "staticfiles.json").exists()):
        print("Fichiers statiques (collectstatic, une quarantaine de secondes)…", flush=True)
        call_command("collectstatic", "--noinput", verbosity=0)
    from barometre.demo.build import DEMO_STRUCTURE, build_demo
    from barometre.demo.data import DEMO_PASSWORD
    from barometre.improvement.models import CollectionPoint
    from barometre.structures.models import Structure

    print("Édition de démonstration (make demo)…", flush=True)
    summary = build_demo()
    settle()
    edition = summary.editions[-1]
    prefecture = Structure.objects.get(name=DEMO_STRUCTURE)
    point = CollectionPoint.objects.filter(structure=prefecture).order_by("pk").first()
    from django.urls import reverse

    from barometre.improvement.models import ImprovementProfile

    published = ImprovementProfile.objects.publishing_transparency().select_related("structure")
    return {
        "username": "qualite",
        "password": DEMO_PASSWORD,
        "synthesis": reverse("results:synthesis", args=[edition.pk]),
        "palmares": reverse("results:public_palmares", args=[edition.pk]),
        "transparency": reverse(
            "public:transparency", args=[published.first().structure.identifier]
        ),
        "public_home": "/",
        "dashboard": f"/resultats/editions/{edition.pk}/structures/{prefecture.pk}/",
        "survey": f"/api/v1/public/points/{point.token}/answers",
        "questionnaire": point.questionnaire_id,
    }


def settle() -> None:
    """Vacuum, analyse and checkpoint, so that autovacuum and the checkpointer do not run
    during the next measure: after the demo's 200,000 rows (left to autovacuum, they made
    the figures swing by up to 40 %), and after the survey scenario's thousands."""
    import psycopg

    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


def stored_answers(questionnaire_id: int) -> int:
    from barometre.improvement.models import SurveyResponse

    return SurveyResponse.objects.filter(questionnaire_id=questionnaire_id).count()


# ---------------------------------------------------------------- the driver process


def _login(port: int, username: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/connexion/")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    )
    conn.request(
        "POST",
        "/connexion/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Referer": f"http://127.0.0.1:{port}/connexion/",
        },
    )
    response = conn.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    return f"sessionid={session}; csrftoken={cookie}"


def _worker(port, scenario, info, cookie, deadline, out, lock):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, acknowledged, errors = [], 0, 0
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        try:
            if scenario == "survey":
                body = json.dumps(
                    {
                        "submission_key": secrets.token_hex(12),
                        "answers": {"overall": 8, "courtesy": 9, "waiting": 6},
                        "comment": "Accueil rapide",
                    }
                )
                address = ".".join(str(b) for b in (10, *secrets.token_bytes(3)))
                headers = {"Content-Type": "application/json", "X-Forwarded-For": address}
                conn.request("POST", info["survey"], body, headers)
            elif scenario == "dashboard":
                conn.request("GET", info["dashboard"], headers={"Cookie": cookie})
            elif scenario in PUBLIC:
                conn.request("GET", info[scenario], headers=info["visitor_headers"])
            else:
                conn.request("GET", "/sante/")
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - start)
        ok = response.status == (201 if scenario == "survey" else 200)
        acknowledged += ok
        errors += not ok
    with lock:
        out["latencies"] += latencies
        out["acknowledged"] += acknowledged
        out["errors"] += errors


def drive(port: int, info: dict, scenario: str, seconds: float, queue) -> None:
    cookie = _login(port, info["username"], info["password"]) if scenario == "dashboard" else ""
    out = {"latencies": [], "acknowledged": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    arguments = (port, scenario, info, cookie, deadline, out, lock)
    threads = [threading.Thread(target=_worker, args=arguments) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out["elapsed"] = time.perf_counter() - started
    queue.put(out)


WRK_SCRIPT = r"""
local threads, counter = {}, 0
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  acknowledged, expected = 0, tonumber(args[1])
  survey, cookie, encoding = args[2] == "survey", args[3], args[4]
end
function request()
  if survey then
    counter = counter + 1
    local body = string.format('{"submission_key":"wrk-%d-%d-%d","answers":{"overall":8,'
      .. '"courtesy":9,"waiting":6},"comment":"Accueil rapide"}', id, counter, os.time())
    local address = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255),
      math.random(1, 254))
    return wrk.format("POST", nil, {["Content-Type"] = "application/json",
      ["X-Forwarded-For"] = address}, body)
  end
  if cookie ~= "" then return wrk.format("GET", nil, {["Cookie"] = cookie}) end
  if encoding ~= "" then return wrk.format("GET", nil, {["Accept-Encoding"] = encoding}) end
  return wrk.format("GET")
end
function response(status, headers, body)
  if status == expected then acknowledged = acknowledged + 1 end
end
function done(summary, latency, requests)
  local acked = 0
  for _, thread in ipairs(threads) do acked = acked + thread:get("acknowledged") end
  io.write(string.format("RESULT %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), acked,
    summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
"""


def drive_wrk(port: int, info: dict, scenario: str, seconds: float) -> dict:
    """Run wrk; returns the same summary as the Python driver."""
    import tempfile

    cookie = _login(port, info["username"], info["password"]) if scenario == "dashboard" else ""
    path = info[scenario] if scenario in ("survey", "dashboard", *PUBLIC) else "/sante/"
    expected = "201" if scenario == "survey" else "200"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        run = subprocess.run(  # noqa: S603 - fixed arguments
            [
                shutil.which("wrk"),
                "-t2",
                f"-c{CLIENTS}",
                f"-d{seconds:.0f}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}{path}",
                "--",
                expected,
                scenario,
                cookie,
                info["visitor_headers"].get("Accept-Encoding", "") if scenario in PUBLIC else "",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT "))
    requests, duration, p50, p95, p99, acked, socket_errors = map(int, line.split()[1:])
    return {
        "rate": requests / (duration / 1e6),
        "p50": p50 / 1e6,
        "p95": p95 / 1e6,
        "p99": p99 / 1e6,
        "acknowledged": acked,
        "errors": requests - acked + socket_errors,
    }


def summarise(out: dict) -> dict:
    lat = sorted(out["latencies"])
    return {
        "rate": len(lat) / out["elapsed"],
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "p99": percentile(lat, 99),
        "acknowledged": out["acknowledged"],
        "errors": out["errors"],
    }


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=3)  # cores + 1: measured best (3, 4, 6)
    parser.add_argument("--threads", type=int, default=1)
    # sync workers take one request at a time and hand the connection back: the kernel
    # gives the next one to a free worker. With gthread, keep-alive connections stay with a
    # worker and queue behind each other (measured: dashboard p95 228-314 ms against
    # 127-150 ms with sync, same throughput).
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--reuse-static",
        action="store_true",
        help="reuse the static files collected by a previous run",
    )
    parser.add_argument(
        "--no-gzip",
        action="store_true",
        help="visitors without the browser's Accept-Encoding (uncompressed pages)",
    )
    parser.add_argument(
        "--driver", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python"
    )
    args = parser.parse_args()
    print("Préparation de la base de charge…", flush=True)
    info = prepare(args.reuse_static)
    info["visitor_headers"] = {} if args.no_gzip else {"Accept-Encoding": BROWSER_ENCODING}
    server = subprocess.Popen(  # noqa: S603 - this interpreter's gunicorn, fixed arguments
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "barometre.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            args.worker_class,
            "--keep-alive",
            "30",
            "--preload",  # as in production (docs/operations.md)
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT / "src"),
        ],
        env=environment(),
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                conn.request("GET", "/sante/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        print(
            f"gunicorn ({args.worker_class}) : {args.workers} processus × {args.threads} fils ; "
            f"{CLIENTS} clients "
            f"concurrents ({args.driver}), {args.seconds:.0f} s par scénario ; visiteurs "
            + ("sans compression" if args.no_gzip else f"« Accept-Encoding: {BROWSER_ENCODING} »"),
            flush=True,
        )
        before = stored_answers(info["questionnaire"])
        results = {}
        for scenario in ("baseline", "survey", "dashboard", *PUBLIC):
            if scenario == "dashboard":
                settle()
            if args.driver == "wrk":
                results[scenario] = drive_wrk(args.port, info, scenario, args.seconds)
                continue
            queue = multiprocessing.get_context("spawn").Queue()
            driver = multiprocessing.get_context("spawn").Process(
                target=drive, args=(args.port, info, scenario, args.seconds, queue)
            )
            driver.start()
            results[scenario] = summarise(queue.get())
            driver.join()
        stored = stored_answers(info["questionnaire"]) - before
    finally:
        server.terminate()
        server.wait(timeout=30)
    base_rate = results["baseline"]["rate"]
    labels = {
        "baseline": "Référence (page /sante/)",
        "survey": "Réponses à l'enquête (API)",
        "dashboard": "Tableau de bord d'une structure",
        "synthesis": "Synthèse nationale (public)",
        "palmares": "Palmarès (public)",
        "transparency": "Page de transparence (public)",
        "public_home": "Accueil public",
    }
    for scenario, out in results.items():
        rate = out["rate"]
        print(
            f"{labels[scenario]} : {rate:.0f} req/s ({rate / base_rate:.2f}× la référence), "
            f"p50 {1000 * out['p50']:.0f} ms, p95 {1000 * out['p95']:.0f} ms, "
            f"p99 {1000 * out['p99']:.0f} ms, erreurs {out['errors']}"
        )
    acknowledged = results["survey"]["acknowledged"]
    # wrk stops at the deadline without reading the answers in flight (at most one per
    # client): those are stored but not acknowledged.
    in_flight = CLIENTS if args.driver == "wrk" else 0
    verdict = (
        "aucune perdue ni doublée"
        if acknowledged <= stored <= acknowledged + in_flight
        else "ÉCART"
    )
    print(
        f"Contrôle : {acknowledged} réponses acquittées (201), {stored} enregistrées"
        f"{f' (au plus {in_flight} en vol à l’arrêt de wrk)' if in_flight else ''} — {verdict}"
    )


if __name__ == "__main__":
    main()
