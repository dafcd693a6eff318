"""Charts for the PDF documents, as small SVG drawn inline in the page.

matplotlib was tried first (see docs/ARCHITECTURE.md, "Libraries"): its SVG takes 0.2 s a
chart to produce and WeasyPrint then needs 0.2 s more to draw each one (every glyph is a
path), which put a report at 3 s against a budget of 1.5 s. These charts are only bars
with labels: a few rectangles and text elements written here draw in milliseconds, use
the document's embedded Marianne font, and every one comes with its table in the
document. The web pages use the vendored DSFR charts instead."""

from __future__ import annotations

import math
import textwrap
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

# DSFR colours: blue France, its lighter tint, a neutral grey; red for markers.
PALETTE = ["#000091", "#8585f6", "#929292"]
MARKER = "#c9191e"
FONT = 'font-family="Marianne, sans-serif"'


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _fmt(value: float) -> str:
    return number_format(value, 0)


# Marianne at the charts' 10 px: about 5.5 px a character on average; wrapping at this
# estimate keeps a label inside its column (a label is never cut: it takes more lines).
CHAR_WIDTH = 5.8
LINE_HEIGHT = 11


def wrap_label(label: str, width_px: float) -> list[str]:
    """``label`` on as many lines as it needs to fit ``width_px`` (long words are split)."""
    columns = max(8, int(width_px / CHAR_WIDTH))
    return textwrap.wrap(label, columns, break_on_hyphens=False) or [""]


def bars(
    labels: list[str],
    series: dict[str, list[float | None]],
    *,
    maximum: float = 100,
    title: str = "",
) -> SafeString:
    """Horizontal grouped bars on a 0–maximum scale, one group per label, a legend above
    when there are several series. Missing values are marked "non audité". A long label
    wraps onto several lines and its group grows to hold them."""
    width, label_w, right = 640, 200, 40
    plot_w = width - label_w - right
    bar_h, gap = 11, 9
    wrapped = [wrap_label(label, label_w - 8) for label in labels]
    heights = [max(bar_h * len(series), LINE_HEIGHT * len(lines)) + gap for lines in wrapped]
    top = 22 if len(series) > 1 else 6
    height = top + sum(heights) + 22
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" {FONT} font-size="10">'
    ]
    for k, name in enumerate(series if len(series) > 1 else []):
        x = label_w + k * 150
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{PALETTE[k % 3]}"/>'
            f'<text x="{x + 14}" y="13">{escape(name)}</text>'
        )
    for tick in range(0, int(maximum) + 1, int(maximum) // 5 or 1):
        x = label_w + plot_w * tick / maximum
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" '
            f'y2="{height - 18}" stroke="#dddddd" stroke-width="0.6"/>'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" '
            f'fill="#666666">{tick}</text>'
        )
    y0 = top
    for i, lines in enumerate(wrapped):
        group_h = heights[i]
        first = y0 + (group_h - gap) / 2 - LINE_HEIGHT * (len(lines) - 1) / 2 + 3.5
        parts.append(f'<text x="{label_w - 6}" y="{first:.1f}" text-anchor="end">')
        parts.extend(
            f'<tspan x="{label_w - 6}" dy="{0 if n == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append("</text>")
        bars_top = y0 + (group_h - gap - bar_h * len(series)) / 2
        for k, values in enumerate(series.values()):
            value = values[i]
            y = bars_top + k * bar_h
            if _missing(value):
                if k == 0:
                    parts.append(
                        f'<text x="{label_w + 3}" y="{y + bar_h - 2:.1f}" '
                        f'fill="#666666" font-size="9">non audité</text>'
                    )
                continue
            w = plot_w * max(0.0, min(value, maximum)) / maximum
            parts.append(
                f'<rect x="{label_w}" y="{y:.1f}" width="{w:.1f}" height="{bar_h - 1}" '
                f'fill="{PALETTE[k % 3]}"/>'
            )
            if k == 0:
                parts.append(
                    f'<text x="{label_w + w + 3:.1f}" y="{y + bar_h - 2:.1f}" '
                    f'font-size="9">{_fmt(value)}</text>'
                )
        y0 += group_h
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def histogram(counts: list[int], *, marker: float | None = None,
              marker_label: str = "") -> SafeString:  # fmt: skip
    """Number of structures by tens of score (0–9 … 90–100), with an optional marker
    (such as the top-quartile threshold)."""
    width, height, left, bottom, top = 640, 200, 40, 24, 30
    plot_w, plot_h = width - left - 10, height - top - bottom
    peak = max(counts) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} '
             f'{height}" width="{width}" height="{height}" role="img" '
             f'aria-label="Distribution des scores" {FONT} font-size="10">']  # fmt: skip
    step = plot_w / 10
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        x = left + i * step
        parts.append(f'<rect x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" width="{step - 4:.1f}" '
                     f'height="{h:.1f}" fill="{PALETTE[1]}"/>'
                     f'<text x="{x + step / 2:.1f}" y="{top + plot_h - h - 3:.1f}" '
                     f'text-anchor="middle" font-size="9">{count}</text>'
                     f'<text x="{x + step / 2:.1f}" y="{height - 8}" text-anchor="middle" '
                     f'fill="#666666">{i * 10}–{i * 10 + (10 if i == 9 else 9)}</text>'
                     )  # fmt: skip
    if not _missing(marker):
        x = left + plot_w * marker / 100
        text = f"{marker_label} {number_format(marker, 1)}"
        # Right of the line, or left of it when the text would run past the chart's edge.
        fits_right = x + 4 + CHAR_WIDTH * len(text) <= width
        anchor = f'x="{x + 4:.1f}"' if fits_right else f'x="{x - 4:.1f}" text-anchor="end"'
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 26}" x2="{x:.1f}" y2="{top + plot_h}" '
            f'stroke="{MARKER}" stroke-width="1.5"/>'
            f'<text {anchor} y="{top - 18}" fill="{MARKER}">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308
