"""Hotspots: where tips are, counted on a fixed grid of ~300 m squares.

A tip is placed at its pin (``Tip.location_lat/lon``) when the reporter sent one, else at its police station's
coordinates; tips with neither are counted as unplaced. The range is divided into squares ``CELL_M`` (300 m)
high and, at the reference latitude, 300 m wide (``floor(lat / cell_lat)``, ``floor(lon / cell_lon)``): a
*place* is one square holding at least one tip, and a *repeat-location hotspot* is a place holding two or more.

Why a fixed grid rather than clusters grown around tips: a square is the same place in every period and under
every filter (a meeting can compare "this square, last month" with "this square, this month", and the drugs
view's count of a place never exceeds the all-categories count), it is computed entirely by the database in
one grouped scan (cost grows with the tips read, not with a loop over them), and the map can draw it exactly
(the square's edges, never a reporter's own pin). What it costs: a market on a square's edge is counted as
two neighbouring places; the map shows them side by side.

Queries: one grouped query gives every place its tips, pins and district, and whether its tips name one station
and one category (``Min``/``Max``: equal means one); a second, reading only the squares of the places a table
lists, gives their mean position, their tips by category and the station most of them name."""

from __future__ import annotations

import gc
import math
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import BigIntegerField, Count, F, FloatField, IntegerField, Max, Min, Sum
from django.db.models.functions import Cast, Coalesce, Floor
from django.utils.translation import gettext as _

from satark.core.names import in_language as label
from satark.geography.models import PoliceStation
from satark.tips.models import Category

from .comparison import lang_of
from .scope import SMALL, Disclosure, Filters, Period, tips_for
from .table import Table, num, text

CELL_M = 300.0
TABLE_ROWS = 100  # on the page, on the map (ranked) and in the PDF: the biggest places; the CSV/XLSX have them all
EARTH_M = 6_371_008.8
DEG_LAT_M = math.pi * EARTH_M / 180
# Longitude cells are narrowed by the cosine of a fixed latitude: at 25-27 degrees north (the Varanasi range)
# the squares' true widths are within 1 % of 300 m, at 30 degrees about 4 % narrower. Changing it moves every
# square.
REFERENCE_LAT = 26.0
CELL_LAT = CELL_M / DEG_LAT_M
CELL_LON = CELL_LAT / math.cos(math.radians(REFERENCE_LAT))
# Map colour classes by count: 1-2 share a class so the colour never tells 1 from 2 (see Disclosure).
HEAT_CLASSES = (3, 6, 11, 26)


def cell_of(lat: float, lon: float) -> tuple[int, int]:
    """The square a position falls in (the same arithmetic as the query's ``Floor``)."""
    return math.floor(lat / CELL_LAT), math.floor(lon / CELL_LON)


def heat_class(count: int) -> int:
    """0 for 1-2 tips, then 1..4 for 3-5, 6-10, 11-25, 26 and more."""
    return bisect_right(HEAT_CLASSES, count)


@dataclass(slots=True)
class Place:
    """One grid square with its tips. The detail (mean position, tips by station and category) is read only
    for the places a table lists (see `hotspots`)."""

    cy: int
    cx: int
    count: int
    pinned: int
    district_id: int | None
    station_id: int | None  # the one station its tips name; with detail, the one most of them name
    several_stations: bool  # its tips name more than one station
    category_id: int | None  # the one category of its tips, None when several
    lat: float | None = None  # with detail: the mean position of its tips
    lon: float | None = None
    by_category: dict[int, int] | None = None  # with detail: tips per category id

    @property
    def south(self) -> float:
        return self.cy * CELL_LAT

    @property
    def west(self) -> float:
        return self.cx * CELL_LON

    @property
    def centre(self) -> tuple[float, float]:
        return (self.cy + 0.5) * CELL_LAT, (self.cx + 0.5) * CELL_LON


