"""The DSFR alert that shows a Django message."""

from django import template

register = template.Library()

ALERT_KINDS = {"error", "warning", "success"}


@register.filter
def alert_kind(tags: str) -> str:
    """The DSFR alert variant (``fr-alert--…``) of a message's tags: error, warning or
    success, otherwise info."""
    return tags if tags in ALERT_KINDS else "info"
