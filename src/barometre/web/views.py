import functools
import re

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, Func
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from barometre.accounts.access import require_operator
from barometre.accounts.models import Role, SensitiveAction
from barometre.campaigns.access import is_fieldworker
from barometre.core import outage
from barometre.core.health import failing_parts
from barometre.core.public_pages import for_visitors, private
from barometre.improvement.models import ImprovementProfile
from barometre.results.models import ResultSet, StructureResult
from barometre.structures.models import Label, Structure, StructureImport, StructureKind
from barometre.web import today as today_work


@login_not_required
def home(request):
    """A visitor sees what the platform publishes; a user, the home of their roles."""
    if not request.user.is_authenticated:
        return for_visitors(
            request, _public_home_key(), lambda: _public_home(request), seconds=PUBLIC_HOME_SECONDS
        )
    user = request.user
    roles = user.roles
    today = timezone.localdate()
    context = {"roles": roles, "active_nav": "home", "Role": Role}
    if user.is_operator:
        context["operator_work"] = today_work.operator_work(user, today)
    if user.is_operator:
        by_kind = dict(Structure.objects.values_list("kind").annotate(n=Count("id")).order_by())
        context["operator"] = {
            "structure_count": sum(by_kind.values()),
            "by_kind": [(label, by_kind.get(code, 0)) for code, label in StructureKind.choices],
            "certified_count": Structure.objects.certified().count(),
            "recent_imports": StructureImport.objects.select_related("uploaded_by")[:5],
            # Managers' label proposals wait for an operator's decision (with the certificate).
            "proposed_labels": Label.objects.proposed()
            .select_related("structure")
            .order_by("proposed_at")[:20],
        }
    memberships = (
        user.memberships.filter(structure__isnull=False)
        .select_related("structure")
        .order_by("structure__name")
    )
    context["memberships"] = memberships
    structure_ids = {m.structure_id for m in memberships}
    if is_fieldworker(user):
        fieldwork = today_work.fieldwork_work(user, today)
        # A colleague who called in a finished campaign is not shown an empty agenda.
        if user.is_auditor or fieldwork[0].tasks or not structure_ids:
            context["fieldwork"] = fieldwork
            context["fieldwork_title"] = (
                "Enquêteur mystère" if user.is_auditor else "Appels mystères"
            )
    if structure_ids:
        context["structure_work"] = today_work.structure_work(user, memberships, today)
        labels = (
            Label.objects.confirmed()
            .filter(structure_id__in=structure_ids)
            .select_related("structure")
            .order_by("expires_on")
        )
        context["expired_labels"] = labels.expired(today)
        context["expiring_labels"] = labels.to_renew(today)
    managed = {m.structure_id for m in memberships if m.role == Role.MANAGER}
    if managed:
        context["my_results"] = _published_results(managed)
    # The same address serves visitors a public page that shared caches keep.
    return private(render(request, "web/home.html", context))


# A safety net only: the key changes with every publication (see ``_public_home_key``).
PUBLIC_HOME_SECONDS = 600


def _public_home(request):
    transparency = ImprovementProfile.objects.publishing_transparency()
    context = {
        "editions": _published_editions(),
        "transparency": transparency.select_related("structure").order_by("structure__name"),
    }
    return render(request, "web/public_home.html", context)


def _public_home_key() -> str:
    """The cache key of the visitors' home, in one query: when a national result version
    was last published and how many are, when a structure last changed what it publishes
    (a profile that stops publishing moves its own ``changed_at``), and when a publishing
    structure was last renamed."""
    sql, params = _public_home_key_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return "public_home:" + ":".join(str(value) for value in row)


@functools.cache
def _public_home_key_sql() -> tuple[str, list]:
    """Compiled once per process: building it through the ORM cost more than running it."""
    published = ResultSet.objects.published_national().order_by()
    profiles = ImprovementProfile.objects.order_by()

    def scalar(queryset, function: str, field: str):
        return queryset.annotate(v=Func(F(field), function=function)).values("v").query

    parts = [
        scalar(published, "MAX", "published_at"),
        scalar(published, "COUNT", "pk"),
        scalar(profiles, "MAX", "changed_at"),
        scalar(profiles.publishing_transparency(), "MAX", "structure__updated_at"),
    ]
    sql, params = [], []
    for query in parts:
        text, values = query.sql_with_params()
        sql.append(f"({text})")
        params.extend(values)
    return f"SELECT {', '.join(sql)}", params