@dataclass
class Hotspots:
    period: Period
    places: list[Place]  # biggest first
    unplaced: int
    total: int
    disclosure: Disclosure
    station_names: dict[int, str]
    category_ids: list[int]  # in the menu's order
    category_names: dict[int, str]
    detailed: int | None  # how many of the biggest repeat-location places carry their detail (None: all)

    def categories(self, p: Place) -> list[tuple[int, int]]:
        """(category id, tips) of a place, biggest first (then in the menu's order)."""
        if p.by_category is None:
            return [(p.category_id, p.count)] if p.category_id is not None else []
        order = {pk: i for i, pk in enumerate(self.category_ids)}
        return sorted(p.by_category.items(), key=lambda kv: (-kv[1], order.get(kv[0], 0)))

    @property
    def repeat(self) -> list[Place]:
        return [p for p in self.places if p.count >= 2]

    def shown(self, p: Place) -> str:
        return self.disclosure.show(p.count, p.district_id)

    def map_data(self) -> dict[str, Any]:
        """What the map draws, compactly (a quarter of a range can hold tens of thousands of squares): each
        square as [row, column, count shown, colour class, pinned (0/1), station index (-1: none named, -2:
        several), category index (-2: several), rank or 0] (row * cell height = its south edge, column * cell
        width = its west edge); the squares' size; names once. Never a tip or a pin: only squares."""
        stations = sorted(self.station_names)
        station_index = {pk: i for i, pk in enumerate(stations)}
        ranks = {(p.cy, p.cx): i for i, p in enumerate(self.repeat[:TABLE_ROWS], 1)}
        show = self.disclosure.show
        cells = []
        category_index = {pk: i for i, pk in enumerate(self.category_ids)}
        with _collection_paused():
            for p in self.places:
                n = p.count
                cells.append([
                    p.cy, p.cx, str(n) if n >= SMALL else show(n, p.district_id), heat_class(n), 1 if p.pinned else 0,
                    -2 if p.several_stations else station_index.get(p.station_id, -1) if p.station_id else -1,
                    -2 if p.category_id is None else category_index.get(p.category_id, -1),
                    ranks.get((p.cy, p.cx), 0),
                ])
        return {
            "cell": [CELL_LAT, CELL_LON],
            "cells": cells,
            "stationNames": [self.station_names[pk] for pk in stations],
            "categoryNames": [self.category_names[pk] for pk in self.category_ids],
        }

    def table(self, limit: int | None = TABLE_ROWS) -> Table:
        """The repeat-location hotspots, biggest first; `limit` rows (None: all, for the exports: the
        Hotspots must then have been read with ``detail=None``)."""
        if self.detailed is not None and (limit is None or limit > self.detailed):
            raise ValueError(f"only {self.detailed} places were read with their detail")
        t = Table("hotspots", _("Repeat-location hotspots"),
                  [_("Rank"), _("Tips"), _("With a pin"), _("Police station"), _("Categories"),
                   _("Latitude"), _("Longitude")])
        repeat = self.repeat
        listed = repeat[:limit] if limit is not None else repeat
        for i, p in enumerate(listed, 1):
            shown = self.shown(p)
            coarse = shown.startswith("<")
            # A coarsened place is given by its square's centre, not by its tips' mean position.
            lat, lon = p.centre if coarse or p.lat is None or p.lon is None else (p.lat, p.lon)
            t.rows.append([
                num(i),
                num(p.count, shown),
                num(p.pinned, self.disclosure.show(p.pinned, p.district_id)) if not coarse else text("–"),
                text(self.station_names.get(p.station_id or 0, "")),
                text(", ".join(self.category_names.get(k, "") + ("" if coarse else f" {n}")
                               for k, n in self.categories(p))),
                num(round(lat, 4)),
                num(round(lon, 4)),
            ])
        if limit is not None and len(repeat) > limit:
            t.notes.append(_("The %(n)d biggest of %(total)d places with two or more tips; the export lists all.")
                           % {"n": limit, "total": len(repeat)})
        t.notes.append(_("A place is a square of about %(m)d m on a fixed grid; a pin counts where sent, else the "
                         "police station's location.") % {"m": int(CELL_M)})
        return t


def _placed(qs: Any) -> Any:
    """Each tip's position (its pin, else its station's; a pin always has both coordinates, see the
    tip_pin_complete constraint) and its square."""
    plat = Coalesce("location_lat", "station__lat", output_field=FloatField())
    plon = Coalesce("location_lon", "station__lon", output_field=FloatField())
    return qs.order_by().annotate(plat=plat, plon=plon).annotate(
        cy=Cast(Floor(F("plat") / CELL_LAT), IntegerField()),
        cx=Cast(Floor(F("plon") / CELL_LON), IntegerField()),
    )


