"""Page budget benchmark (not a test): every page of the access matrix
(tests/web/test_access.py ``MATRIX``), as each persona that may see it, on the demo data
in PostgreSQL.

1. A database (``barometre_bench_pages`` unless ``--database``) gets the demo of
   ``make demo``; ``--reuse`` keeps the one a previous run built.
2. The matrix's placeholders become the demo's objects (the préfecture as structure A,
   the latest national edition, its latest published version...) and its personas the
   demo's accounts. Each page is visited once by every persona; those answered 200 are
   measured (the others are listed: the matrix's fixture decides who is refused).
3. Each page is served in this process by Django's test client, so the time is the
   server's own (no network): *cold* is the first request after the cache is emptied,
   *warm* the next ``--repeat`` ones (median and p95), with the number of queries. Exports
   are also measured in CSV; a streamed response is judged on its first bytes.
4. ``/sante/`` is measured the same way, in the same process, as the baseline: the
   machine is shared and noisy, so every time is also given as a ratio to it.

Budget (issue 22): p95 ≤ 150 ms for a page, ≤ 300 ms for a page that builds a file.

    make bench-pages
    python benchmarks/bench_pages.py --reuse --repeat 3 --only palmares
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PAGE_BUDGET, FILE_BUDGET = 0.150, 0.300
PERSONAS = {
    "operator": "operateur",
    "auditor": "enqueteur",
    "manager_a": "qualite",
    "manager_b": "qualite-strasbourg",
    "agent_a": "agent",
    "viewer_a": "comite",
    "no_role": "sans-role",
    "anonymous": None,
}
# GET pages the matrix lists among its POST-only names (tested elsewhere) but that a user
# waits for: the result version's export.
EXTRA = {"results:export": ({"pk": "EDITION", "version": "version"}, {"operator": 200})}
# Pages the matrix's objects cannot show on the demo, measured with objects that can: the
# certificate and press kit of a laureate (as the operator). The préfecture is given an
# SP+ code in this database if the demo has none, so that the matrix's SP+ results file
# is measured too.
SPECIFIC = {
    "results:certificate": ({"pk": "EDITION", "structure_pk": "LAUREATE"}, "lauréat"),
    "results:press_kit": ({"pk": "EDITION", "structure_pk": "LAUREATE"}, "lauréat"),
}
# Exports also measured in their other format: a streamed one is judged on its first bytes.
VARIANTS = {
    "campaigns:edition_export": "?format=csv",
    "structures:export": "?format=csv",
    "results:export": "?format=csv",
    "improvement:entries_export": "?format=csv",
}


def setup(database: str, reuse: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if exists.fetchone() and not reuse:
            admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
            exists = None
        if not exists or not reuse:
            admin.execute(f'CREATE DATABASE "{database}"')
            reuse = False
    os.environ.update(
        {
            "DATABASE_URL": f"{PG}/{database}",
            "BAROMETRE_DEBUG": "false",
            "BAROMETRE_SECRET_KEY": "bench-" + "x" * 50,
            "BAROMETRE_ALLOWED_HOSTS": "testserver",
            "BAROMETRE_LOG_LEVEL": "ERROR",
            "BAROMETRE_SSL_REDIRECT": "false",
            "BAROMETRE_HSTS_SECONDS": "0",
            "DJANGO_SETTINGS_MODULE": "barometre.settings.main",
            "BAROMETRE_TASK_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        }
    )
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    # The test client reads static files from the manifest only when collected; the
    # benchmark measures the pages, not whitenoise.
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    call_command("migrate", verbosity=0)
    from barometre.structures.models import Structure

    if not reuse or not Structure.objects.exists():
        from barometre.demo.build import build_demo

        print("Données de démonstration (make demo)…", flush=True)
        build_demo()
        with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")


def demo_objects() -> dict:
    """The demo's object for each placeholder of the matrix."""
    from barometre.accounts.models import User
    from barometre.campaigns.models import AuditTask, Edition, Scenario
    from barometre.demo.build import DEMO_STRUCTURE
    from barometre.improvement import surveys
    from barometre.improvement.models import (
        Action,
        CollectionPoint,
        FeedbackEntry,
        Indicator,
        Meeting,
    )
    from barometre.results.models import ReportBatch
    from barometre.structures.models import Structure, StructureImport

    User.objects.get_or_create(username="sans-role")
    prefecture = Structure.objects.get(name=DEMO_STRUCTURE)
    edition = (
        Edition.objects.filter(owner__isnull=True, result_sets__published_at__isnull=False)
        .order_by("-year")
        .first()
    )
    latest = edition.result_sets.order_by("-version").first()
    batch = ReportBatch.objects.filter(result_set=latest).order_by("-pk").first()
    laureate = latest.laureates.order_by("pk").first()
    if not prefecture.sp_code:
        prefecture.sp_code = "SP-BENCH-45"
        prefecture.save(update_fields=["sp_code"])
    task = AuditTask.objects.filter(edition__status="fieldwork").order_by("pk").first()
    point = CollectionPoint.objects.filter(structure=prefecture).order_by("pk").first()
    upload = StructureImport.objects.order_by("-pk").first() or StructureImport.objects.create(
        file_name="annuaire.csv", content=b"nom\n"
    )
    invitation = (
        point.questionnaire.invitations.first()
        or (surveys.create_invitations(point.questionnaire, 1)[0])
    )
    from barometre.core.models import ExportFile

    export = ExportFile.objects.filter(requested_by__username="operateur").first()
    export = export or ExportFile.objects.create(
        title="Export des audits",
        builder="barometre.campaigns.transfer.audit_sheets",
        arguments={"edition_id": edition.pk},
        filename="audits.xlsx",
        requested_by=User.objects.get(username="operateur"),
    )
    first = {
        model: model.objects.filter(structure=prefecture).order_by("pk").first()
        for model in (Indicator, Action, Meeting, FeedbackEntry)
    }
    return {
        "EXPORT": export.pk,
        "A": prefecture.pk,
        "SIRET": prefecture.identifier,
        "EDITION": edition.pk,
        "TASK": task.pk,
        "IMPORT": upload.pk,
        "SCENARIO": Scenario.objects.first().pk,
        "QUESTIONNAIRE": point.questionnaire_id,
        "POINT": point.pk,
        "TOKEN": point.token,
        "INVITATION": invitation.token,
        "INDICATOR": first[Indicator].pk,
        "ACTION": first[Action].pk,
        "MEETING": first[Meeting].pk,
        "ENTRY": first[FeedbackEntry].pk,
        "version": latest.version,
        "batch": batch.pk if batch else 0,
        "LAUREATE": laureate.structure_id if laureate else 0,
    }


