"""A4 posters as PDF: ReportLab draws, HarfBuzz (uharfbuzz) shapes the Devanagari.

ReportLab shapes text only in Paragraphs whose style has ``shaping=1`` and only when ``uharfbuzz`` is
importable; without shaping, conjuncts and matras come out as broken glyph sequences, so a missing
``uharfbuzz`` is an error here, not a silent fallback. The font is the vendored Lohit Devanagari
(``fonts/``, SIL OFL 1.1), which also covers Latin; it has one weight, so headings are emboldened by
stroking the glyph outlines (PDF text render mode 2).

One poster per language rather than one bilingual poster: with eleven categories, the privacy promise
and a QR code big enough to scan from a metre away, a bilingual A4 page would need text too small to
read on a wall. Both languages share the same QR code (the prefill is language-neutral), and both
carry the programme's Hindi name as their title.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas
from reportlab.platypus import Paragraph

from satark.core.names import in_language as _label
from satark.tips.models import Category as CategoryModel

from . import qr
from .prefill import routing_code
from .texts import LANGUAGES, TEXTS, TITLE, PosterText, place_line

if TYPE_CHECKING:
    from satark.geography.models import District, PoliceStation

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "Lohit-Devanagari.ttf"
FONT = "SatarkLohitDevanagari"

NAVY = colors.HexColor("#0b2e6b")
SAFFRON = colors.HexColor("#f39c12")
SAFFRON_LIGHT = colors.HexColor("#fff1d6")
GREEN = colors.HexColor("#1e7b3a")
GREEN_LIGHT = colors.HexColor("#e7f5eb")
RED = colors.HexColor("#c62828")
INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#555555")
WHITE = colors.white

PAGE_W, PAGE_H = A4
MARGIN = 24.0
CONTENT_W = PAGE_W - 2 * MARGIN
QR_SIZE = 204.0  # points: 72 mm including the quiet zone
QR_BORDER = 4  # modules of quiet zone (the QR standard's minimum)
MAX_GAP = 22.0
# ReportLab keeps per-font subsetting state in module-level font objects: one document at a time per
# process (a page takes ~50 ms), so that a future dashboard view under gthread workers stays safe.
_LOCK = threading.Lock()


class PosterLayoutError(RuntimeError):
    """The content does not fit on one A4 page (e.g. a very long station name or category list)."""


@cache
def register_font() -> str:
    """Register the vendored font once per process; fail loudly if it cannot be shaped."""
    font = TTFont(FONT, str(FONT_PATH))
    if not font.shapable:
        raise RuntimeError("Devanagari needs text shaping: install uharfbuzz (pip install uharfbuzz)")
    pdfmetrics.registerFont(font)
    return FONT


@dataclass(frozen=True)
class Category:
    title: str
    description: str
    serious: bool


@dataclass(frozen=True)
class PosterData:
    """Everything a poster shows, already in its language (built by ``poster_data``)."""

    lang: str
    place: str
    code: str  # the routing code, e.g. [ghazipur/karanda]
    url: str  # the click-to-chat link in the QR code
    short_link: str
    number: str
    categories: tuple[Category, ...]
    offices: str


def poster_data(district: District, station: PoliceStation | None, lang: str, number: str | None = None) -> PosterData:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown poster language {lang!r} (one of {', '.join(LANGUAGES)})")
    rows = CategoryModel.objects.filter(active=True).order_by("order", "code")
    categories = tuple(
        Category(_label(c.title, lang, c.code), _label(c.description, lang), c.serious_crime) for c in rows
    )
    offices = [_label(district.range.office, lang), _label(district.office, lang)]
    return PosterData(
        lang=lang,
        place=place_line(lang, district.label(lang), station.label(lang) if station else None),
        code=routing_code(district.code, station.code if station else None),
        url=qr.link_for(district, station, number),
        short_link=qr.short_link(number),
        number=qr.display_number(number).replace(" ", "\u00a0"),  # never broken across lines
        categories=categories,
        offices=" · ".join(o for o in offices if o),
    )


# ---------------------------------------------------------------------------------------------
# Drawing helpers
# ---------------------------------------------------------------------------------------------


def _style(
    size: float, color: colors.Color = INK, align: int = TA_LEFT, leading: float | None = None
) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}",
        fontName=FONT,
        fontSize=size,
        leading=leading or size * 1.38,
        textColor=color,
        alignment=align,
        shaping=1,
    )


class Text:
    """A shaped paragraph, optionally emboldened; measured with ``wrap`` before ``draw``."""

    def __init__(self, text: str, style: ParagraphStyle, bold: bool = False) -> None:
        self.para = Paragraph(escape(text), style)
        self.style = style
        self.bold = bold
        self.height = 0.0

    def wrap(self, width: float) -> float:
        _, self.height = self.para.wrap(width, PAGE_H)
        return self.height

    def draw(self, c: Canvas, x: float, top: float) -> float:
        """Draw with its top edge at ``top``; returns the y of its bottom edge."""
        c.saveState()
        if self.bold:
            c.setStrokeColor(self.style.textColor)
            c.setLineWidth(self.style.fontSize * 0.045)
            c._code.append("2 Tr")  # fill + stroke: a synthetic bold that keeps the shaped glyphs
        self.para.drawOn(c, x, top - self.height)
        c.restoreState()
        return top - self.height


def _draw_qr(c: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (sharp at any print size), quiet zone included, bottom-left at x, y."""
    matrix = qr.qr_code(url).matrix
    module = size / (len(matrix) + 2 * QR_BORDER)
    c.setFillColor(WHITE)
    c.rect(x, y, size, size, fill=1, stroke=0)
    path = c.beginPath()
    for r, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                top = y + size - (QR_BORDER + r) * module
                # A hair of overlap so that adjacent squares never show a seam when rasterised.
                path.rect(x + (QR_BORDER + start) * module, top - module - 0.05, (col - start) * module, module + 0.1)
            else:
                col += 1
    c.setFillColor(colors.black)
    c.drawPath(path, fill=1, stroke=0, fillMode=FILL_NON_ZERO)  # even-odd would punch the overlaps out


