"""Named read queries and point-in-polygon location for the geography app."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .models import District, PoliceStation


def _ring_contains(ring: Sequence[Sequence[float]], lon: float, lat: float) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / ((yj - yi) or 1e-12) + xi:
            inside = not inside
        j = i
    return inside


def geometry_contains(geometry: dict[str, Any], lon: float, lat: float) -> bool:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        if (
            polygon
            and _ring_contains(polygon[0], lon, lat)
            and not any(_ring_contains(hole, lon, lat) for hole in polygon[1:])
        ):
            return True
    return False


def district_at(lat: float, lon: float) -> District | None:
    for district in District.objects.exclude(boundary=None):
        if district.boundary and geometry_contains(district.boundary, lon, lat):
            return district
    return None


def nearest_station(district: District, lat: float, lon: float) -> PoliceStation | None:
    """The active station of the district nearest to a point (equirectangular distance is plenty at
    this scale). Stations with only a proxy coordinate still count: they are the best we have."""
    scale = math.cos(math.radians(lat))
    rank = {"high": 0, "medium": 1, "low": 2}
    best: tuple[float, int, PoliceStation] | None = None
    for station in PoliceStation.objects.filter(district=district, active=True).exclude(lat=None):
        assert station.lat is not None and station.lon is not None
        d = round((station.lat - lat) ** 2 + ((station.lon - lon) * scale) ** 2, 10)
        # Several stations share a proxy point (e.g. the district town): the better-placed one wins.
        key = (d, rank.get(station.coord_confidence, 3))
        if best is None or key < best[:2]:
            best = (*key, station)
    return best[2] if best else None
