"""Permission-checked fetches of tips. Views never query Tip directly."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from satark.people.access import tip_scope

from .models import Tip


def visible_tips(user: Any) -> QuerySet[Tip]:
    scope = tip_scope(user)
    if scope.empty:
        return Tip.objects.none()
    qs = Tip.objects.select_related("category", "district", "station")
    if scope.all_districts:
        return qs  # the DIG office sees everything, including tips with no district yet
    cond = Q(pk__in=[])
    if scope.districts:
        cond |= Q(district_id__in=scope.districts)
    if scope.circles:
        cond |= Q(station__circle_id__in=scope.circles)
    if scope.stations:
        cond |= Q(station_id__in=scope.stations)
    qs = qs.filter(cond)
    if scope.exclude_involved_station is not None:
        # Conflict of interest: a station never reads tips saying its own personnel are involved.
        qs = qs.exclude(police_involved=True, station_id=scope.exclude_involved_station)
    return qs


def get_tip_for(user: Any, reference: str) -> Tip:
    tip = visible_tips(user).filter(reference=reference).first()
    if tip is None:
        raise Http404("No such tip")
    return tip
