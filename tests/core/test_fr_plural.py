"""The French plural: none for 0, 1 and anything under 2 (« 0 ligne », « 1,5 point »)."""

from django.template import Context, Template


def test_the_plural_mark_starts_at_two():
    template = Template("{% load figures %}{% for n in values %}{{ n|fr_plural }}|{% endfor %}")
    rendered = template.render(Context({"values": [0, 1, 1.5, 2, 36000, -3, None, "x"]}))
    assert rendered == "|||s|s|s|s|s|"
