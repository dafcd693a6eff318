"""The PDF charts: labels are wrapped, never cut, and stay inside the chart."""

import re

from barometre.results import charts

LONG = "Développement économique, aménagement et tourisme"


def _lines(svg: str) -> list[str]:
    return re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)


def test_a_long_label_wraps_inside_its_column_and_keeps_every_word():
    svg = charts.bars([LONG, "Régions"], {"Score moyen": [63.6, 60.0]})
    lines = _lines(svg)
    assert lines[-1] == "Régions"
    assert " ".join(lines[:-1]) == LONG and len(lines) > 2
    # Drawn right-aligned at x = 194: each line must be narrower than that.
    assert all(len(line) * charts.CHAR_WIDTH <= 194 for line in lines)


def test_a_group_grows_to_hold_its_label_lines():
    short = charts.bars(["A", "B"], {"Score moyen": [50, 60]})
    wrapped = charts.bars([LONG, "B"], {"Score moyen": [50, 60]})
    height = re.compile(r'height="(\d+)"')
    assert int(height.search(wrapped)[1]) > int(height.search(short)[1])


def test_a_label_is_escaped():
    svg = charts.bars(["<b>Accueil & attente</b>"], {"Score moyen": [50]})
    assert "&lt;b&gt;Accueil &amp; attente&lt;/b&gt;" in svg and "<b>" not in svg


def test_the_histogram_marker_label_turns_left_near_the_right_edge():
    near_edge = charts.histogram([1] * 10, marker=96.0, marker_label="quartile supérieur dès")
    assert 'text-anchor="end" y="12" fill="#c9191e">quartile supérieur dès' in near_edge
    middle = charts.histogram([1] * 10, marker=50.0, marker_label="quartile supérieur dès")
    assert 'text-anchor="end"' not in middle.split("<line")[-1]
