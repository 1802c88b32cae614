"""Known data for the aggregate tests: tips placed exactly where and when a test says."""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import count
from typing import Any

from django.utils import timezone

from satark.geography.models import District, PoliceStation
from satark.tips.models import Category, Tip

_refs = count(1)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def station(district: str, index: int = 0) -> PoliceStation:
    return PoliceStation.objects.filter(district__code=district, active=True).order_by("code")[index]


def make(
    district: str | None = "ghazipur",
    category: str = "gambling",
    *,
    when: datetime,
    station_: PoliceStation | None = None,
    pin: tuple[float, float] | None = None,
    status: str = Tip.Status.NEW,
    outcome: str = "",
    sensitivity: str = "normal",
    reporter_ref: str = "rp_known",
    **extra: Any,
) -> Tip:
    tip = Tip.objects.create(
        reference=f"TST-{next(_refs):05d}",
        category=Category.objects.get(code=category),
        district=District.objects.get(code=district) if district else None,
        station=station_,
        description="known data",
        language="en",
        reporter_ref=reporter_ref,
        location_lat=pin[0] if pin else None,
        location_lon=pin[1] if pin else None,
        status=status,
        outcome=outcome,
        sensitivity=sensitivity,
        status_changed_at=when,
        **extra,
    )
    Tip.objects.filter(pk=tip.pk).update(created_at=when)
    tip.refresh_from_db()
    return tip
