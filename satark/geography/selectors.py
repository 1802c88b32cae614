"""Named read queries and point-in-polygon location for the geography app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .models import District


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


def districts() -> list[District]:
    return list(District.objects.select_related("range").order_by("order"))