def url_for(name: str, kwargs: dict, ids: dict) -> str:
    from django.urls import reverse

    return reverse(name, kwargs={k: ids.get(v, ids.get(k, v)) for k, v in kwargs.items()})


def client_for(persona: str):
    from django.test import Client

    from barometre.accounts.models import User

    client = Client()
    if PERSONAS[persona]:
        client.force_login(User.objects.get(username=PERSONAS[persona]))
    return client


def fetch(client, url: str):
    """One request, its body read to the end (a streamed export included), and the
    number of queries it ran (the log is emptied first: it keeps only the last 9,000)."""
    from django.db import connection

    connection.queries_log.clear()
    start = time.perf_counter()
    response = client.get(url)
    first = None
    if response.streaming:
        size = 0
        for chunk in response.streaming_content:
            first = first or time.perf_counter() - start
            size += len(chunk)
    else:
        size = len(response.content)
    elapsed = time.perf_counter() - start
    response.first_byte = first if first is not None else elapsed
    return response, elapsed, len(connection.queries_log), size


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def measure(client, url: str, repeat: int) -> dict:
    from django.core.cache import cache

    cache.clear()
    response, cold, cold_queries, size = fetch(client, url)
    warm, first, queries = [], [], 0
    for _ in range(repeat):
        again, elapsed, queries, _ = fetch(client, url)
        warm.append(elapsed)
        first.append(again.first_byte)
    disposition = response.get("Content-Disposition", "")
    is_file = "attachment" in disposition or not response.get("Content-Type", "").startswith(
        "text/html"
    )
    return {
        "cold": cold,
        "cold_queries": cold_queries,
        "median": statistics.median(warm),
        "p95": p95(warm),
        "queries": queries,
        "size": size,
        "file": is_file,
        "streamed": response.streaming,
        "first_p95": p95(first),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="barometre_bench_pages")
    parser.add_argument("--reuse", action="store_true", help="keep the demo a run built")
    parser.add_argument("--repeat", type=int, default=7, help="warm requests per page")
    parser.add_argument("--only", default="", help="pages whose name contains this")
    args = parser.parse_args()
    setup(args.database, args.reuse)
    logging.disable(logging.WARNING)  # the refusals of the first visits are expected
    from django.db import connection
    from tests.web.test_access import MATRIX

    connection.force_debug_cursor = True  # count the queries (Django logs them then)
    ids = demo_objects()
    # As a web server process runs (barometre/wsgi.py): heavy libraries loaded at start,
    # and what is loaded so far put out of the garbage collector's sight (without it, a
    # full collection of this process's large heap paused one request in a few hundred
    # for 100 to 150 ms, which showed as the p95 of whichever page it fell on).
    import gc

    from barometre.core.warmup import warm_up

    warm_up()
    gc.collect()
    gc.freeze()
    clients = {persona: client_for(persona) for persona in PERSONAS}
    baseline = measure(clients["anonymous"], "/sante/", max(args.repeat, 20))
    rows, refused = [], []
    pages = [(name, name, kwargs) for name, (kwargs, _) in {**MATRIX, **EXTRA}.items()]
    pages += [(f"{name} ({what})", name, kw) for name, (kw, what) in SPECIFIC.items()]
    for label, name, kwargs in pages:
        if args.only not in name:
            continue
        urls = [(label, url_for(name, kwargs, ids))]
        if name in VARIANTS and label == name:
            urls.append((f"{name} {VARIANTS[name]}", urls[0][1] + VARIANTS[name]))
        for label, url in urls:
            for persona, client in clients.items():
                status = fetch(client, url)[0].status_code
                if status != 200:
                    refused.append(f"{label} ({persona}) : {status}")
                    continue
                rows.append(
                    {
                        "name": label,
                        "persona": persona,
                        "url": url,
                        **measure(client, url, args.repeat),
                    }
                )
    report(rows, refused, baseline)


