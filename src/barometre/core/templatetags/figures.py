"""Template filters writing numbers by the one rule of ``core.figures``:
``{{ value|percent }}`` (a value in percent), ``{{ share|share }}`` (a share 0–1),
``{{ n|count }}``, ``{{ d|days }}``, ``{{ s|score }}``; an optional argument gives the
decimals (``{{ value|percent:0 }}`` in a headline)."""

from django import template

from barometre.core import figures

register = template.Library()


@register.filter
def percent(value, decimals=1):
    return figures.format_percent(value, int(decimals))


@register.filter
def share(value, decimals=1):
    return figures.format_share(value, int(decimals))


@register.filter
def count(value):
    return figures.format_count(value)


@register.filter
def days(value):
    return figures.format_days(value)


@register.filter
def score(value, decimals=1):
    return figures.format_number(value, int(decimals))


@register.filter
def signed(value, decimals=1):
    """A change: ``+1,5`` or ``-0,3``."""
    text = figures.format_number(value, int(decimals))
    return text if text.startswith("-") or text == figures.MISSING else f"+{text}"


@register.filter
def fr_plural(value, suffix="s"):
    """The plural mark in French: none for 0 and 1 (« 0 ligne écrite »), ``suffix`` from 2
    (``{{ n|count }} ligne{{ n|fr_plural }}``)."""
    try:
        return suffix if abs(float(value)) >= 2 else ""
    except (TypeError, ValueError):
        return suffix


@register.filter
def with_interval(figure, level=95):
    """What follows a figure in a sentence: « , intervalle à 95 % : 61,2 – 74,0 », or why it
    has none, « (pas d'intervalle : une seule observation) » (``Figure.interval``)."""
    if figure is None:
        return ""
    if figure.has_interval:
        return f", intervalle à {level}\u00a0% : {figure.interval}"
    return f" ({figure.no_interval})"
