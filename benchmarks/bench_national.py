"""National scale benchmark (not a test): a Services Publics+ network in one PostgreSQL
database, then a structure's pages and a network-wide indicator measured on it (issue 22,
item 5).

1. Generation, directly in SQL (``INSERT … SELECT generate_series``, not the ORM row by
   row), after ``migrate``, into ``barometre_h22b_national`` unless ``BENCH_NATIONAL_URL``
   (or ``--url``) names another database:
   - 60,000 structures in every département: its council and its préfecture, then
     communes, intercommunalities, France Services, social bodies, hospitals and
     libraries (France Services and social bodies attached to their département's
     council);
   - 20,000 questionnaires (the Services Publics+ template: 10 items, 3 of them
     conditional) with a collection point each, 500,000 responses and their 5,000,000
     item answers over three years, one response in ten with a comment;
   - 500,000 register entries over three years (every kind and channel), with the
     deadlines the register computes: the Services Publics+ defaults, in working days of
     the structure's département calendar (``deadlines.due_dates`` computes every date
     the entries use, in Python, once per calendar); 90 % of those older than a month
     answered.
   Volumes are skewed like a real network (a few structures receive most of the
   answers): the structure of rank r gets a share in r^(1/3). A second run reuses the
   data; ``--rebuild`` drops this database and generates it again.
2. A manager of the heaviest structure and one of a typical structure (the median
   volume of answers among the structures that have a questionnaire), each with the
   catalogue's indicators on the quality dashboard; an operator for the network view.
3. Pages served in this process by Django's test client (server time, no network):
   survey results, quality dashboard, register list (first page, second page, open
   entries), register figures, the structure's home, then the network view as an
   operator: median, p95 and query count over ``--repeat`` warm requests, and the
   network indicator's function alone. ``/sante/`` is measured first as the baseline
   (the machine is shared: every time is also a ratio to it).

Budget: p95 ≤ 150 ms for a structure's page; the network indicator ≤ 5 s.

    make bench-national
    python benchmarks/bench_national.py --rebuild
"""

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/barometre_h22b_national"
STRUCTURES = 60_000
QUESTIONNAIRES = 20_000  # every third structure runs a survey
RESPONSES = 500_000  # × 10 items = 5,000,000 item answers
ENTRIES = 500_000
DAYS = 3 * 365
PAGE_BUDGET, NETWORK_BUDGET = 0.150, 5.0
SUBJECTS = [
    "Attente trop longue au guichet",
    "Réponse incomplète à mon courrier",
    "Horaires d'ouverture",
    "Accueil téléphonique injoignable",
    "Remerciements pour l'accueil",
    "Rendez-vous annulé sans prévenir",
    "Signalétique du bâtiment",
    "Délai de traitement de mon dossier",
]
COMMENTS = [
    "Accueil très aimable, merci",
    "Trop d'attente au guichet ce matin",
    "Les horaires ne sont pas adaptés aux personnes qui travaillent",
    "Personnel compétent et disponible",
    "Le site internet est difficile à utiliser",
    "Locaux propres et bien indiqués",
    "Impossible de joindre le standard",
    "Très bonne explication de la démarche",
]


