"""Builds the engine's definition from the questionnaire and catalogue files and the reference data."""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from satark.engine import Choice, Definition, load_definition
from satark.geography.models import District, Place, PoliceStation
from satark.tips.models import Category

DATA = Path(__file__).resolve().parent
QUESTIONNAIRE = "tip.v2.json"
_lock = threading.Lock()


@lru_cache(maxsize=8)
def _read(path: str) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def catalogues() -> dict[str, dict[str, str]]:
    return {p.stem: _read(str(p)) for p in sorted((DATA / "catalogues").glob("*.json"))}


def choices() -> dict[str, list[Choice]]:
    categories = [
        Choice(id=c.code, labels=dict(c.title), descriptions=dict(c.description), synonyms=tuple(c.synonyms))
        for c in Category.objects.filter(active=True).order_by("order")
    ]
    districts = [
        Choice(id=d.code, labels=dict(d.name), synonyms=(d.code,)) for d in District.objects.order_by("order", "code")
    ]
    return {"categories": categories, "districts": districts, "places": places()}


KIND_LABELS = {
    "station": {"hi": "थाना", "en": "Police station"},
    "tehsil": {"hi": "तहसील", "en": "Tehsil"},
    "block": {"hi": "ब्लॉक", "en": "Block"},
}


def places() -> list[Choice]:
    """Police stations, tehsils and blocks of the range, with their other spellings, for the place step."""
    found: list[Choice] = []
    for station in PoliceStation.objects.filter(active=True).select_related("district"):
        found.append(
            Choice(
                id=station.code,
                labels=dict(station.name),
                descriptions={
                    lang: f"{KIND_LABELS['station'][lang]}, {station.district.label(lang)}" for lang in ("hi", "en")
                },
                synonyms=tuple(station.aliases),
                group=station.district.code,
                kind="station",
            )
        )
    for place in Place.objects.select_related("district"):
        found.append(
            Choice(
                id=place.code,
                labels=dict(place.name),
                descriptions={
                    lang: f"{KIND_LABELS[place.kind][lang]}, {place.district.label(lang)}" for lang in ("hi", "en")
                },
                synonyms=tuple(place.aliases),
                group=place.district.code,
                kind=place.kind,
            )
        )
    return found


_cache: dict[str, Any] = {}


def get_definition() -> Definition:
    """The current definition; rebuilt when the reference data changes (a cheap fingerprint query)."""
    fingerprint = (
        tuple(Category.objects.filter(active=True).values_list("code", "title", "synonyms")),
        tuple(District.objects.values_list("code", "name")),
        tuple(PoliceStation.objects.filter(active=True).values_list("code", "aliases")),
        Place.objects.count(),
    )
    key = json.dumps(fingerprint, sort_keys=True, default=str)
    with _lock:
        if _cache.get("key") != key:
            questionnaire = _read(str(DATA / "questionnaires" / QUESTIONNAIRE))
            _cache["definition"] = load_definition(questionnaire, catalogues(), choices())
            _cache["key"] = key
        definition: Definition = _cache["definition"]
        return definition
