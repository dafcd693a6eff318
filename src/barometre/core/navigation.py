"""The DSFR breadcrumb of a page, in one helper: links are named URLs, never typed paths."""

from django.urls import reverse_lazy


def link(title: str, name: str, *args: object) -> dict[str, object]:
    """One breadcrumb link to the named URL (resolved when the page renders)."""
    return {"url": reverse_lazy(name, args=args), "title": title}


def crumbs(current: str, *links: dict[str, object], nav: str = "") -> dict[str, object]:
    """The context of the layout's breadcrumb (and of the main menu's current entry)."""
    context: dict[str, object] = {"breadcrumb_data": {"links": list(links), "current": current}}
    if nav:
        context["active_nav"] = nav
    return context
