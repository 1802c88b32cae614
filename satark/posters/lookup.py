"""Resolve a (possibly edited) prefilled message to a district and station in the database.

The result is a hint for the conversation, never a fact: the citizen may have edited the draft or
scanned a photo of a poster from elsewhere. Let them confirm or change the place.
"""

from __future__ import annotations

from satark.geography.models import District, PoliceStation

from .prefill import candidates


def resolve_prefill(text: str) -> tuple[District, PoliceStation | None] | None:
    """The first routing code in ``text`` whose district exists, with its station if that exists and is
    active (a poster of a since-merged station still routes to its district). ``None`` otherwise."""
    for district_code, station_code in candidates(text):
        district = District.objects.filter(code=district_code).first()
        station: PoliceStation | None = None
        if station_code is not None:
            station = PoliceStation.objects.filter(code=station_code, active=True).select_related("district").first()
            if station is None and district is not None:
                # Codes not built as <district>-<slug>: the part after the slash may be the whole code.
                part = station_code.removeprefix(f"{district_code}-")
                station = PoliceStation.objects.filter(code=part, district=district, active=True).first()
            if station is not None and district is not None and station.district_id != district.pk:
                station = None
            if district is None and station is not None:
                district = station.district
        if district is not None:
            return district, station
    return None
