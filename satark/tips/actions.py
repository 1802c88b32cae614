"""Every write to tips goes through here: validate, perform, audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from satark.audit.actions import record
from satark.core.ids import new_reference
from satark.geography.models import District, PoliceStation, Range
from satark.geography.selectors import district_at, nearest_station

from .models import Category, Tip


@dataclass(frozen=True)
class TipDraft:
    category_code: str
    district_code: str
    description: str
    answers: dict[str, str]
    language: str
    reporter_ref: str
    questionnaire: str = ""
    station_code: str = ""
    police_involved: bool = False
    location: tuple[float, float] | None = None
    place_text: str = ""
    occurred_at: datetime | None = None
    occurred_text: str = ""
    urgent: bool = False
    partial: bool = False


class TipRejected(ValueError):
    pass


def check_submit_tip(draft: TipDraft) -> tuple[Category, District | None, PoliceStation | None]:
    # An inactive category is still accepted: it may have been retired while the reporter was answering.
    category = Category.objects.filter(code=draft.category_code).first()
    if category is None:  # never lose a tip over a code the configuration no longer knows
        category = Category.objects.filter(code="other").first()
    if category is None:
        raise TipRejected(f"unknown category {draft.category_code!r} and no 'other' category")
    station = PoliceStation.objects.select_related("district").filter(code=draft.station_code).first()
    district = District.objects.select_related("range").filter(code=draft.district_code).first()
    if district is None and station is not None:
        district = station.district
    if district is None and draft.location is not None:
        district = district_at(*draft.location)
    if district is None and not draft.partial:
        raise TipRejected(f"unknown district {draft.district_code!r}")
    if station is not None and district is not None and station.district_id != district.pk:
        station = None  # the reporter's own answers disagree: keep the district they chose
    if station is None and district is not None and draft.location is not None:
        station = nearest_station(district, *draft.location)  # a pin but no named station
    return category, district, station


def do_submit_tip(draft: TipDraft) -> Tip:
    category, district, station = check_submit_tip(draft)
    prefix = (
        district.range.reference_prefix
        if district
        else Range.objects.values_list("reference_prefix", flat=True).first() or "TIP"
    )
    for _attempt in range(20):
        try:
            with transaction.atomic():
                tip = Tip.objects.create(
                    reference=new_reference(prefix),
                    category=category,
                    district=district,
                    station=station,
                    description=draft.description,
                    answers=draft.answers,
                    language=draft.language,
                    reporter_ref=draft.reporter_ref,
                    police_involved=draft.police_involved,
                    questionnaire=draft.questionnaire,
                    location_lat=draft.location[0] if draft.location else None,
                    location_lon=draft.location[1] if draft.location else None,
                    place_text=draft.place_text[:200],
                    occurred_at=draft.occurred_at,
                    occurred_text=draft.occurred_text[:200],
                    urgent=draft.urgent,
                    partial=draft.partial,
                )
                record(
                    "tip.submitted",
                    "tip",
                    tip.reference,
                    details={"district": district.code if district else None, "partial": draft.partial},
                )
                return tip
        except IntegrityError:  # reference collision: draw again
            continue
    raise TipRejected("could not allocate a unique reference")
