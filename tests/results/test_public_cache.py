"""The public pages of a published edition (synthesis, palmarès) are built once per result
version and served from the cache, yet change the moment a new version is published."""

import pytest
from django.urls import reverse

from barometre.results.computing import publish, request_computation

pytestmark = pytest.mark.django_db

ERRATUM = "Un audit de Metz était compté deux fois."
PAGES = ["results:synthesis", "results:public_palmares"]


def _computed(edition, operator):
    result_set = request_computation(edition, by=operator)
    result_set.refresh_from_db()
    return result_set


@pytest.mark.parametrize("page", PAGES)
def test_a_public_page_changes_the_moment_a_correction_is_published(
    page, filled, operator, client, client_for
):
    publish(_computed(filled, operator), by=operator)
    url = reverse(page, args=[filled.pk])
    assert ERRATUM not in client.get(url).text  # cached: version 1
    correction = _computed(filled, operator)
    # Computed, not yet published: visitors still read version 1.
    assert "Version corrigée" not in client_for(None).get(url).text
    publish(correction, by=operator, erratum=ERRATUM)
    assert ERRATUM in client_for(None).get(url).text


def test_the_synthesis_body_is_built_once_per_version(filled, operator, client, monkeypatch):
    from barometre.results import views

    built = []
    real = views.national_synthesis
    monkeypatch.setattr(views, "national_synthesis", lambda rs: built.append(rs.pk) or real(rs))
    first = _computed(filled, operator)
    publish(first, by=operator)
    url = reverse("results:synthesis", args=[filled.pk])
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert built == [first.pk]
    correction = _computed(filled, operator)
    publish(correction, by=operator, erratum=ERRATUM)
    assert ERRATUM in client.get(url).text
    assert built == [first.pk, correction.pk]


def test_the_preview_of_an_unpublished_version_is_not_shown_to_visitors(
    filled, operator, client_for
):
    publish(_computed(filled, operator), by=operator)
    _computed(filled, operator)
    url = reverse("results:synthesis", args=[filled.pk])
    assert "Aperçu de la version 2" in client_for(operator).get(url).text
    visitor = client_for(None).get(url).text
    assert "Aperçu" not in visitor and "Synthèse nationale" in visitor


def test_the_pdfs_are_built_once_per_version(filled, operator, client_for, monkeypatch):
    from barometre.results import views

    built = []
    for name in ("synthesis_pdf", "report_pdf"):
        real = getattr(views, name)
        monkeypatch.setattr(
            views, name, lambda report, real=real, name=name: built.append(name) or real(report)
        )
    first = _computed(filled, operator)
    publish(first, by=operator)
    structure = first.structures.order_by("pk").first().structure_id
    urls = [
        reverse("results:synthesis_pdf", args=[filled.pk]),
        reverse("results:report_pdf", args=[filled.pk, structure]),
    ]
    client = client_for(operator)
    contents = [[client.get(url).content for url in urls] for _ in range(2)]
    assert contents[0] == contents[1] and built == ["synthesis_pdf", "report_pdf"]
    publish(_computed(filled, operator), by=operator, erratum=ERRATUM)
    assert [client.get(url).content for url in urls] != contents[0]
    assert built == ["synthesis_pdf", "report_pdf"] * 2


@pytest.mark.parametrize("page", PAGES)
def test_visitors_get_the_whole_page_from_the_cache(
    page, filled, operator, client_for, monkeypatch
):
    from barometre.results import views

    rendered = []
    real = views.render
    monkeypatch.setattr(views, "render", lambda *a, **k: rendered.append(1) or real(*a, **k))
    publish(_computed(filled, operator), by=operator)
    url = reverse(page, args=[filled.pk])
    visitor = client_for(None)
    pages = [visitor.get(url).content for _ in range(3)]
    assert pages[0] == pages[1] == pages[2] and len(rendered) == 1
    assert b"Se d\xc3\xa9connecter" not in pages[0]
    # A logged-in user's page names them: rendered for each request.
    client_for(operator).get(url)
    client_for(operator).get(url)
    assert len(rendered) == 3


@pytest.mark.parametrize("page", PAGES)
def test_a_cached_page_does_not_read_the_versions_large_fields(page, filled, operator, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish(_computed(filled, operator), by=operator)
    url = reverse(page, args=[filled.pk])
    for user in (None, operator):
        client = client_for(user)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        read = " ".join(q["sql"] for q in queries)
        assert "results_resultset" in read and '"benchmarks"' not in read


def test_the_public_home_lists_published_versions_without_their_large_fields(
    filled, operator, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish(_computed(filled, operator), by=operator)
    visitor = client_for(None)
    visitor.get("/")
    with CaptureQueriesContext(connection) as queries:
        page = visitor.get("/")
    assert filled.name in page.text
    read = " ".join(q["sql"] for q in queries)
    assert "results_resultset" in read and '"benchmarks"' not in read


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_reads_a_cached_page_with_one_query(page, filled, operator, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish(_computed(filled, operator), by=operator)
    url = reverse(page, args=[filled.pk])
    visitor = client_for(None)
    visitor.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert visitor.get(url).status_code == 200
    assert len(queries) == 1, [q["sql"] for q in queries]


@pytest.mark.parametrize("page", PAGES)
def test_a_browser_that_accepts_gzip_gets_the_cached_page_compressed(
    page, filled, operator, client_for
):
    import gzip

    publish(_computed(filled, operator), by=operator)
    url = reverse(page, args=[filled.pk])
    visitor = client_for(None)
    plain = visitor.get(url)
    packed = visitor.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) * 3 < len(plain.content)
    # A new publication: the compressed page changes too.
    publish(_computed(filled, operator), by=operator, erratum=ERRATUM)
    again = visitor.get(url, headers={"accept-encoding": "gzip"})
    assert ERRATUM in gzip.decompress(again.content).decode()
