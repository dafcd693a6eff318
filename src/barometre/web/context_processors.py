from django.conf import settings
from django.urls import reverse

from barometre.accounts.access import require_registry_access
from barometre.campaigns.access import called_editions

SKIPLINKS = [
    {"link": "#content", "label": "Contenu"},
    {"link": "#fr-navigation", "label": "Menu"},
    {"link": "#footer", "label": "Pied de page"},
]
# Pages without a menu (visitors, public forms): no skip link to a menu that is not there
# (axe-core's ``skip-link`` rule).
SKIPLINKS_WITHOUT_MENU = [link for link in SKIPLINKS if link["link"] != "#fr-navigation"]


def _item(name: str, label: str, key: str) -> dict[str, str]:
    return {"url": reverse(name), "label": label, "key": key}


def _navigation(user) -> list[dict[str, str]]:
    if not user.is_authenticated:
        return []
    items = [_item("home", "Accueil", "home")]
    try:
        require_registry_access(user)
        items.append(_item("structures:list", "Structures", "structures"))
    except Exception:  # noqa: S110 - no registry access: no menu entry
        pass
    if user.structure_ids("manager", "agent", "viewer"):
        items.append(_item("improvement:index", "Amélioration continue", "improvement"))
    if user.is_auditor:
        items.append(_item("campaigns:my_tasks", "Mes audits", "my_tasks"))
    elif not user.is_operator and called_editions(user):
        items.append(_item("campaigns:my_tasks", "Mes appels mystères", "my_tasks"))
    if not user.is_operator and user.structure_ids("manager"):
        items.append(_item("campaigns:editions", "Campagnes internes", "editions"))
    if user.is_operator:
        items.append(_item("campaigns:editions", "Éditions", "editions"))
        items.append(_item("campaigns:validation", "Validation", "validation"))
        items.append(_item("improvement:network", "Registres du réseau", "network"))
        items.append(_item("journal", "Journal", "journal"))
        items.append(_item("admin:index", "Administration", "admin"))
    return items


def operator_identity(request):
    """The operator identity (configurable) and the layout data every page needs.

    It replaces django-dsfr's database-backed site configuration, so that a page render
    costs no query for it and the identity is set by environment variables."""
    operator = settings.OPERATOR
    navigation = _navigation(request.user) if hasattr(request, "user") else []
    return {
        "OPERATOR": {**operator, "brand_lines": operator["brand"].split("|")},
        "SITE_CONFIG": {
            "site_title": operator["name"],
            "site_tagline": operator["tagline"],
        },
        "OIDC_ENABLED": settings.OIDC_ENABLED,
        "OIDC_PROVIDER_NAME": settings.OIDC_PROVIDER_NAME,
        "skiplinks": SKIPLINKS if navigation else SKIPLINKS_WITHOUT_MENU,
        "main_navigation": navigation,
    }
