"""The review-meeting report as PDF (A4 landscape): summary, hotspot map, station-wise comparison, totals
by district and circle, the period chart, sensitivity and overdue tables. Headings are in Hindi and
English together; the table contents follow the user's language.

Devanagari is shaped with HarfBuzz through ReportLab Paragraphs (``shaping=1``) in the vendored Lohit
font that the posters register (``satark.posters.pdf.register_font``); strings drawn inside the map and
chart graphics are ASCII only (numbers, dates, English district names), which need no shaping.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Polygon, String
from reportlab.graphics.shapes import Line as GLine
from reportlab.graphics.shapes import Rect as GRect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PTable

from satark.geography.models import District, PoliceStation
from satark.posters.pdf import _LOCK as FONT_LOCK
from satark.posters.pdf import FONT, register_font

from . import charts
from .comparison import Comparison, districts_for, station_comparison, stations_for
from .hotspots import CELL_LAT, CELL_LON, Hotspots, heat_class, hotspots
from .performance import Performance, performance
from .scope import Filters, Period
from .sensitivity import SensitivityCounts, sensitivity_counts
from .series import Series, series
from .table import Table

PAGE = landscape(A4)
MARGIN = 28.0
WIDTH = PAGE[0] - 2 * MARGIN
NAVY = colors.HexColor("#0b2e6b")
GREY = colors.HexColor("#666666")
MAP_RANKS = 15  # the places numbered on the map: the rows of the hotspot table the report prints

# Both languages always, whatever the user's language (the meeting reads both).
HEADINGS: dict[str, tuple[str, str]] = {
    "week": ("साप्ताहिक समीक्षा रिपोर्ट", "Weekly review report"),
    "month": ("मासिक समीक्षा रिपोर्ट", "Monthly review report"),
    "summary": ("सारांश", "Summary"),
    "map": ("हॉटस्पॉट मानचित्र", "Hotspot map"),
    "hotspots": ("बार-बार सूचना वाले स्थान", "Repeat-location hotspots"),
    "stations": ("थानावार तुलनात्मक विवरण", "Station-wise comparison"),
    "districts": ("जनपदवार योग", "Totals by district"),
    "circles": ("सर्किलवार योग", "Totals by circle"),
    "chart": ("अवधिवार विश्लेषण", "Period analysis"),
    "sensitivity": ("संवेदनशीलता", "Sensitivity"),
    "overdue": ("समय-सीमा पार (कार्यालयवार)", "Overdue by office"),
    "period": ("अवधि", "Period"),
    "previous": ("पिछली अवधि", "Previous period"),
    "generated": ("तैयार", "Generated"),
    "small": ("3 से कम संख्या '<3' दिखाई गई है (जांच इकाई से बाहर के उपयोगकर्ता)",
              "Counts below 3 are shown as '<3' (users outside the investigating unit)"),
}


def heading(key: str) -> str:
    hi, en = HEADINGS[key]
    return f"{hi} · {en}"


def _style(size: float, color: colors.Color = colors.black, leading: float | None = None) -> ParagraphStyle:
    return ParagraphStyle(f"r{size}", fontName=FONT, fontSize=size, leading=leading or size * 1.3, textColor=color,
                          shaping=1)


def para(value: str, size: float = 8, color: colors.Color = colors.black) -> Paragraph:
    return Paragraph(escape(value), _style(size, color))


@dataclass(frozen=True)
class ReportData:
    kind: str  # week | month
    period: Period
    title_place: str
    user_label: str
    comparison: Comparison
    hotspots: Hotspots
    series: Series
    performance: Performance
    sensitivity: SensitivityCounts
    districts: list[District]
    stations: list[PoliceStation]


def collect(user: Any, filters: Filters, period: Period, kind: str, *, language: str | None = None,
            now: datetime | None = None) -> ReportData:
    # The chart shows the report period and the buckets before it: 8 weeks or 6 months.
    span_start = period.start
    for _i in range(7 if kind == "week" else 5):
        span_start = _back(span_start, kind)
    chart_period = Period(span_start, period.end)
    granularity = "week" if kind == "week" else "month"
    districts = districts_for(user, filters)
    place = ", ".join(d.label("en") for d in districts) if len(districts) <= 2 else _("all districts")
    return ReportData(
        kind=kind,
        period=period,
        title_place=place,
        user_label=getattr(user, "username", ""),
        comparison=station_comparison(user, filters, period, language),
        hotspots=hotspots(user, filters, period, language),
        series=series(user, filters, chart_period, granularity=granularity, dimension="category", language=language),
        performance=performance(user, filters, period, now=now, language=language),
        sensitivity=sensitivity_counts(user, filters, period, language),
        districts=districts,
        stations=list(stations_for(user, districts).filter(active=True)),
    )


def _back(day: date, kind: str) -> date:
    if kind == "week":
        return day - timedelta(days=7)
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def table_flowable(t: Table, lead: tuple[float, ...] = (), size: float = 7, width: float = WIDTH) -> PTable:
    """A ReportLab table from a neutral Table; Devanagari cells become shaped Paragraphs."""

    def cell(value: str, bold: bool = False) -> Any:
        if value.isascii():
            return value
        return para(value, size)

    header = [para(c, size - 0.5, NAVY) for c in t.columns]
    body = [[cell(c.text + (f" ({c.note})" if c.note else "")) for c in row] for row in t.all_rows()]
    n = len(t.columns)
    widths: list[float] | None = None
    if lead and n > len(lead):  # the leading (name) columns fixed, the rest sharing what is left
        rest = (width - sum(lead)) / (n - len(lead))
        widths = [*lead, *([rest] * (n - len(lead)))]
    elif lead:
        widths = list(lead)
    pt = PTable([header, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if t.footer:
        style.append(("BACKGROUND", (0, len(t.rows) + 1), (-1, -1), colors.HexColor("#f4f4f4")))
    pt.setStyle(TableStyle(style))
    return pt


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def map_drawing(data: ReportData, width: float = WIDTH * 0.62, height: float = 330) -> Drawing:
    """District boundaries, police stations and the places (grid squares, coloured by count; the biggest
    numbered by their rank in the table), projected equirectangularly."""
    rings = [(d, ring) for d in data.districts for ring in _rings(d.boundary or {})]
    lons = [p[0] for _d, r in rings for p in r] + [s.lon for s in data.stations if s.lon is not None]
    lats = [p[1] for _d, r in rings for p in r] + [s.lat for s in data.stations if s.lat is not None]
    drawing = Drawing(width, height)
    drawing.add(GRect(0, 0, width, height, fillColor=colors.HexColor("#f7f9fc"), strokeColor=GREY, strokeWidth=0.5))
    if not lons:
        return drawing
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x, span_y = max(1e-6, (max_lon - min_lon) * kx), max(1e-6, max_lat - min_lat)
    scale = min((width - 20) / span_x, (height - 20) / span_y)
    ox = (width - span_x * scale) / 2
    oy = (height - span_y * scale) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return ox + (lon - min_lon) * kx * scale, oy + (lat - min_lat) * scale

    fills = ["#e8eef8", "#eef6ea", "#fbf1e4", "#f3e9f5"]
    for i, d in enumerate(data.districts):
        for ring in _rings(d.boundary or {}):
            points: list[float] = []
            for lon, lat, *_rest in ring:
                points.extend(xy(lon, lat))
            drawing.add(Polygon(points, fillColor=colors.HexColor(fills[i % len(fills)]), strokeColor=NAVY,
                                strokeWidth=0.8))
    for s in data.stations:
        if s.lat is not None and s.lon is not None:
            x, y = xy(s.lon, s.lat)
            drawing.add(GRect(x - 1.2, y - 1.2, 2.4, 2.4, fillColor=GREY, strokeColor=None))
    for d in data.districts:
        if d.hq_lat is not None and d.hq_lon is not None:
            x, y = xy(d.hq_lon, d.hq_lat)
            drawing.add(String(x, y + 6, d.label("en"), fontName=FONT, fontSize=8, fillColor=NAVY,
                               textAnchor="middle"))
    heat = ["#f6b26b", "#e69138", "#cc4125", "#a61c00", "#5b0f00"]
    ranked = {(p.cy, p.cx): i for i, p in enumerate(data.hotspots.repeat[:MAP_RANKS], 1)}
    for place in reversed(data.hotspots.places):  # the biggest drawn last, on top
        x0, y0 = xy(place.west, place.south)
        x1, y1 = xy(place.west + CELL_LON, place.south + CELL_LAT)
        w, h = max(1.6, x1 - x0), max(1.6, y1 - y0)
        drawing.add(GRect(x0, y0, w, h, fillColor=colors.HexColor(heat[heat_class(place.count)]), strokeColor=None))
    for (cy, cx), rank in ranked.items():
        x, y = xy((cx + 0.5) * CELL_LON, (cy + 0.5) * CELL_LAT)
        drawing.add(String(x, y + 2, str(rank), fontName=FONT, fontSize=6.5, fillColor=NAVY, textAnchor="middle"))
    return drawing


def chart_drawing(s: Series, width: float = WIDTH, height: float = 220) -> Drawing:
    shapes = charts.stacked_bars(s.labels(), [(lab, s.values[k]) for k, lab in s.keys], width, height)
    d = Drawing(width, height)
    for sh in shapes:
        if isinstance(sh, charts.Rect):
            d.add(GRect(sh.x, height - sh.y - sh.h, sh.w, sh.h, fillColor=colors.HexColor(sh.fill), strokeColor=None))
        elif isinstance(sh, charts.Line):
            d.add(GLine(sh.x1, height - sh.y1, sh.x2, height - sh.y2, strokeColor=colors.HexColor(sh.stroke),
                        strokeWidth=0.5))
        else:
            d.add(String(sh.x, height - sh.y, sh.text, fontName=FONT, fontSize=sh.size, textAnchor=sh.anchor))
    return d


def legend(s: Series) -> PTable:
    cells = []
    for i, (_k, lab) in enumerate(s.keys):
        sw = Drawing(8, 8)
        sw.add(GRect(0, 0, 8, 8, fillColor=colors.HexColor(charts.colour(i)), strokeColor=None))
        cells.extend([sw, para(lab, 7)])
    per_row = 8
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)] or [[""]]
    while len(rows[-1]) < per_row:
        rows[-1].append("")
    t = PTable(rows, colWidths=[12, WIDTH / 4 - 12] * (per_row // 2))
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return t


def build_pdf(data: ReportData) -> bytes:
    register_font()
    title = heading(data.kind)
    story: list[Any] = [
        para(title, 16, NAVY),
        para(f"{data.title_place} — {heading('period')}: {data.period.label()} · "
             f"{heading('previous')}: {data.comparison.previous.label()}", 9),
        para(f"{heading('generated')}: {timezone.localtime():%d.%m.%Y %H:%M} ({data.user_label})", 8, GREY),
    ]
    if data.comparison.disclosure.outside:
        story.append(para(heading("small"), 8, GREY))
    story.append(Spacer(0, 8))
    summary = table_flowable(data.performance.table(), lead=(260, 60))
    hot = data.hotspots.table()
    hot.rows = hot.rows[:MAP_RANKS]
    story += [
        para(heading("summary"), 12, NAVY), summary, Spacer(0, 8),
        KeepTogether([para(heading("map"), 12, NAVY), map_drawing(data)]), Spacer(0, 6),
        para(heading("hotspots"), 12, NAVY), table_flowable(hot), Spacer(0, 8),
        para(heading("stations"), 12, NAVY),
        table_flowable(data.comparison.table(), lead=(48, 60, 92), size=6),
        *(para(n, 7, GREY) for n in data.comparison.table().notes),
        Spacer(0, 8),
        para(heading("districts"), 12, NAVY), table_flowable(data.comparison.district_table(), lead=(120, 60, 90, 90)),
        Spacer(0, 6),
        para(heading("circles"), 12, NAVY),
        table_flowable(data.comparison.circle_table(), lead=(120, 120, 60, 90, 90)), Spacer(0, 8),
        KeepTogether([para(heading("chart"), 12, NAVY), chart_drawing(data.series), legend(data.series)]),
        table_flowable(data.series.table(), lead=(110,), size=6), Spacer(0, 8),
        para(heading("sensitivity"), 12, NAVY),
        table_flowable(data.sensitivity.table(), lead=(120, 80, 80, 80, 80, 80)),
        Spacer(0, 8),
        para(heading("overdue"), 12, NAVY), table_flowable(data.performance.overdue_table(), lead=(160, 120, 120, 80)),
    ]
    out = io.BytesIO()
    with FONT_LOCK:
        doc = SimpleDocTemplate(out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                bottomMargin=MARGIN, title=f"Satark Mitra — {HEADINGS[data.kind][1]}",
                                author="Satark Mitra", invariant=1)
        doc.build(story)
    return out.getvalue()


def review_report(user: Any, filters: Filters, period: Period, kind: str, language: str | None = None) -> bytes:
    return build_pdf(collect(user, filters, period, kind if kind in ("week", "month") else "week", language=language))