def configure(url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": url,
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


def ensure_database(url: str, rebuild: bool) -> None:
    import psycopg

    server, _, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    call_command("migrate", verbosity=0)
    from barometre.core.warmup import warm_up

    warm_up()  # as a web server process does at its start (barometre.wsgi)


# ---------------------------------------------------------------- generation


def _due_table(today: dt.date) -> io.StringIO:
    """(calendar, received on, working days, due date) for every day of the three years
    and every answer deadline of the defaults, computed by the register's own function."""
    from barometre.engine import TERRITORIES
    from barometre.engine.calendars import calendar_key
    from barometre.improvement.deadlines import Deadline, due_dates

    keys = {calendar_key(code): code for code in TERRITORIES}
    out = io.StringIO()
    first = today - dt.timedelta(days=DAYS)
    for key, department in keys.items():
        for offset in range(DAYS + 1):
            day = first + dt.timedelta(days=offset)
            for n in (5, 10, 15):
                _, due = due_dates(day, Deadline(None, n), department)
                out.write(f"{key}\t{day.isoformat()}\t{n}\t{due.isoformat()}\n")
    out.seek(0)
    return out


def generate(url: str) -> None:
    import psycopg

    from barometre.engine import TERRITORIES, sp_survey_template
    from barometre.engine.calendars import calendar_key

    departments = list(TERRITORIES)
    template = sp_survey_template()
    today = dt.date.today()
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        run = conn.execute
        run("SET synchronous_commit = off")
        run("SET maintenance_work_mem = '256MB'")
        run("SET work_mem = '64MB'")
        # Every row is generated consistent with its parents: the foreign keys' triggers
        # are not run for these bulk inserts (PostgreSQL's own way to load a dump).
        run("SET session_replication_role = replica")
        run("SELECT setseed(0.22)")

        step = time.perf_counter()
        n_dep = len(departments)
        run(
            """
            CREATE TEMP TABLE dep AS
            SELECT ordinality - 1 AS i, code, key
            FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS t(code, key)
            """,
            [departments, [calendar_key(d) for d in departments]],
        )
        run(
            """
            INSERT INTO structures_structure (id, name, identifier, kind, population,
                department, city, postal_code, created_at, updated_at, parent_id, logo,
                name_in_sentence, annuaire_id, annuaire_modified, opening_hours, sp_code)
            SELECT g, k.label || ' ' || g, '2' || lpad(g::text, 13, '0'), k.kind,
                CASE WHEN k.kind = 'commune' THEN 200 + (g * 7919) %% 40000 END,
                dep.code, 'Commune ' || g, '', now(), now(),
                CASE WHEN k.kind IN ('france_services', 'social') THEN 1 + dep.i END,
                '', '', NULL, NULL, '{}'::jsonb, 'SP' || g
            FROM generate_series(1, %(n)s) AS g
            JOIN dep ON dep.i = (g - 1) %% %(d)s
            CROSS JOIN LATERAL (SELECT CASE
                WHEN g <= %(d)s THEN 'department'
                WHEN g <= 2 * %(d)s THEN 'state'
                WHEN g %% 20 = 0 THEN 'france_services'
                WHEN g %% 20 = 1 THEN 'intercommunality'
                WHEN g %% 20 = 2 THEN 'social'
                WHEN g %% 20 = 3 THEN 'hospital'
                WHEN g %% 20 = 4 THEN 'culture'
                ELSE 'commune' END AS kind) AS c
            CROSS JOIN LATERAL (SELECT c.kind, CASE c.kind
                WHEN 'department' THEN 'Département'
                WHEN 'state' THEN 'Préfecture'
                WHEN 'france_services' THEN 'France Services'
                WHEN 'intercommunality' THEN 'Communauté de communes'
                WHEN 'social' THEN 'CCAS'
                WHEN 'hospital' THEN 'Centre hospitalier'
                WHEN 'culture' THEN 'Médiathèque'
                ELSE 'Mairie' END AS label) AS k
            """,
            {"n": STRUCTURES, "d": n_dep},
        )
        print(f"  structures : {time.perf_counter() - step:.1f} s", flush=True)

        step = time.perf_counter()
        # Questionnaire q (0-based) belongs to the structure of rank 3q: rank 0, the
        # heaviest register, also runs the heaviest survey.
        run(
            """
            INSERT INTO improvement_questionnaire (id, title, scale, satisfied_from,
                very_satisfied_from, target, comment_label, active, created_at, structure_id)
            SELECT q + 1, %s, '1-10', %s, %s, %s, %s, true,
                now() - interval '4 years', 3 * q + 1
            FROM generate_series(0, %s - 1) AS q
            """,
            [
                template.title,
                template.satisfied_from,
                template.very_satisfied_from,
                100 * template.target,
                template.comment.label,
                QUESTIONNAIRES,
            ],
        )
        items = template.items
        run(
            """
            INSERT INTO improvement_surveyitem (id, code, label, engagement, condition,
                position, questionnaire_id)
            SELECT (q - 1) * %s + t.ord, t.code, t.label, t.engagement, t.cond, t.ord - 1, q
            FROM generate_series(1, %s) AS q,
                unnest(%s::text[], %s::text[], %s::text[], %s::text[])
                    WITH ORDINALITY AS t(code, label, engagement, cond, ord)
            """,
            [
                len(items),
                QUESTIONNAIRES,
                [i.id for i in items],
                [i.label for i in items],
                [i.engagement for i in items],
                [i.conditional or "" for i in items],
            ],
        )
        run(
            """
            INSERT INTO improvement_collectionpoint (id, label, token, feedback_form, active,
                structure_id, questionnaire_id)
            SELECT q.id, 'Accueil', 'nat' || q.id, true, true, q.structure_id, q.id
            FROM improvement_questionnaire q
            """
        )
        run(
            """
            INSERT INTO improvement_surveyresponse (id, answered_on, source, comment,
                submission_key, created_at, entered_by_id, point_id, questionnaire_id)
            SELECT r, d, CASE WHEN r %% 7 = 0 THEN 'paper' ELSE 'web' END,
                CASE WHEN r %% 10 = 0 THEN (%s::text[])[1 + r %% %s] ELSE '' END,
                '', d::timestamptz, NULL, q, q
            FROM (
                SELECT r, 1 + floor(%s * random() ^ 3)::int AS q,
                    current_date - floor(random() * %s)::int AS d
                FROM generate_series(1, %s) AS r
            ) AS g
            """,
            [COMMENTS, len(COMMENTS), QUESTIONNAIRES, DAYS, RESPONSES],
        )
        conditional = [i for i, item in enumerate(items) if item.conditional]
        run(
            """
            INSERT INTO improvement_itemanswer (id, value, item_id, response_id)
            SELECT (r.id - 1) * %s + p + 1,
                CASE WHEN p = ANY(%s::int[]) AND random() < 0.8 THEN NULL
                     ELSE least(10, 3 + floor(random() * 8.5)::int) END,
                (r.questionnaire_id - 1) * %s + p + 1, r.id
            FROM improvement_surveyresponse r, generate_series(0, %s - 1) AS p
            """,
            [len(items), conditional, len(items), len(items)],
        )
        print(f"  enquêtes : {time.perf_counter() - step:.1f} s", flush=True)

        step = time.perf_counter()
        with conn.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE due (key text, received date, n int, due date, "
                "PRIMARY KEY (key, received, n))"
            )
            with cursor.copy("COPY due FROM STDIN") as copy:
                copy.write(_due_table(today).read())
        print(f"  échéances (jours ouvrés) : {time.perf_counter() - step:.1f} s", flush=True)

        step = time.perf_counter()
        run(
            """
            CREATE TEMP TABLE draft AS
            SELECT e AS id, 1 + floor(%s * random() ^ 3)::int AS structure_id,
                current_date - floor(random() * %s)::int AS received,
                (ARRAY['complaint', 'complaint', 'complaint', 'complaint', 'complaint',
                       'suggestion', 'suggestion', 'thanks', 'information', 'information',
                       'information', 'authority'])[1 + floor(random() * 12)::int] AS kind,
                (ARRAY['email', 'letter', 'box', 'web_form', 'phone', 'counter',
                       'social'])[1 + floor(random() * 7)::int] AS channel,
                random() AS chance, random() AS speed
            FROM generate_series(1, %s) AS e
            """,
            [STRUCTURES, DAYS, ENTRIES],
        )
        # The Services Publics+ defaults (improvement.deadlines): no deadline for thanks.
        run(
            """
            INSERT INTO improvement_feedbackentry (id, reference, kind, channel,
                received_on, service, subject, description, contact_name, contact_email,
                status, acknowledge_due, answer_due, acknowledged_on, answered_on, answer,
                root_cause, created_at, reminded_on, submission_key, version,
                assigned_to_id, created_by_id, structure_id, action_id, anonymised_on,
                feeling)
            SELECT d.id,
                extract(year FROM d.received)::int || '-' || lpad(rank::text,
                    greatest(4, length(rank::text)), '0'),
                d.kind, d.channel, d.received, '', (%s::text[])[1 + d.id %% %s],
                'Message reçu par ' || d.channel, '', '',
                CASE WHEN answered IS NOT NULL THEN
                    CASE WHEN d.id %% 3 = 0 THEN 'closed' ELSE 'answered' END
                    ELSE (ARRAY['received', 'acknowledged', 'in_progress'])[1 + d.id %% 3] END,
                CASE WHEN d.kind <> 'thanks' THEN d.received + CASE
                    WHEN d.channel IN ('email', 'web_form', 'social') THEN 7
                    WHEN d.channel IN ('letter', 'box') THEN 14 END END,
                due.due, answered, answered,
                CASE WHEN answered IS NOT NULL THEN 'Réponse apportée à l''usager.' ELSE '' END,
                '', d.received::timestamptz, NULL, '', 1, NULL, NULL, d.structure_id, NULL,
                NULL, ''
            FROM (
                SELECT draft.*, row_number() OVER (
                    PARTITION BY structure_id, extract(year FROM received)
                    ORDER BY received, id) AS rank,
                    CASE WHEN chance < CASE WHEN received < current_date - 30 THEN 0.9
                        ELSE 0.4 END
                    THEN least(current_date, received + floor(speed ^ 2 * 30)::int) END
                    AS answered
                FROM draft
            ) AS d
            JOIN structures_structure s ON s.id = d.structure_id
            JOIN dep ON dep.code = s.department
            LEFT JOIN due ON d.kind <> 'thanks' AND due.key = dep.key
                AND due.received = d.received
                AND due.n = CASE
                    WHEN d.kind = 'authority' AND d.channel IN ('letter', 'box') THEN 15
                    WHEN d.channel IN ('letter', 'box') THEN 10 ELSE 5 END
            """,
            [SUBJECTS, len(SUBJECTS)],
        )
        print(f"  registre : {time.perf_counter() - step:.1f} s", flush=True)
        for table in (
            "structures_structure",
            "improvement_questionnaire",
            "improvement_surveyitem",
            "improvement_collectionpoint",
            "improvement_surveyresponse",
            "improvement_itemanswer",
            "improvement_feedbackentry",
        ):
            run(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
                f"(SELECT max(id) FROM {table}))"
            )
    with psycopg.connect(url, autocommit=True) as conn:
        step = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE : {time.perf_counter() - step:.1f} s")
    print(f"Génération : {time.perf_counter() - started:.1f} s")


def table_sizes(url: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """
            SELECT c.relname, c.reltuples::bigint,
                pg_size_pretty(pg_total_relation_size(c.oid))
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples > 1000
            ORDER BY pg_total_relation_size(c.oid) DESC
            """
        ).fetchall()
        total = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print("\nTables (lignes estimées, taille avec index) :")
        for name, count, size in rows:
            print(f"  {name:32} {count:>10,} {size:>10}".replace(",", " "))
        print(f"  base entière : {total.fetchone()[0]}")


# ---------------------------------------------------------------- personas and pages


def personas() -> dict:
    """The heaviest structure, a typical one (median answers among those with a
    questionnaire), a manager of each with the catalogue's indicators, an operator."""
    from django.db.models import Count

    from barometre.accounts.models import Membership, Role, User
    from barometre.engine import sp_indicator_catalogue
    from barometre.improvement import catalogue
    from barometre.improvement.models import FeedbackEntry, Questionnaire
    from barometre.structures.models import Structure

    counted = list(
        Questionnaire.objects.annotate(n=Count("responses")).order_by("-n").values("pk", "n")
    )
    heavy_q, typical_q = counted[0], counted[len(counted) // 2]
    out = {}
    codes = [i.code for i in sp_indicator_catalogue().indicators]
    year = dt.date.today().year
    for label, row in (("lourde", heavy_q), ("type", typical_q)):
        questionnaire = Questionnaire.objects.get(pk=row["pk"])
        structure = Structure.objects.get(pk=questionnaire.structure_id)
        user, _ = User.objects.get_or_create(username=f"qualite-{label}")
        Membership.objects.get_or_create(user=user, role=Role.MANAGER, structure=structure)
        catalogue.adopt(structure, codes, year=year)
        out[label] = {
            "structure": structure,
            "questionnaire": questionnaire,
            "user": user,
            "responses": row["n"],
            "entries": FeedbackEntry.objects.filter(structure=structure).count(),
        }
    operator, _ = User.objects.get_or_create(username="reseau-operateur")
    Membership.objects.get_or_create(user=operator, role=Role.OPERATOR, structure=None)
    out["operator"] = operator
    return out


def pages(structure, questionnaire) -> list[tuple[str, str]]:
    from django.urls import reverse

    pk = structure.pk
    entries = reverse("improvement:entries", args=[pk])
    return [
        ("résultats d'enquête", reverse("improvement:questionnaire", args=[questionnaire.pk])),
        ("tableau de bord qualité", reverse("improvement:dashboard", args=[pk])),
        ("registre, page 1", entries),
        ("registre, page 2", entries + "?page=2"),
        ("registre, fiches ouvertes", entries + "?status=open"),
        ("registre, bilan", reverse("improvement:figures", args=[pk])),
        ("accueil de la structure", reverse("improvement:structure", args=[pk])),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_NATIONAL_URL", DEFAULT_URL))
    parser.add_argument("--rebuild", action="store_true", help="drop and generate again")
    parser.add_argument("--repeat", type=int, default=20, help="warm requests per page")
    args = parser.parse_args()
    configure(args.url)
    ensure_database(args.url, args.rebuild)
    setup_django()
    from barometre.structures.models import Structure

    if Structure.objects.count() < STRUCTURES:
        if Structure.objects.exists():
            sys.exit("Base partiellement remplie : relancez avec --rebuild.")
        print(f"Génération dans {args.url.rpartition('/')[2]}…", flush=True)
        generate(args.url)
    else:
        print(f"Données déjà présentes dans {args.url.rpartition('/')[2]} (--rebuild pour refaire)")
    table_sizes(args.url)
    measure_all(args.repeat)


def measure_all(repeat: int) -> None:
    import logging

    from benchmarks.bench_pages import measure, p95
    from django.db import connection
    from django.test import Client

    logging.disable(logging.WARNING)
    connection.force_debug_cursor = True
    people = personas()
    baseline = measure(Client(), "/sante/", max(repeat, 20))
    base = baseline["median"]
    print(
        f"\nRéférence /sante/ : médiane {1000 * base:.1f} ms, p95 {1000 * baseline['p95']:.1f} ms"
    )
    header = f"{'page':28} {'froid':>8} {'médiane':>8} {'p95':>8} {'×réf':>6} {'req.':>5}  budget"
    for label in ("lourde", "type"):
        who = people[label]
        print(
            f"\nStructure {label} : {who['structure'].name} — {who['responses']} réponses "
            f"à l'enquête ({10 * who['responses']} réponses aux questions), "
            f"{who['entries']} fiches au registre"
        )
        print(header)
        client = Client()
        client.force_login(who["user"])
        for name, url in pages(who["structure"], who["questionnaire"]):
            r = measure(client, url, repeat)
            verdict = "ok" if r["p95"] <= PAGE_BUDGET else "DÉPASSÉ"
            print(
                f"{name:28} {1000 * r['cold']:6.0f}ms {1000 * r['median']:6.0f}ms "
                f"{1000 * r['p95']:6.0f}ms "
                f"{r['median'] / base:6.0f} {r['queries']:5}  {verdict}"
            )
    network(people["operator"], repeat, base, p95)


def network(operator, repeat: int, base: float, p95) -> None:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("improvement:network")
    except NoReverseMatch:
        print("\nPas de vue réseau.")
        return
    from barometre.improvement import network as indicator

    year = dt.date.today().year - 1
    times = []
    for _ in range(5):
        start = time.perf_counter()
        rows = indicator.on_time_by_department(year)
        times.append(time.perf_counter() - start)
    print(
        f"\nIndicateur réseau (réponses dans le délai par département, {year}, "
        f"{len(rows)} départements) : médiane {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s sur {len(times)} calculs — budget {NETWORK_BUDGET:.0f} s"
    )
    client = Client()
    client.force_login(operator)
    from benchmarks.bench_pages import measure

    r = measure(client, url, max(5, repeat // 4))
    print(
        f"Page réseau (opérateur) : médiane {1000 * r['median']:.0f} ms, p95 "
        f"{1000 * r['p95']:.0f} ms, ×réf {r['median'] / base:.0f}, {r['queries']} requêtes"
    )


if __name__ == "__main__":
    main()
