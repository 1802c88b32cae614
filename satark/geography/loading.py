"""Load a range's geography from its reference folder (range.json, boundaries GeoJSON, stations CSV).

Reloading is idempotent: rows are matched on their codes and updated in place; stations missing from
the file are deactivated, never deleted (tips keep pointing at them).
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from .models import Circle, District, Place, PoliceStation, Range


class ReferenceDataError(ValueError):
    pass


@dataclass
class LoadReport:
    districts: int = 0
    stations: int = 0
    circles: int = 0
    deactivated: int = 0
    places: int = 0


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReferenceDataError(f"missing file {path}") from exc
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(f"{path}: invalid JSON ({exc})") from exc


@transaction.atomic
def load_geography(folder: Path) -> LoadReport:
    config = read_json(folder / "range.json")
    files = config["files"]
    report = LoadReport()
    rng, _ = Range.objects.update_or_create(
        code=config["code"],
        defaults={"reference_prefix": config["reference_prefix"], "name": config["name"], "office": config["office"]},
    )
    boundaries = read_json(folder / files["boundaries"])
    match_prop = files.get("boundary_match_property", "district_en")
    geometry_by_name = {f["properties"][match_prop]: f for f in boundaries.get("features", [])}
    districts: dict[str, District] = {}
    for order, item in enumerate(config["districts"]):
        feature = geometry_by_name.get(item["match"])
        if feature is None:
            raise ReferenceDataError(f"no boundary for district {item['match']!r} in {files['boundaries']}")
        props = feature["properties"]
        district, _ = District.objects.update_or_create(
            code=item["code"],
            defaults={
                "range": rng,
                "name": item["name"],
                "office": item["office"],
                "order": order,
                "boundary": feature["geometry"],
                "hq_lat": props.get("hq_lat"),
                "hq_lon": props.get("hq_lon"),
            },
        )
        districts[item["match"]] = district
        report.districts += 1

    seen: set[str] = set()
    with (folder / files["stations"]).open(encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            found = districts.get(row["district_en"])
            if found is None:
                raise ReferenceDataError(f"{files['stations']}:{line_no}: unknown district {row['district_en']!r}")
            district = found
            circle: Circle | None = None
            if row.get("circle_en"):
                circle = Circle.objects.filter(district=district, name__en=row["circle_en"]).first()
                if circle is None:
                    circle = Circle.objects.create(district=district, name={"en": row["circle_en"]})
                    report.circles += 1
            try:
                lat = float(row["lat"]) if row.get("lat") else None
                lon = float(row["lon"]) if row.get("lon") else None
            except ValueError as exc:
                raise ReferenceDataError(f"{files['stations']}:{line_no}: bad coordinate") from exc
            code = f"{district.code}-{slug(row['thana_en'])}"
            if code in seen:
                raise ReferenceDataError(f"{files['stations']}:{line_no}: duplicate station {row['thana_en']!r}")
            seen.add(code)
            PoliceStation.objects.update_or_create(
                code=code,
                defaults={
                    "district": district,
                    "circle": circle,
                    "name": {"en": row["thana_en"], "hi": row["thana_hi"]},
                    "lat": lat,
                    "lon": lon,
                    "coord_confidence": row.get("confidence") or "low",
                    "source": row.get("source", ""),
                    "active": True,
                },
            )
            report.stations += 1
    report.places = _load_places(folder, files, districts)
    _load_station_aliases(folder, files)
    report.deactivated = (
        PoliceStation.objects.filter(district__range=rng, active=True).exclude(code__in=seen).update(active=False)
    )
    return report


def _aliases(text: str) -> list[str]:
    return [a.strip() for a in (text or "").split(";") if a.strip()]


def _load_places(folder: Path, files: dict[str, str], districts: dict[str, District]) -> int:
    name = files.get("places")
    if not name:
        return 0
    seen = []
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            district = districts.get(row["district"])
            if district is None or row["kind"] not in Place.Kind.values:
                raise ReferenceDataError(f"{name}:{line_no}: unknown district or kind")
            code = f"{row['kind']}-{district.code}-{slug(row['name_en'])}"
            Place.objects.update_or_create(
                code=code,
                defaults={
                    "district": district,
                    "kind": row["kind"],
                    "name": {"en": row["name_en"], "hi": row["name_hi"]},
                    "aliases": _aliases(row.get("aliases", "")),
                },
            )
            seen.append(code)
    Place.objects.filter(district__in=districts.values()).exclude(code__in=seen).delete()
    return len(seen)


def _load_station_aliases(folder: Path, files: dict[str, str]) -> None:
    name = files.get("station_aliases")
    if not name:
        return
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            if not PoliceStation.objects.filter(code=row["station_code"]).update(aliases=_aliases(row["aliases"])):
                raise ReferenceDataError(f"{name}:{line_no}: no station {row['station_code']!r}")