@dataclass
class Block:
    height: float
    draw: Callable[[Canvas, float], None]  # (canvas, top y)


def _band(color: colors.Color, texts: Sequence[Text], pad: float, gap: float = 2.0) -> Block:
    for t in texts:
        t.wrap(CONTENT_W - 2 * pad)
    height = 2 * pad + sum(t.height for t in texts) + gap * (len(texts) - 1)

    def draw(c: Canvas, top: float) -> None:
        c.setFillColor(color)
        c.roundRect(MARGIN, top - height, CONTENT_W, height, 8, fill=1, stroke=0)
        y = top - pad
        for t in texts:
            y = t.draw(c, MARGIN + pad, y) - gap

    return Block(height, draw)


def _main_row(data: PosterData, text: PosterText) -> Block:
    """Left: how to report, then the privacy promise. Right: the QR code with the short link."""
    left_w = CONTENT_W - QR_SIZE - 22
    heading = Text(text.how_heading, _style(16, NAVY), bold=True)
    steps = [Text(f"{i}.  {s}", _style(12.5, INK, leading=16.5)) for i, s in enumerate(text.how_steps, 1)]
    how = [heading, *steps]
    how_h = sum(t.wrap(left_w) for t in how) + 5 * len(steps)
    privacy = _privacy(text, left_w)
    left_h = how_h + 10 + privacy.height
    scan = Text(text.scan, _style(12, NAVY, TA_CENTER), bold=True)
    link = Text(data.short_link, _style(17, NAVY, TA_CENTER), bold=True)
    number = Text(text.or_message.format(number=data.number), _style(10.5, GREY, TA_CENTER))
    right = [scan, link, number]
    for t in right:
        t.wrap(QR_SIZE + 20)
    right_h = scan.height + 6 + QR_SIZE + 6 + link.height + number.height
    height = max(left_h, right_h)

    def draw(c: Canvas, top: float) -> None:
        y = top
        for i, t in enumerate(how):
            y = t.draw(c, MARGIN, y) - (5 if i else 3)
        privacy.draw(c, top - height + privacy.height)
        qx = MARGIN + CONTENT_W - QR_SIZE
        y = scan.draw(c, qx - 10, top) - 6
        c.setStrokeColor(NAVY)
        c.setLineWidth(2)
        c.roundRect(qx - 3, y - QR_SIZE - 3, QR_SIZE + 6, QR_SIZE + 6, 6, fill=0, stroke=1)
        _draw_qr(c, data.url, qx, y - QR_SIZE, QR_SIZE)
        y = link.draw(c, qx - 10, y - QR_SIZE - 6)
        number.draw(c, qx - 10, y)

    return Block(height, draw)


def _categories(data: PosterData, text: PosterText) -> Block:
    heading = Text(text.report_heading, _style(16, NAVY), bold=True)
    heading.wrap(CONTENT_W)
    plain = [cat for cat in data.categories if not cat.serious]
    serious = [cat for cat in data.categories if cat.serious]
    col_w = (CONTENT_W - 16) / 2
    per_col = (len(plain) + 1) // 2
    cells: list[tuple[Text, Text]] = []
    for i, cat in enumerate(plain, 1):
        title = Text(f"{i}. {cat.title}", _style(12.5, INK, leading=15.5), bold=True)
        desc = Text(cat.description, _style(10, GREY, leading=12.5))
        title.wrap(col_w - 4)
        desc.wrap(col_w - 14)
        cells.append((title, desc))
    rows = [cells[i::per_col] for i in range(per_col)] if cells else []
    row_heights = [max(t.height + d.height for t, d in row) + 5 for row in rows]
    extra: list[Text] = []
    for i, cat in enumerate(serious, len(plain) + 1):
        extra.append(Text(f"{i}. {cat.title}", _style(12, INK, leading=15), bold=True))
        extra.append(Text(cat.description, _style(10.5, INK, leading=13.5)))
    box = _band(SAFFRON_LIGHT, extra, pad=7) if extra else None
    height = heading.height + 4 + sum(row_heights) + ((box.height + 4) if box else 0)

    def draw(c: Canvas, top: float) -> None:
        c.setStrokeColor(SAFFRON)
        c.setLineWidth(3)
        y = heading.draw(c, MARGIN, top) - 4
        for row, rh in zip(rows, row_heights, strict=True):
            for col, (title, desc) in enumerate(row):
                x = MARGIN + col * (col_w + 16)
                c.line(x, y - 2, x, y - title.height - desc.height + 2)
                desc.draw(c, x + 14, title.draw(c, x + 6, y))
            y -= rh
        if box is not None:
            box.draw(c, y - 4)

    return Block(height, draw)


