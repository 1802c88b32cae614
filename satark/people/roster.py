"""Import an office's roster of field officers from CSV: all rows are checked first, and one bad row
means nothing is imported (the error names every bad row by line)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from satark.geography.models import District, PoliceStation
from satark.vault.api import reference_for

from .models import Officer, Rank

COLUMNS = ("name", "rank", "district", "station", "whatsapp", "language")
RANKS = {
    **{r.value: r.value for r in Rank},
    **{r.label.split(" · ")[0].lower(): r.value for r in Rank},
    "head constable": "hc",
    "constable": "ct",
    "si": "si",
    "inspector": "insp",
    "dsp": "co",
    "co": "co",
}
_MOBILE = re.compile(r"^(?:\+?91|0)?([6-9]\d{9})$")


class RosterError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Row:
    line: int
    name: str
    rank: str
    district: District
    station: PoliceStation | None
    phone: str
    language: str


def normalise_mobile(text: str) -> str | None:
    """Indian mobile numbers in any usual spelling -> 91XXXXXXXXXX, or None."""
    digits = re.sub(r"[\s\-().]", "", text)
    match = _MOBILE.match(digits)
    return f"91{match.group(1)}" if match else None


def _station(district: District, text: str) -> PoliceStation | None:
    text = text.strip()
    if not text:
        return None
    by_code = PoliceStation.objects.filter(district=district, code=text).first()
    if by_code:
        return by_code
    lowered = text.lower()
    for station in PoliceStation.objects.filter(district=district):
        names = [str(n).lower() for n in station.name.values()]
        if lowered in names or lowered == station.code.removeprefix(f"{district.code}-"):
            return station
    return None


def read(path: Path) -> list[Row]:
    problems: list[str] = []
    rows: list[Row] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RosterError([f"the header lacks the column(s): {', '.join(missing)} (expected {', '.join(COLUMNS)})"])
        for line, raw in enumerate(reader, start=2):
            name = (raw.get("name") or "").strip()
            rank = RANKS.get((raw.get("rank") or "").strip().lower())
            district = District.objects.filter(code=(raw.get("district") or "").strip().lower()).first()
            district = district or next(
                (
                    d
                    for d in District.objects.all()
                    if (raw.get("district") or "").strip().lower() in [str(n).lower() for n in d.name.values()]
                ),
                None,
            )
            phone = normalise_mobile(raw.get("whatsapp") or "")
            language = (raw.get("language") or "hi").strip().lower() or "hi"
            errors = []
            if not name:
                errors.append("no name")
            if rank is None:
                errors.append(f"unknown rank {raw.get('rank')!r}")
            if district is None:
                errors.append(f"unknown district {raw.get('district')!r}")
            if phone is None:
                errors.append("the WhatsApp number is not a 10-digit Indian mobile number")
            if language not in ("hi", "en"):
                errors.append(f"language must be hi or en, not {language!r}")
            station = _station(district, raw.get("station") or "") if district else None
            if district and (raw.get("station") or "").strip() and station is None:
                errors.append(f"no police station {raw.get('station')!r} in {district}")
            if phone and phone in seen:
                errors.append(f"the same WhatsApp number as line {seen[phone]}")
            if errors:
                problems.append(f"line {line}: " + "; ".join(errors))
                continue
            assert rank is not None and district is not None and phone is not None
            seen[phone] = line
            rows.append(Row(line, name, rank, district, station, phone, language))
    if problems:
        raise RosterError(problems)
    return rows


@transaction.atomic
def import_roster(path: Path) -> tuple[int, int]:
    """(created, updated). Officers are matched on their WhatsApp number (through the vault)."""
    created = updated = 0
    for row in read(path):
        contact = reference_for("whatsapp", row.phone)
        _, was_created = Officer.objects.update_or_create(
            contact_ref=contact,
            defaults={
                "name": row.name,
                "rank": row.rank,
                "district": row.district,
                "station": row.station,
                "circle": row.station.circle if row.station else None,
                "language": row.language,
                "active": True,
            },
        )
        created += was_created
        updated += not was_created
    return created, updated
