"""Hotspots: where tips are, clustered. A tip is placed at its pin (``Tip.location_lat/lon``) when the
reporter sent one, else at its police station's coordinates; tips with neither are counted as unplaced.

Clustering is greedy and deterministic within ``RADIUS_M`` (300 m, haversine): points are visited in a
fixed order and each joins the nearest existing cluster whose first point lies within the radius, found
through a grid of cells the size of the radius, so the cost is linear in the number of points. The points are
groups of tips the database gathered on a ~100 m grid (see `hotspots()`), not single tips.
A *repeat-location hotspot* is a cluster of two or more tips."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from django.db.models import Avg, Case, Count, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Floor
from django.utils.translation import gettext as _

from satark.geography.models import PoliceStation
from satark.tips.models import Category

from .comparison import label, lang_of
from .scope import Disclosure, Filters, Period, tips_for
from .table import Table, num, text

RADIUS_M = 300.0
TABLE_ROWS = 100  # on the page and in the PDF: the biggest places; the CSV/XLSX export has them all
EARTH_M = 6_371_008.8
DEG_LAT_M = math.pi * EARTH_M / 180
# Longitude cells are narrowed by the cosine of a fixed latitude: exact enough anywhere in one state
# (at 25-27 degrees north the cells differ by under 2 %); only their size, not the clustering, depends on it.
REFERENCE_COS = math.cos(math.radians(26.0))


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(a)))


class Point(NamedTuple):
    lat: float
    lon: float
    pinned: bool
    district_id: int | None
    station_id: int | None
    category: str
    n: int = 1  # tips at exactly this place with these attributes (the query groups them)


@dataclass
class Cluster:
    anchor: Point
    points: list[Point] = field(default_factory=list)

    @cached_property
    def _stats(self) -> tuple[int, float, float, int, Counter[int | None], Counter[int | None], Counter[str]]:
        """Everything the tables and the map read, in one pass over the points."""
        count = pinned = 0
        slat = slon = 0.0
        districts: Counter[int | None] = Counter()
        stations: Counter[int | None] = Counter()
        categories: Counter[str] = Counter()
        for p in self.points:
            n = p.n
            count += n
            slat += p.lat * n
            slon += p.lon * n
            if p.pinned:
                pinned += n
            districts[p.district_id] += n
            stations[p.station_id] += n
            categories[p.category] += n
        return count, slat / count, slon / count, pinned, districts, stations, categories

    @property
    def count(self) -> int:
        return self._stats[0]

    @property
    def lat(self) -> float:
        return self._stats[1]

    @property
    def lon(self) -> float:
        return self._stats[2]

    @property
    def pinned(self) -> int:
        return self._stats[3]

    @cached_property
    def district_id(self) -> int | None:
        return _most(self._stats[4])

    @cached_property
    def station_id(self) -> int | None:
        return _most(self._stats[5])

    def categories(self) -> list[tuple[str, int]]:
        counts = self._stats[6]
        return [(k, counts[k]) for k in sorted(counts, key=lambda k: (-counts[k], k))] if len(counts) > 1 else list(
            counts.items()
        )


def _most(counts: Counter[int | None]) -> int | None:
    """The most frequent key (the first seen among equals, as Counter.most_common gives), without a sort."""
    if len(counts) == 1:
        return next(iter(counts))
    best: int | None = None
    best_n = -1
    for key, n in counts.items():
        if n > best_n:
            best, best_n = key, n
    return best


def cluster_points(points: list[Point], radius_m: float = RADIUS_M) -> list[Cluster]:
    """Greedy radius clustering on a grid index; biggest clusters first.

    Points are visited in (lat, lon, category) order; each joins the nearest cluster whose anchor (first point)
    lies within the radius (haversine; among equals the last found), else starts a cluster. A point of weight
    n behaves as n identical points. Anchors are earlier points, so they lie in the point's grid row or the
    row below; candidates there are first screened with a flat (equirectangular) distance, which at these
    scales differs from the haversine by far less than the 1 % margins kept: a lone candidate well inside is
    taken as it is, and only the doubtful or competing ones pay for the exact formula."""
    cell_lat = radius_m / DEG_LAT_M
    screen = (radius_m * 1.01) ** 2
    sure = (radius_m * 0.99) ** 2
    width = 1 << 22  # grid columns per row in the integer cell key (longitudes stay far below this)
    grid: dict[int, list[tuple[float, float, Cluster]]] = {}
    clusters: list[Cluster] = []
    floor, cos, radians = math.floor, math.cos, math.radians
    for p in sorted(points, key=lambda q: (q.lat, q.lon, q.category)):
        lat, lon = p.lat, p.lon
        coslat = cos(radians(lat))
        gy, gx = floor(lat / cell_lat), floor(lon / (cell_lat / max(0.1, coslat)))
        near: list[tuple[float, float, float, Cluster]] = []
        for row in (gy - 1, gy):
            for key in (row * width + gx - 1, row * width + gx, row * width + gx + 1):
                for alat, alon, c in grid.get(key, ()):
                    fy = (lat - alat) * DEG_LAT_M
                    fx = (lon - alon) * DEG_LAT_M * coslat
                    flat = fy * fy + fx * fx
                    if flat <= screen:
                        near.append((flat, alat, alon, c))
        best: Cluster | None = None
        if len(near) == 1 and near[0][0] <= sure:
            best = near[0][3]  # the only candidate, certainly inside: no need for the exact distance
        else:
            best_d = radius_m
            for _f, alat, alon, c in near:
                d = haversine_m(lat, lon, alat, alon)
                if d <= best_d:
                    best, best_d = c, d
        if best is None:
            best = Cluster(p)
            clusters.append(best)
            grid.setdefault(gy * width + gx, []).append((lat, lon, best))
        best.points.append(p)
    clusters.sort(key=lambda c: (-c.count, c.anchor.lat, c.anchor.lon))
    return clusters


@dataclass
class Hotspots:
    period: Period
    clusters: list[Cluster]
    unplaced: int
    total: int
    disclosure: Disclosure
    station_names: dict[int, str]
    category_names: dict[str, str]

    @property
    def repeat(self) -> list[Cluster]:
        return [c for c in self.clusters if c.count >= 2]

    def shown(self, c: Cluster) -> str:
        return self.disclosure.show(c.count, c.district_id)

    def map_points(self) -> list[dict[str, Any]]:
        """What the map draws: never a tip, only clusters with their (possibly coarsened) count."""
        out = []
        for c in self.clusters:
            shown = self.shown(c)
            out.append({
                "lat": round(c.lat, 5),
                "lon": round(c.lon, 5),
                "count": shown,
                "size": 2 if shown.startswith("<") else c.count,  # the marker's size must not reveal 1 vs 2
                "pinned": c.pinned > 0,
                "station": self.station_names.get(c.station_id or 0, ""),
                "categories": ", ".join(self.category_names.get(k, k) for k, _n in c.categories()[:3]),
            })
        return out

    def table(self, limit: int | None = TABLE_ROWS) -> Table:
        """The repeat-location hotspots, biggest first; `limit` rows (None: all, for the exports)."""
        t = Table("hotspots", _("Repeat-location hotspots"),
                  [_("Rank"), _("Tips"), _("With a pin"), _("Police station"), _("Categories"),
                   _("Latitude"), _("Longitude")])
        repeat = self.repeat
        for i, c in enumerate(repeat[:limit] if limit is not None else repeat, 1):
            shown = self.shown(c)
            coarse = shown.startswith("<")
            t.rows.append([
                num(i),
                num(c.count, shown),
                num(c.pinned, self.disclosure.show(c.pinned, c.district_id)) if not coarse else text("–"),
                text(self.station_names.get(c.station_id or 0, "")),
                text(", ".join(f"{self.category_names.get(k, k)}" + ("" if coarse else f" {n}")
                               for k, n in c.categories())),
                num(round(c.lat, 4)),
                num(round(c.lon, 4)),
            ])
        if limit is not None and len(repeat) > limit:
            t.notes.append(_("The %(n)d biggest of %(total)d places with two or more tips; the export lists all.")
                           % {"n": limit, "total": len(repeat)})
        t.notes.append(_("Tips within %(m)d m of each other form one place; a pin counts where sent, else the "
                         "police station's location.") % {"m": int(RADIUS_M)})
        return t


GRID_M = 100.0  # the database first gathers tips on a grid this fine (each cell at its tips' mean position)


def hotspots(user: Any, filters: Filters, period: Period, language: str | None = None) -> Hotspots:
    """One grouped query: tips are gathered in the database on a ~100 m grid (per district, station,
    category and pin/station placing), each group at its tips' mean position and weighted by their number;
    the groups are then clustered here. A tip therefore moves at most ~140 m (the cell diagonal) before
    clustering, against a 300 m radius, and the Python work grows with the occupied cells, not the tips."""
    lang = lang_of(language)
    cell_lat = GRID_M / DEG_LAT_M
    cell_lon = cell_lat / REFERENCE_COS
    pinned = Q(location_lat__isnull=False, location_lon__isnull=False)
    lat = Case(When(pinned, then=F("location_lat")), default=F("station__lat"), output_field=FloatField())
    lon = Case(When(pinned, then=F("location_lon")), default=F("station__lon"), output_field=FloatField())
    rows = (
        tips_for(user, filters, period)
        .order_by()
        .annotate(
            plat=lat,
            plon=lon,
            is_pin=Case(When(pinned, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .annotate(cy=Floor(F("plat") / cell_lat), cx=Floor(F("plon") / cell_lon))
        .values_list("cy", "cx", "is_pin", "district_id", "station_id", "category_id")
        .annotate(n=Count("*"), alat=Avg("plat"), alon=Avg("plon"))
    )
    codes = {pk: (code, label(title, lang, code)) for pk, code, title in Category.objects.values_list(
        "pk", "code", "title")}
    points: list[Point] = []
    unplaced = total = 0
    station_ids: set[int] = set()
    for _cy, _cx, is_pin, district_id, station_id, category_id, n, alat, alon in rows:
        total += n
        if station_id is not None:
            station_ids.add(station_id)
        if alat is None or alon is None:
            unplaced += n
            continue
        points.append(Point(alat, alon, bool(is_pin), district_id, station_id, codes[category_id][0], n))
    stations = {pk: label(name, lang) for pk, name in PoliceStation.objects.filter(pk__in=station_ids).values_list(
        "pk", "name")}
    categories = {code: lab for code, lab in codes.values()}
    return Hotspots(period, cluster_points(points), unplaced, total, Disclosure(user), stations, categories)
