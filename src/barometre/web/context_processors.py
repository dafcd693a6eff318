from django.conf import settings

from barometre.accounts.access import require_registry_access

SKIPLINKS = [
    {"link": "#content", "label": "Contenu"},
    {"link": "#fr-navigation", "label": "Menu"},
    {"link": "#footer", "label": "Pied de page"},
]


def _navigation(user) -> list[dict[str, str]]:
    if not user.is_authenticated:
        return []
    items = [{"url": "/", "label": "Accueil", "key": "home"}]
    try:
        require_registry_access(user)
        items.append({"url": "/structures/", "label": "Structures", "key": "structures"})
    except Exception:  # noqa: S110 - no registry access: no menu entry
        pass
    if user.structure_ids("manager", "agent", "viewer"):
        items.append({"url": "/amelioration/", "label": "Amélioration continue",
                      "key": "improvement"})  # fmt: skip
    if user.is_auditor:
        items.append({"url": "/terrain/", "label": "Mes audits", "key": "my_tasks"})
    if not user.is_operator and user.structure_ids("manager"):
        items.append({"url": "/terrain/editions/", "label": "Campagnes internes",
                      "key": "editions"})  # fmt: skip
    if user.is_operator:
        items.append({"url": "/terrain/editions/", "label": "Éditions", "key": "editions"})
        items.append({"url": "/terrain/validation/", "label": "Validation", "key": "validation"})
        items.append({"url": "/journal/", "label": "Journal", "key": "journal"})
        items.append({"url": "/admin/", "label": "Administration", "key": "admin"})
    return items


def operator_identity(request):
    """The operator identity (configurable) and the layout data every page needs.

    It replaces django-dsfr's database-backed site configuration, so that a page render
    costs no query for it and the identity is set by environment variables."""
    operator = settings.OPERATOR
    return {
        "OPERATOR": {**operator, "brand_lines": operator["brand"].split("|")},
        "SITE_CONFIG": {
            "site_title": operator["name"],
            "site_tagline": operator["tagline"],
        },
        "OIDC_ENABLED": settings.OIDC_ENABLED,
        "OIDC_PROVIDER_NAME": settings.OIDC_PROVIDER_NAME,
        "skiplinks": SKIPLINKS,
        "main_navigation": _navigation(request.user) if hasattr(request, "user") else [],
    }
