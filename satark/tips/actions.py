"""Every write to tips goes through here: validate, perform, audit."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from satark.audit.actions import record
from satark.core.ids import new_reference
from satark.geography.models import District, PoliceStation

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


class TipRejected(ValueError):
    pass


def check_submit_tip(draft: TipDraft) -> tuple[Category, District, PoliceStation | None]:
    # An inactive category is still accepted: it may have been retired while the reporter was answering.
    category = Category.objects.filter(code=draft.category_code).first()
    if category is None:
        raise TipRejected(f"unknown category {draft.category_code!r}")
    district = District.objects.select_related("range").filter(code=draft.district_code).first()
    if district is None:
        raise TipRejected(f"unknown district {draft.district_code!r}")
    station = None
    if draft.station_code:
        station = PoliceStation.objects.filter(code=draft.station_code, district=district).first()
    return category, district, station


def do_submit_tip(draft: TipDraft) -> Tip:
    category, district, station = check_submit_tip(draft)
    prefix = district.range.reference_prefix
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
                )
                record("tip.submitted", "tip", tip.reference, details={"district": district.code})
                return tip
        except IntegrityError:  # reference collision: draw again
            continue
    raise TipRejected("could not allocate a unique reference")
