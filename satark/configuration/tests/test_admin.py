"""Reference data in the admin: validated, and every change in the audit chain."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from satark.audit.actions import verify_chain
from satark.audit.models import AuditEvent
from satark.geography.models import PoliceStation
from satark.people.models import Officer
from satark.tips.models import Category
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Any:
    f.load_reference()
    user = get_user_model().objects.create_superuser("root", password=f.PASSWORD)
    return f.verified_client(user)


def station_form(station: PoliceStation, **changes: Any) -> dict[str, Any]:
    import json

    data = {
        "district": station.district_id,
        "circle": station.circle_id or "",
        "name": json.dumps(station.name, ensure_ascii=False),
        "aliases": json.dumps(station.aliases, ensure_ascii=False),
        "lat": station.lat,
        "lon": station.lon,
        "coord_confidence": station.coord_confidence,
        "source": station.source,
        "active": "on",
    }
    data.update(changes)
    return data


def test_moving_a_station_inside_its_district_is_audited(admin_client: Any) -> None:
    station = PoliceStation.objects.get(code="ghazipur-karanda")
    url = f"/admin/geography/policestation/{station.pk}/change/"
    response = admin_client.post(url, station_form(station, lat="25.49500", lon="83.47000", coord_confidence="high"))
    assert response.status_code == 302, response.content.decode()[:3000]
    moved = PoliceStation.objects.get(pk=station.pk)
    assert (moved.lat, moved.lon) == (25.495, 83.47) and "moved in the admin by root" in moved.source
    event = AuditEvent.objects.get(action="config.changed", object_type="geography.policestation")
    assert event.details["fields"]["lat"] == {"from": station.lat, "to": 25.495}
    assert event.actor_label == "root" and verify_chain() == (True, None)


def test_a_point_outside_the_district_needs_confirmation(admin_client: Any) -> None:
    station = PoliceStation.objects.get(code="ghazipur-karanda")
    url = f"/admin/geography/policestation/{station.pk}/change/"
    varanasi_city = {"lat": "25.3176", "lon": "82.9739"}  # outside Ghazipur
    refused = admin_client.post(url, station_form(station, **varanasi_city))
    assert refused.status_code == 200 and "outside Ghazipur" in refused.content.decode()
    assert PoliceStation.objects.get(pk=station.pk).lat == station.lat
    swapped = admin_client.post(url, station_form(station, lat="83.46", lon="25.48"))
    assert "outside" in swapped.content.decode() or "Latitude must be" in swapped.content.decode()
    confirmed = admin_client.post(url, station_form(station, outside_boundary_ok="on", **varanasi_city))
    assert confirmed.status_code == 302
    event = AuditEvent.objects.get(action="config.changed", object_type="geography.policestation")
    assert event.details["outside_boundary"] is True


def test_category_deadlines_are_validated_and_audited(admin_client: Any) -> None:
    import json

    category = Category.objects.get(code="gambling")
    url = f"/admin/tips/category/{category.pk}/change/"
    base = {
        "order": category.order,
        "title": json.dumps(category.title, ensure_ascii=False),
        "description": json.dumps(category.description, ensure_ascii=False),
        "synonyms": json.dumps(category.synonyms, ensure_ascii=False),
        "active": "on",
    }
    bad = admin_client.post(url, {**base, "assign_within_minutes": "0", "report_within_hours": "100000"})
    assert bad.status_code == 200 and "between 1 and" in bad.content.decode()
    too_long = admin_client.post(url, {**base, "title": json.dumps({"en": "x" * 30, "hi": "जुआ"})})
    assert "WhatsApp allows 24" in too_long.content.decode()
    ok = admin_client.post(url, {**base, "assign_within_minutes": "60", "report_within_hours": "24"})
    assert ok.status_code == 302
    assert Category.objects.get(pk=category.pk).assign_within_minutes == 60
    event = AuditEvent.objects.get(action="config.changed", object_type="tips.category")
    assert event.details["fields"]["assign_within_minutes"] == {"from": None, "to": 60}
    assert admin_client.post(f"/admin/tips/category/{category.pk}/delete/", {"post": "yes"}).status_code == 403


def test_an_officer_cannot_be_placed_at_another_districts_station(admin_client: Any) -> None:
    karanda = PoliceStation.objects.get(code="ghazipur-karanda")
    officer = Officer.objects.create(name="A. Singh", rank="si", district=karanda.district, contact_ref="rp_x")
    jaunpur_station = PoliceStation.objects.filter(district__code="jaunpur").first()
    assert jaunpur_station is not None
    url = f"/admin/people/officer/{officer.pk}/change/"
    form = {"name": "A. Singh", "rank": "si", "district": karanda.district_id, "language": "hi", "active": "on"}
    refused = admin_client.post(url, {**form, "station": jaunpur_station.pk})
    assert refused.status_code == 200 and "another district" in refused.content.decode()
    assert admin_client.post(url, {**form, "station": karanda.pk}).status_code == 302
    assert AuditEvent.objects.filter(action="config.changed", object_type="people.officer").count() == 1
