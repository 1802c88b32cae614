"""Permission-checked fetches of tips. Views never query Tip directly."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from satark.people.access import can_read_tips, district_scope

from .models import Tip


def visible_tips(user: Any) -> QuerySet[Tip]:
    if not can_read_tips(user):
        return Tip.objects.none()
    scope = district_scope(user)
    qs = Tip.objects.select_related("category", "district", "station")
    if scope is None:
        return qs  # the DIG office sees everything, including tips with no district yet
    return qs.filter(district_id__in=scope)


def get_tip_for(user: Any, reference: str) -> Tip:
    tip = visible_tips(user).filter(reference=reference).first()
    if tip is None:
        raise Http404("No such tip")
    return tip
