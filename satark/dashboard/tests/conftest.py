"""A small range for the dashboard tests: a tip in Ghazipur (Karanda station, City circle), one in Jaunpur,
one about Karanda's own personnel; a plain and a restricted photo; one account per role."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from PIL import Image

from satark.geography.models import PoliceStation
from satark.media.models import MediaAsset
from satark.people.models import Role
from tests import factories as f


def photo_file(name: str, colour: str = "red") -> str:
    image = Image.new("RGB", (64, 48), colour)
    for x in range(0, 64, 8):  # some detail, so the blurred copy differs from the sharp one
        for y in range(48):
            image.putpixel((x, y), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG")
    path = settings.MEDIA_ROOT / "derivatives" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return f"derivatives/{name}"


def asset(tip: Any, external_id: str, *, restricted: bool = False, kind: str = "image", **extra: Any) -> MediaAsset:
    return MediaAsset.objects.create(
        channel="whatsapp",
        external_id=external_id,
        kind=kind,
        tip=tip,
        state="ready",
        derivative_path=photo_file(f"{external_id}.jpg") if kind == "image" else extra.pop("derivative_path"),
        restricted=restricted,
        **extra,
    )


@dataclass
class World:
    tips: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    assets: dict[str, MediaAsset] = field(default_factory=dict)


@pytest.fixture
def range_world(db: Any) -> World:
    f.load_reference()
    karanda = PoliceStation.objects.get(code="ghazipur-karanda")
    world = World()
    tip_g = f.tip("ghazipur", description="ghazipur wala jua")
    tip_g.station = karanda
    tip_g.save()
    tip_inv = f.tip("ghazipur", "extortion_corruption", description="karanda thane ka munshi vasooli karta hai")
    tip_inv.station, tip_inv.police_involved = karanda, True
    tip_inv.save()
    world.tips = {"g": tip_g, "j": f.tip("jaunpur", "illegal_arms", description="katta bik raha hai"), "inv": tip_inv}
    world.assets = {"plain": asset(tip_g, "m-plain"), "restricted": asset(tip_g, "m-restricted", restricted=True)}
    admin = f.staff("cfg-admin", Role.ADMIN)
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(  # as create_demo_users grants: reference data and officers, not roles
        Permission.objects.filter(content_type__app_label="geography")
        | Permission.objects.filter(content_type__app_label="tips", codename__endswith="category")
        | Permission.objects.filter(content_type__app_label="people", codename__endswith="_officer")
    )
    world.users = {
        "dig": f.dig_office(),
        "sp_g": f.sp_office("ghazipur"),
        "sp_j": f.sp_office("jaunpur"),
        "co_g": f.circle_office("ghazipur", "City (Nagar)"),
        "ps_g": f.station_staff("ghazipur-karanda"),
        "admin": admin,
        "half": f.staff("half-signed-in", Role.SP_OFFICE, "ghazipur"),  # password given, no TOTP code yet
    }
    return world
