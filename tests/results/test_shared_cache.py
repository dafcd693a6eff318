"""With BAROMETRE_CACHE_URL, the web processes of every machine share one cache on Redis:
a page one process rendered is served by another, and a publication or a rename shows at
once on both. Runs against the real Redis server (tests/redis_server.py); the second
process is a real one, which reads the test database, so this needs PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from barometre.results.computing import publish, request_computation
from barometre.structures.models import Structure
from tests.redis_server import REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ERRATUM = "Un audit de la Ville C était compté deux fois."

# Another web process: a fresh interpreter with its own (empty) memory, the same database
# and the same Redis. It says what it answered and how many pages it had to render.
OTHER_PROCESS = """
import json, sys
import django
django.setup()
from django.test import Client
from barometre.results import views
renders = []
real = views.render
views.render = lambda *a, **k: renders.append(1) or real(*a, **k)
response = Client().get(sys.argv[1])
print(json.dumps({"status": response.status_code, "etag": response.get("ETag"),
                  "renders": len(renders), "text": response.content.decode()}))
"""


def other_process(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETRE_")}
    database = connection.settings_dict
    env |= {
        "DJANGO_SETTINGS_MODULE": "barometre.settings.test",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "BAROMETRE_CACHE_URL": REDIS_URL,
        "BAROMETRE_CACHE_PREFIX": "barometre-test",
        "BAROMETRE_ALLOWED_HOSTS": "testserver",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, url],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process on the database")
def test_a_publication_and_a_rename_show_at_once_on_another_process(
    shared_cache, ranked, operator, client_for
):
    import redis

    publish(ranked, by=operator)
    url = reverse("results:public_palmares", args=[ranked.edition_id])
    here = client_for(None).get(url)
    assert here.status_code == 200 and "Ville A" in here.text
    assert redis.Redis.from_url(REDIS_URL).dbsize() > 0  # the page went to Redis

    # The other process serves the page this one rendered, without rendering it.
    there = other_process(url)
    assert (there["status"], there["etag"], there["renders"]) == (200, here["ETag"], 0)

    # A correction published here is what the other process serves next.
    correction = request_computation(ranked.edition, by=operator)
    correction.refresh_from_db()
    publish(correction, by=operator, erratum=ERRATUM)
    there = other_process(url)
    assert there["status"] == 200 and ERRATUM in there["text"]
    assert there["etag"] != here["ETag"]
    assert client_for(None).get(url)["ETag"] == there["etag"]

    # A rename too: the palmarès names the structures.
    town = Structure.objects.get(name="Ville A")
    town.name = "Ville A-sur-Loire"
    town.save()
    there = other_process(url)
    assert "Ville A-sur-Loire" in there["text"] and "Ville A<" not in there["text"]
    # Rendered once, by one of the two: this process now serves it from Redis.
    again = client_for(None).get(url)
    assert again["ETag"] == there["etag"] and "Ville A-sur-Loire" in again.text


def test_the_cached_bodies_pdfs_and_figures_go_through_redis(
    shared_cache, ranked, operator, client_for
):
    """What the platform caches can be stored on Redis (pickled), not only in memory."""
    import redis

    publish(ranked, by=operator)
    edition = ranked.edition_id
    structure = ranked.structures.order_by("pk").first().structure_id
    urls = [
        "/",
        reverse("results:synthesis", args=[edition]),
        reverse("results:public_palmares", args=[edition]),
        reverse("results:open_data", args=[edition]),
        reverse("results:synthesis_pdf", args=[edition]),
        reverse("results:report_pdf", args=[edition, structure]),
        reverse("results:dashboard", args=[edition, structure]),
    ]
    for user in (None, operator):
        client = client_for(user)
        for url in urls:
            first = client.get(url)
            if user is None and first.status_code == 302:
                continue  # a logged-in user's page: to the login
            assert first.status_code == 200, url
            again = client.get(url)
            assert again.status_code == 200, url
            if user is None or url.endswith((".pdf", ".csv")):  # the same bytes for all
                assert again.content == first.content, url
    keys = redis.Redis.from_url(REDIS_URL).keys("barometre-test:*")
    assert len(keys) >= len(urls)