def _published_editions() -> list[ResultSet]:
    """The latest published result set of each national edition, newest edition first."""
    latest = {}
    for result_set in (
        ResultSet.objects.published_national()
        .select_related("edition")
        .without_large_fields()
        .order_by("-edition__year", "-edition_id", "-version")
    ):
        latest.setdefault(result_set.edition_id, result_set)
    return list(latest.values())


def _published_results(structure_ids: set[int]) -> list[StructureResult]:
    """The latest published result of each (edition, structure) for these structures."""
    rows = (
        StructureResult.objects.filter(
            structure_id__in=structure_ids,
            result_set__published_at__isnull=False,
            result_set__status="ready",
        )
        .select_related("result_set__edition", "structure")
        .order_by("-result_set__edition__year", "structure__name", "-result_set__version")
    )
    latest = {}
    for row in rows[:200]:
        latest.setdefault((row.result_set.edition_id, row.structure_id), row)
    return list(latest.values())


@login_not_required
def health(request):
    """For load balancers and monitoring: 200 when the database, and the shared cache and
    the file storage when configured, answer; 503 naming what does not (``core.health``,
    which logs a change once, not each request)."""
    failing = failing_parts()
    if not failing:
        response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
    else:
        lines = [f"{name} : injoignable ({error})" for name, error in failing.items()]
        response = HttpResponse(
            "\n".join(lines), status=503, content_type="text/plain; charset=utf-8"
        )
        response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
        response._has_been_logged = True  # logged once per change by core.health
    response["Cache-Control"] = "no-store"
    return response


def journal(request):
    """The journal of sensitive actions, for operators."""
    require_operator(request.user)
    entries = SensitiveAction.objects.select_related("actor")
    kind = request.GET.get("action", "")
    if kind in SensitiveAction.Kind.values:
        entries = entries.filter(kind=kind)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/journal.html",
        {
            "page_obj": page,
            "kinds": SensitiveAction.Kind.choices,
            "kind": kind,
            "breadcrumb_data": {"links": [], "current": "Journal des actions sensibles"},
        },
    )


GUIDE_PAGES = {
    "": "README.md",
    "operateur": "operateur.md",
    "enqueteur": "enqueteur.md",
    "responsable-qualite": "responsable-qualite.md",
    "agent": "agent.md",
    "methodologie": "methodologie.md",
    "donnees-personnelles": "donnees-personnelles.md",
    "mentions-legales": "mentions-legales.md",
}
_GUIDE_LINK = re.compile(r'href="(?:\./)?([a-z-]+)\.md"')


@login_not_required
def guide(request, page: str = ""):
    """The user guide (docs/guide, Markdown) as pages of the site: the help menu."""
    name = GUIDE_PAGES.get(page)
    path = settings.BASE_DIR / "docs" / "guide" / (name or "")
    if name is None or not path.is_file():
        raise Http404("Page d'aide introuvable.")
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(path.read_text())
    html = _GUIDE_LINK.sub(lambda m: f'href="/aide/{"" if m[1] == "README" else m[1] + "/"}"', html)
    html = html.replace("<table>", '<div class="fr-table"><table>').replace(
        "</table>", "</table></div>"
    )
    title = re.search(r"<h1>(.*?)</h1>", html)
    return render(
        request,
        "web/guide.html",
        {
            "content": mark_safe(html),  # noqa: S308 (our own Markdown, raw HTML disabled)
            "title": title[1] if title else "Aide",
            "pages": GUIDE_PAGES,
            "page": page,
            "breadcrumb_data": {
                "links": [{"url": "/aide/", "title": "Aide"}] if page else [],
                "current": title[1] if title else "Aide",
            },
        },
    )
