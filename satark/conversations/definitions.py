"""Builds the engine's definition from the questionnaire and catalogue files and the reference data."""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from satark.engine import Choice, Definition, load_definition
from satark.geography.models import District, Place, PoliceStation
from satark.tips.models import Category

DATA = Path(__file__).resolve().parent
QUESTIONNAIRE = "tip.v2.json"
_lock = threading.Lock()


@lru_cache(maxsize=8)
def _read(path: str) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def catalogue_dirs() -> list[Path]:
    """Where catalogues are read from: the product's own, then any listed in SATARK_EXTRA_CATALOGUE_DIRS."""
    return [DATA / "catalogues", *(Path(d) for d in getattr(settings, "SATARK_EXTRA_CATALOGUE_DIRS", []))]


def catalogues() -> dict[str, dict[str, str]]:
    """Language code -> texts. Adding a language is adding a `<code>.json` catalogue with every key."""
    found: dict[str, dict[str, str]] = {}
    for folder in catalogue_dirs():
        for path in sorted(folder.glob("*.json")):
            found[path.stem] = _read(str(path))
    return found


def languages(questionnaire: dict[str, Any], texts: dict[str, dict[str, str]]) -> list[str]:
    """The questionnaire's languages in its order, then every other language that has a catalogue."""
    listed = [lang for lang in questionnaire.get("languages", []) if lang in texts]
    return listed + sorted(lang for lang in texts if lang not in listed)


def _in_every_language(labels: dict[str, str], langs: list[str]) -> dict[str, str]:
    """Reference data not yet translated into a language falls back to English (then to any label)."""
    fallback = labels.get("en") or next((v for v in labels.values() if v), "")
    return {lang: labels.get(lang) or fallback for lang in langs}


def choices(langs: list[str] | None = None) -> dict[str, list[Choice]]:
    langs = langs or ["hi", "en"]
    categories = [
        Choice(
            id=c.code,
            labels=_in_every_language(dict(c.title), langs),
            descriptions=_in_every_language(dict(c.description), langs),
            synonyms=tuple(c.synonyms),
        )
        for c in Category.objects.filter(active=True).order_by("order")
    ]
    districts = [
        Choice(id=d.code, labels=_in_every_language(dict(d.name), langs), synonyms=(d.code,))
        for d in District.objects.order_by("order", "code")
    ]
    return {"categories": categories, "districts": districts, "places": places(langs)}


KIND_LABELS = {
    "station": {"hi": "थाना", "en": "Police station"},
    "tehsil": {"hi": "तहसील", "en": "Tehsil"},
    "block": {"hi": "ब्लॉक", "en": "Block"},
}


def _kind(kind: str, lang: str) -> str:
    return KIND_LABELS[kind].get(lang) or KIND_LABELS[kind]["en"]


def places(langs: list[str] | None = None) -> list[Choice]:
    """Police stations, tehsils and blocks of the range, with their other spellings, for the place step."""
    langs = langs or ["hi", "en"]
    found: list[Choice] = []
    for station in PoliceStation.objects.filter(active=True).select_related("district"):
        found.append(
            Choice(
                id=station.code,
                labels=_in_every_language(dict(station.name), langs),
                descriptions={lang: f"{_kind('station', lang)}, {station.district.label(lang)}" for lang in langs},
                synonyms=tuple(station.aliases),
                group=station.district.code,
                kind="station",
            )
        )
    for place in Place.objects.select_related("district"):
        found.append(
            Choice(
                id=place.code,
                labels=_in_every_language(dict(place.name), langs),
                descriptions={lang: f"{_kind(place.kind, lang)}, {place.district.label(lang)}" for lang in langs},
                synonyms=tuple(place.aliases),
                group=place.district.code,
                kind=place.kind,
            )
        )
    return found


_cache: dict[str, Any] = {}


def get_definition() -> Definition:
    """The current definition; rebuilt when the reference data changes (a cheap fingerprint query)."""
    # Everything the definition is built from (see choices() and places()): a renamed station or place, a
    # moved one or a reordered menu rebuilds it.
    fingerprint = (
        tuple(Category.objects.filter(active=True).order_by("pk").values_list("code", "order", "title", "synonyms")),
        tuple(District.objects.order_by("pk").values_list("code", "order", "name")),
        tuple(PoliceStation.objects.filter(active=True).order_by("pk").values_list(
            "code", "name", "aliases", "district__code", "district__name")),
        tuple(Place.objects.order_by("pk").values_list("code", "kind", "name", "aliases", "district__code")),
        [str(d) for d in catalogue_dirs()],
    )
    key = json.dumps(fingerprint, sort_keys=True, default=str)
    with _lock:
        if _cache.get("key") != key:
            questionnaire = dict(_read(str(DATA / "questionnaires" / QUESTIONNAIRE)))
            texts = catalogues()
            questionnaire["languages"] = langs = languages(questionnaire, texts)
            _cache["definition"] = load_definition(questionnaire, texts, choices(langs))
            _cache["key"] = key
        definition: Definition = _cache["definition"]
        return definition
