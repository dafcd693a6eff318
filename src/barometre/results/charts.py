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
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

from barometre.core.figures import format_number
from barometre.engine import funnel_limits

if TYPE_CHECKING:
    from typing_extensions import TypeIs

# DSFR colours: blue France, its lighter tint, a neutral grey; red for markers.
PALETTE = ["#000091", "#8585f6", "#929292"]
MARKER = "#c9191e"
FONT = 'font-family="Marianne, sans-serif"'


def _missing(value: float | None) -> TypeIs[None]:
    """None or NaN. For the type checker, False means a number."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _fmt(value: float) -> str:
    # Rounded half up like every figure (63.6 → 64), never truncated.
    return format_number(value, 0)


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
        x: float = label_w + k * 150
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


def histogram(
    counts: list[int], *, marker: float | None = None, marker_label: str = ""
) -> SafeString:
    """Number of structures by tens of score (0–9 … 90–100), with an optional marker
    (such as the top-quartile threshold)."""
    width, height, left, bottom, top = 640, 200, 40, 24, 30
    plot_w, plot_h = width - left - 10, height - top - bottom
    peak = max(counts) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" '
        f'aria-label="Distribution des scores" {FONT} font-size="10">'
    ]
    step = plot_w / 10
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        x = left + i * step
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" width="{step - 4:.1f}" '
            f'height="{h:.1f}" fill="{PALETTE[1]}"/>'
            f'<text x="{x + step / 2:.1f}" y="{top + plot_h - h - 3:.1f}" '
            f'text-anchor="middle" font-size="9">{count}</text>'
            f'<text x="{x + step / 2:.1f}" y="{height - 8}" text-anchor="middle" '
            f'fill="#666666">{i * 10}–{i * 10 + (10 if i == 9 else 9)}</text>'
        )
    if not _missing(marker):
        x = left + plot_w * marker / 100
        text = f"{marker_label} {format_number(marker, 1)}"
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


def funnel(data, *, title: str = "") -> SafeString:
    """A funnel plot (``results.figures.Funnel``): each structure's score against its
    number of audits, the national mean, and the 95 % (dashed) and 99.8 % (solid) limits.
    The structure whose report it is, if any, is the larger red dot."""
    width, height, left, right, top, bottom = 640, 290, 46, 14, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    sizes = [p.audits for p in data.points]
    # From one audit, so that the limits draw their funnel even when every structure has
    # about the same number of audits.
    lo_n, hi_n = 1, max(sizes) + 1

    def x(n: float) -> float:
        return left + plot_w * (n - lo_n) / (hi_n - lo_n)

    def y(score: float) -> float:
        return top + plot_h * (1 - max(0.0, min(score, 100.0)) / 100)

    label = title or "Entonnoir : score selon le nombre d'audits"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(label)}" {FONT} font-size="10">'
    ]
    for tick in range(0, 101, 20):
        parts.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" '
            f'stroke="#dddddd" stroke-width="0.6"/><text x="{left - 6}" y="{y(tick) + 3:.1f}" '
            f'text-anchor="end" fill="#666666">{tick}</text>'
        )
    step = max(1, (hi_n - lo_n) // 8)
    for n in range(lo_n, hi_n + 1, step):
        parts.append(
            f'<text x="{x(n):.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'fill="#666666">{n}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" '
        f'fill="#666666">Nombre d\'audits</text>'
    )
    steps = [lo_n + (hi_n - lo_n) * i / 60 for i in range(61)]
    curves = [
        ("low95", "4 3", 1),
        ("high95", "4 3", 1),
        ("low998", "", 1.2),
        ("high998", "", 1.2),
    ]
    for name, dash, stroke in curves:
        points = " ".join(
            f"{x(n):.1f},{y(getattr(funnel_limits(data.target, data.sigma, n), name)):.1f}"
            for n in steps
        )
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{PALETTE[2]}" '
            f'stroke-width="{stroke}"{dashes}/>'
        )
    parts.append(
        f'<line x1="{left}" y1="{y(data.target):.1f}" x2="{width - right}" '
        f'y2="{y(data.target):.1f}" stroke="{PALETTE[0]}" stroke-width="1.2"/>'
    )
    for i, point in enumerate(sorted(data.points, key=lambda p: p.own)):
        colour, radius = (MARKER, 5) if point.own else (PALETTE[1], 2.5)
        # A small fixed spread, so that structures with as many audits do not hide each other.
        spread = 0 if point.own else (i * 37 % 11 - 5) * 0.8
        parts.append(
            f'<circle cx="{x(point.audits) + spread:.1f}" cy="{y(point.score):.1f}" r="{radius}" '
            f'fill="{colour}" fill-opacity="{1 if point.own else 0.6}"/>'
        )
    legend = [
        (f"moyenne nationale {format_number(data.target, 1)}", PALETTE[0], ""),
        ("limites à 95 %", PALETTE[2], "4 3"),
        ("limites à 99,8 %", PALETTE[2], ""),
    ]
    if data.own:
        parts.append(
            f'<circle cx="{left + 3 * 160 + 6}" cy="10" r="4" fill="{MARKER}"/>'
            f'<text x="{left + 3 * 160 + 14}" y="13">votre structure</text>'
        )
    for k, (text, colour, dash) in enumerate(legend):
        lx = left + k * 160
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx}" y1="10" x2="{lx + 22}" y2="10" stroke="{colour}" '
            f'stroke-width="1.2"{dashes}/><text x="{lx + 26}" y="13">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
