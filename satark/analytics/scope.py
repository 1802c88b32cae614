"""What an analytics query covers: the user's visible tips (always through ``tips.access.visible_tips``),
a period, optional filters, and the disclosure rule for small counts.

Small-count rule (documented in docs/analytics.md): a user whose scope is its own unit (an SP office: its
district; a circle office: its circle; station staff: its station) is the investigating unit of every tip
it can see, and sees every count exactly. A user with range-wide oversight (the DIG office) is outside
those units: it sees district and range totals exactly, but any cell *below* district level (a station, a
circle, a place on the hotspot map) holding 1 or 2 tips is shown as "<3", and a change
computed from such a cell as "–". Zero stays zero. Exports and the PDF report follow the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from satark.people.access import tip_scope
from satark.tips.access import visible_tips
from satark.tips.models import Tip

SMALL = 3  # counts 1..SMALL-1 are coarsened outside the investigating unit
COARSE = f"<{SMALL}"
PRESETS = {"week": 7, "fortnight": 14, "month": 30, "quarter": 91, "year": 365}


@dataclass(frozen=True)
class Period:
    """Whole local days: ``start`` inclusive, ``end`` exclusive."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end, time.min, tzinfo=tz),
        )

    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def label(self) -> str:
        return f"{self.start:%d.%m.%Y} – {self.last_day:%d.%m.%Y}"


def today() -> date:
    return timezone.localdate()


def preset_period(name: str, on: date | None = None) -> Period:
    """The last N days up to and including ``on`` (default today)."""
    on = on or today()
    days = PRESETS.get(name, PRESETS["month"])
    return Period(on - timedelta(days=days - 1), on + timedelta(days=1))


def report_period(kind: str, on: date | None = None) -> Period:
    """The last complete week (Monday–Sunday) or calendar month before ``on``: the review meeting's period."""
    on = on or today()
    if kind == "month":
        first = on.replace(day=1)
        prev_first = (first - timedelta(days=1)).replace(day=1)
        return Period(prev_first, first)
    monday = on - timedelta(days=on.weekday())
    return Period(monday - timedelta(days=7), monday)


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def period_from(params: Any, default: str = "month", on: date | None = None) -> Period:
    """From GET parameters: ``period`` (a preset) or ``start``/``end`` (inclusive ISO dates, at most 3 years)."""
    start, end = _parse_date(params.get("start")), _parse_date(params.get("end"))
    if start and end and start <= end and (end - start).days <= 3 * 366:
        return Period(start, end + timedelta(days=1))
    return preset_period(params.get("period") or default, on)


class Disclosure:
    """Which counts a user sees exactly (see the module docstring)."""

    def __init__(self, user: Any) -> None:
        # Range-wide oversight is outside every investigating unit; a unit's own account is inside its unit.
        self.outside = tip_scope(user).all_districts

    def exact(self, district_id: int | None) -> bool:
        """Whether a below-district cell of this district is shown exactly (the same for every district
        today; the argument keeps room for an account that is one district's unit and oversees others)."""
        return not self.outside

    def is_coarse(self, n: int, district_id: int | None) -> bool:
        return 0 < n < SMALL and not self.exact(district_id)

    def show(self, n: int, district_id: int | None) -> str:
        return COARSE if self.is_coarse(n, district_id) else str(n)

    def change(self, now: int, before: int, district_id: int | None) -> str:
        if self.is_coarse(now, district_id) or self.is_coarse(before, district_id):
            return "–"
        return change_text(now, before)


def change_text(now: int, before: int) -> str:
    diff = now - before
    sign = "+" if diff > 0 else ""
    if before == 0:
        return f"{sign}{diff}" if diff else "0"
    return f"{sign}{diff} ({sign}{round(100 * diff / before)}%)"


@dataclass(frozen=True)
class Filters:
    """Optional filters on top of the user's visible tips."""

    category: str = ""  # Category.code
    district: str = ""  # District.code
    sensitivity: str = ""  # Tip.sensitivity value

    @classmethod
    def from_params(cls, params: Any) -> Filters:
        return cls(
            category=(params.get("category") or "").strip()[:40],
            district=(params.get("district") or "").strip()[:16],
            sensitivity=(params.get("sensitivity") or "").strip()[:12],
        )

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in (("category", self.category), ("district", self.district),
                                           ("sensitivity", self.sensitivity)) if v]
        return ", ".join(parts) or _("all")

    def as_dict(self) -> dict[str, str]:
        return {"category": self.category, "district": self.district, "sensitivity": self.sensitivity}


def tips_for(user: Any, filters: Filters | None = None, period: Period | None = None) -> QuerySet[Tip]:
    """The one entry point: every aggregate starts from the user's visible tips."""
    qs = visible_tips(user)
    f = filters or Filters()
    if f.category:
        qs = qs.filter(category__code=f.category)
    if f.district:
        qs = qs.filter(district__code=f.district)
    if f.sensitivity:
        qs = qs.filter(sensitivity=f.sensitivity)
    if period is not None:
        start, end = period.bounds()
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    return qs