def report(rows: list[dict], refused: list[str], baseline: dict) -> None:
    base = baseline["median"]
    print(
        f"\nRéférence /sante/ : médiane {1000 * base:.1f} ms, p95 "
        f"{1000 * baseline['p95']:.1f} ms (machine partagée : voir les rapports)"
    )
    rows.sort(key=lambda r: r["p95"], reverse=True)
    print(f"\n{len(rows)} pages × personas mesurées ; les 20 plus lentes d'abord (p95 à chaud)\n")
    header = (
        f"{'page':40} {'persona':10} {'froid':>8} {'médiane':>8} {'p95':>8} "
        f"{'×réf':>6} {'req.':>5} {'req.froid':>9}  budget"
    )
    print(header)
    print("-" * len(header))
    over = 0
    for index, r in enumerate(rows):
        if index == 20:
            print("-" * len(header))
        budget = FILE_BUDGET if r["file"] else PAGE_BUDGET
        judged = r["first_p95"] if r["streamed"] else r["p95"]  # a stream: its first bytes
        verdict = "ok" if judged <= budget else "DÉPASSÉ"
        stream = f", flux : 1er octet p95 {1000 * judged:.0f} ms" if r["streamed"] else ""
        over += verdict != "ok"
        print(
            f"{r['name'][:40]:40} {r['persona'][:10]:10} {1000 * r['cold']:6.0f}ms "
            f"{1000 * r['median']:6.0f}ms {1000 * r['p95']:6.0f}ms "
            f"{r['median'] / base:6.0f} {r['queries']:5} {r['cold_queries']:9}  "
            f"{verdict} ({1000 * budget:.0f} ms{', fichier' if r['file'] else ''}"
            f"{stream})"
        )
    print(f"\nHors budget : {over} sur {len(rows)}.")
    print(f"Non mesurées (réponse autre que 200 pour ce persona) : {len(refused)}")
    for line in refused:
        print(f"  {line}")


if __name__ == "__main__":
    main()
