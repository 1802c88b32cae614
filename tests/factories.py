"""Named actors and objects for tests: the DIG office, an SP office per district, tips in districts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command

from satark.geography.models import District
from satark.people.models import Role, StaffProfile
from satark.tips.actions import TipDraft, do_submit_tip
from satark.tips.models import Tip

PASSWORD = "correct-horse-battery"


def load_reference() -> None:
    call_command("load_reference", verbosity=0)


def staff(username: str, role: str, district_code: str | None = None) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    district = District.objects.get(code=district_code) if district_code else None
    StaffProfile.objects.create(user=user, role=role, district=district)
    return user


def dig_office() -> Any:
    return staff("dig", Role.DIG_OFFICE)


def sp_office(district_code: str) -> Any:
    return staff(f"sp-{district_code}", Role.SP_OFFICE, district_code)


def tip(district_code: str = "ghazipur", category: str = "gambling", description: str = "jua ho raha hai") -> Tip:
    return do_submit_tip(
        TipDraft(
            category_code=category,
            district_code=district_code,
            description=description,
            answers={"category": category, "district": district_code, "description": description},
            language="hi",
            reporter_ref="rp_test",
        )
    )
