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
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"  # not django-axes' (it has no get_user)


def load_reference() -> None:
    call_command("load_reference", verbosity=0)


def staff(username: str, role: str, district_code: str | None = None) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    district = District.objects.get(code=district_code) if district_code else None
    StaffProfile.objects.create(user=user, role=role, district=district)
    return user


def verified_client(user: Any) -> Any:
    """A test client signed in as `user` with the second factor done (a confirmed TOTP device, as after
    /login/verify/): what every dashboard and admin page needs for roles that must use TOTP."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def circle_office(district_code: str, circle_en: str) -> Any:
    from satark.geography.models import Circle

    user = staff(f"co-{circle_en.lower()}", Role.CIRCLE_OFFICE)
    circle = Circle.objects.get(district__code=district_code, name__en=circle_en)
    StaffProfile.objects.filter(user=user).update(circle=circle, district=circle.district)
    return user


def station_staff(station_code: str) -> Any:
    from satark.geography.models import PoliceStation

    user = staff(f"ps-{station_code}", Role.STATION_STAFF)
    station = PoliceStation.objects.get(code=station_code)
    StaffProfile.objects.filter(user=user).update(station=station, circle=station.circle, district=station.district)
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
