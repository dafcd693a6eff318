"""Figures of the results for the templates, so that every page reads them through
``results.figures`` (one definition per kind of figure) without each view converting
them: ``{{ result_set|key_figures }}``, ``{{ result|structure_score }}``,
``{{ funnel|funnel_chart }}``."""

from django import template

from barometre.results import charts, figures, publication

register = template.Library()


@register.filter
def key_figures(result_set):
    return publication.key_figures(result_set)


@register.filter
def structure_score(result):
    return figures.structure_score(result)


@register.filter
def funnel_chart(funnel, title=""):
    return charts.funnel(funnel, title=title) if funnel else ""


@register.filter
def score_interval(result):
    """A structure's 90 % interval, or why it has none (``Figure.interval``)."""
    return figures.structure_score(result).interval