KEY_ROW = 1 << 20  # cy * KEY_ROW + cx: one integer per square (|cx| stays far below 2**19)


def hotspots(user: Any, filters: Filters, period: Period, language: str | None = None,
             detail: int | None = TABLE_ROWS) -> Hotspots:
    """Every place of the user's tips in the period, from one grouped query (per square: tips, pins,
    district, and the lowest and highest station and category: equal means one); then the detail of the
    `detail` biggest repeat-location places (None: all of them, for the exports) from a second query that
    reads only their squares."""
    lang = lang_of(language)
    categories = list(Category.objects.order_by("order", "pk").values_list("pk", "code", "title"))
    base = _placed(tips_for(user, filters, period))
    grouped = base.values_list("cy", "cx").annotate(
        n=Count("*"),
        pins=Count("location_lat"),
        district=Min("district_id"),
        smin=Min("station_id"),
        smax=Max("station_id"),
        cmin=Min("category_id"),
        cmax=Max("category_id"),
    )
    places: list[Place] = []
    unplaced = total = 0
    # Plain rows (Django's per-value converters cost more than the query here), and no cycle collection
    # while tens of thousands of acyclic rows and places are made: it would walk them again and again.
    with connections[grouped.db].cursor() as cursor, _collection_paused():
        cursor.execute(*grouped.query.sql_with_params())
        for cy, cx, n, pins, district, smin, smax, cmin, cmax in cursor.fetchall():
            total += n
            if cy is None or cx is None:
                unplaced += n
                continue
            places.append(Place(cy, cx, n, pins, district, smin, smin != smax, cmin if cmin == cmax else None))
        places.sort(key=lambda p: (-p.count, p.cy, p.cx))
    repeat = [p for p in places if p.count >= 2]
    _add_detail(base, repeat if detail is None else repeat[:detail], every=detail is None)
    station_ids = {p.station_id for p in places if p.station_id is not None}
    stations = {pk: label(name, lang) for pk, name in PoliceStation.objects.filter(pk__in=station_ids).values_list(
        "pk", "name")}
    names = {pk: label(title, lang, code) for pk, code, title in categories}
    return Hotspots(period, places, unplaced, total, Disclosure(user), stations, [pk for pk, _c, _t in categories],
                    names, detail)


@contextmanager
def _collection_paused() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _add_detail(base: Any, places: list[Place], every: bool) -> None:
    """Mean position, tips by category and the station most of them name (the lowest id among equals), for
    `places`, reading only their squares (by a one-integer key the database looks up in a hashed list)."""
    if not places:
        return
    wanted = {(p.cy, p.cx): p for p in places}
    qs = base
    if not every:
        qs = qs.annotate(key=Cast("cy", BigIntegerField()) * KEY_ROW + F("cx")).filter(
            key__in=sorted(cy * KEY_ROW + cx for cy, cx in wanted))
    sums: dict[tuple[int, int], list[float]] = {}
    stations: dict[tuple[int, int], dict[int, int]] = {}
    for cy, cx, station_id, category_id, n, slat, slon in qs.values_list(
        "cy", "cx", "station_id", "category_id"
    ).annotate(n=Count("*"), slat=Sum("plat"), slon=Sum("plon")):
        place = wanted.get((cy, cx))
        if place is None:
            continue
        acc = sums.setdefault((cy, cx), [0.0, 0.0])
        acc[0] += slat
        acc[1] += slon
        if place.by_category is None:
            place.by_category = {}
        place.by_category[category_id] = place.by_category.get(category_id, 0) + n
        if station_id is not None:
            named = stations.setdefault((cy, cx), {})
            named[station_id] = named.get(station_id, 0) + n
    for key, place in wanted.items():
        slat, slon = sums.get(key, (0.0, 0.0))
        place.lat, place.lon = slat / place.count, slon / place.count
        counts = stations.get(key)
        if counts:
            place.station_id = min(counts, key=lambda pk: (-counts[pk], pk))