def _privacy(text: PosterText, width: float) -> Block:
    pad = 8.0
    heading = Text(text.privacy_heading, _style(15, GREEN), bold=True)
    bullets = [Text(f"•  {p}", _style(11.5, INK, leading=15)) for p in text.privacy]
    note = Text(text.hint_note, _style(8.5, GREY, leading=11))
    items = [heading, *bullets, note]
    height = 2 * pad + sum(t.wrap(width - 2 * pad) for t in items) + 3 * len(items)

    def draw(c: Canvas, top: float) -> None:
        c.setFillColor(GREEN_LIGHT)
        c.setStrokeColor(GREEN)
        c.setLineWidth(1.5)
        c.roundRect(MARGIN, top - height, width, height, 8, fill=1, stroke=1)
        y = top - pad
        for t in items:
            y = t.draw(c, MARGIN + pad, y) - 3

    return Block(height, draw)


def _footer(data: PosterData, text: PosterText) -> Text:
    footer = Text(f"{text.issued_by.format(offices=data.offices)}  ·  {data.code}", _style(9, GREY, TA_CENTER))
    footer.wrap(CONTENT_W)
    return footer


def draw_poster(c: Canvas, data: PosterData) -> None:
    """Draw one poster on the canvas's current page (the caller calls ``showPage``)."""
    register_font()
    text = TEXTS[data.lang]
    header = _band(
        NAVY,
        [
            Text(TITLE, _style(38, WHITE, TA_CENTER, leading=48), bold=True),
            Text(text.subtitle, _style(15, WHITE, TA_CENTER)),
            Text(text.tagline, _style(12, colors.HexColor("#ffd58a"), TA_CENTER)),
        ],
        pad=8,
    )
    place = _band(SAFFRON, [Text(data.place, _style(21, NAVY, TA_CENTER), bold=True)], pad=7)
    emergency = _band(RED, [Text(text.emergency, _style(19, WHITE, TA_CENTER), bold=True)], pad=6)
    blocks = [header, place, _main_row(data, text), _categories(data, text), emergency]
    footer = _footer(data, text)
    available = PAGE_H - 2 * MARGIN - footer.height - 6
    used = sum(b.height for b in blocks)
    if used > available:
        raise PosterLayoutError(f"poster for {data.code} ({data.lang}) overflows A4 by {used - available:.0f} pt")
    gap = min(MAX_GAP, (available - used) / (len(blocks) - 1))
    top = PAGE_H - MARGIN
    for block in blocks:
        block.draw(c, top)
        top -= block.height + gap
    footer.draw(c, MARGIN, MARGIN + footer.height)


def _canvas(out: io.BytesIO, title: str) -> Canvas:
    c = Canvas(out, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("Satark Mitra")
    c.setSubject("QR poster for WhatsApp tips")
    return c


def languages(lang: str) -> tuple[str, ...]:
    """``"hi"``, ``"en"`` or ``"both"`` (Hindi first) -> the poster languages."""
    if lang == "both":
        return LANGUAGES
    if lang not in LANGUAGES:
        raise ValueError(f"unknown poster language {lang!r} (hi, en or both)")
    return (lang,)


def posters_pdf(
    places: Sequence[tuple[District, PoliceStation | None]],
    lang: str = "hi",
    number: str | None = None,
    title: str = "",
) -> bytes:
    """One PDF, one A4 page per place and language (for printing a district's posters in one go)."""
    pages = [poster_data(district, station, code, number) for district, station in places for code in languages(lang)]
    out = io.BytesIO()
    with _LOCK:
        c = _canvas(out, f"{TITLE} — {title or 'posters'}")
        for data in pages:
            draw_poster(c, data)
            c.showPage()
        c.save()
    return out.getvalue()


def poster_pdf(district: District, station: PoliceStation | None = None, lang: str = "hi") -> bytes:
    """The A4 poster of a district (or of one of its stations) as PDF bytes, e.g. for a dashboard view.

    ``lang`` is ``"hi"``, ``"en"`` or ``"both"`` (two pages). The QR code opens WhatsApp with the
    routing prefill (``prefill.prefill_for``), which is only a hint: the citizen can edit it.
    """
    if station is not None and station.district_id != district.pk:
        raise ValueError(f"station {station.code} is not in district {district.code}")
    return posters_pdf([(district, station)], lang, title=station.code if station else district.code)
