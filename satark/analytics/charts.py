"""Charts without JavaScript or a CDN: a stacked bar chart computed once as plain shapes, then written
as SVG for the pages or as ReportLab graphics for the PDF report."""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

PALETTE = ("#0b5394", "#e69138", "#6aa84f", "#cc0000", "#674ea7", "#45818e", "#bf9000", "#a64d79",
           "#3c78d8", "#999999", "#38761d", "#85200c")


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str = ""


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = "#999999"


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"  # start | middle | end
    size: float = 10


Shape = Rect | Line | Label


def nice_max(value: int) -> int:
    if value <= 5:
        return 5
    mag = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * mag:
            return int(step * mag)
    return value


def stacked_bars(labels: list[str], series: list[tuple[str, list[int]]], width: float = 720,
                 height: float = 260) -> list[Shape]:
    """y grows downwards (SVG); the PDF writer flips it."""
    left, right, top, bottom = 40.0, 10.0, 10.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(labels))
    totals = [sum(vals[i] for _name, vals in series) for i in range(len(labels))]
    top_value = nice_max(max(totals, default=0))
    shapes: list[Shape] = []
    for k in range(6):
        v = top_value * k / 5
        y = top + plot_h - plot_h * k / 5
        shapes.append(Line(left, y, left + plot_w, y, "#dddddd"))
        shapes.append(Label(left - 4, y + 3, f"{v:g}", "end", 9))
    slot = plot_w / n
    bar_w = max(2.0, slot * 0.7)
    every = max(1, math.ceil(n / 14))  # at most ~14 x labels
    for i, lab in enumerate(labels):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        for j, (name, vals) in enumerate(series):
            v = vals[i]
            if v <= 0:
                continue
            h = plot_h * v / top_value
            y -= h
            shapes.append(Rect(x, y, bar_w, h, colour(j), f"{name} · {lab}: {v}"))
        if i % every == 0:
            shapes.append(Label(x + bar_w / 2, top + plot_h + 14, lab, "middle", 9))
    shapes.append(Line(left, top + plot_h, left + plot_w, top + plot_h, "#333333"))
    return shapes


def to_svg(shapes: list[Shape], width: float = 720, height: float = 260, title: str = "") -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:g} {height:g}" '
        f'role="img" aria-label={quoteattr(title)}>'
    ]
    for s in shapes:
        if isinstance(s, Rect):
            parts.append(
                f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{s.w:.1f}" height="{s.h:.1f}" fill="{s.fill}">'
                f"<title>{escape(s.title)}</title></rect>"
            )
        elif isinstance(s, Line):
            parts.append(f'<line x1="{s.x1:.1f}" y1="{s.y1:.1f}" x2="{s.x2:.1f}" y2="{s.y2:.1f}" stroke="{s.stroke}"/>')
        else:
            parts.append(
                f'<text x="{s.x:.1f}" y="{s.y:.1f}" text-anchor="{s.anchor}" font-size="{s.size:g}">'
                f"{escape(s.text)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def swatch_svg(i: int) -> str:
    return (
        '<svg class="swatch" viewBox="0 0 10 10" width="10" height="10">'
        f'<rect width="10" height="10" fill="{colour(i)}"/></svg>'
    )
