"""The conversation's definition follows the reference data: a station renamed, a place renamed or moved to
another district, a category retitled — the next message sees it (the definition is rebuilt, not stale)."""

from __future__ import annotations

from typing import Any

import pytest

from satark.conversations.definitions import get_definition
from satark.geography.models import District, Place, PoliceStation
from satark.tips.models import Category
from tests import factories as f

pytestmark = pytest.mark.django_db


def _choices(source: str) -> dict[str, Any]:
    """The choices the questionnaire's steps take from a reference-data source, by id."""
    return {c.id: c for step in get_definition().steps if step.source == source for c in step.choices}


def _place(code: str) -> dict[str, str]:
    choice = _choices("places")[code]
    return {"en": choice.labels["en"], "group": choice.group or ""}


def test_renamed_and_moved_reference_data_rebuild_the_definition() -> None:
    f.load_reference()
    station = PoliceStation.objects.filter(active=True).order_by("code").first()
    place = Place.objects.order_by("code").first()
    assert station is not None and place is not None
    before = _place(station.code)
    PoliceStation.objects.filter(pk=station.pk).update(name={**station.name, "en": "Renamed Kotwali"})
    assert _place(station.code)["en"] == "Renamed Kotwali" != before["en"]

    other = District.objects.exclude(pk=place.district_id).order_by("code").first()
    assert other is not None
    Place.objects.filter(pk=place.pk).update(name={**place.name, "en": "New Tehsil Name"}, district=other)
    assert _place(place.code) == {"en": "New Tehsil Name", "group": other.code}

    category = Category.objects.get(code="gambling")
    Category.objects.filter(pk=category.pk).update(title={**category.title, "en": "Betting dens"})
    assert _choices("categories")["gambling"].labels["en"] == "Betting dens"
