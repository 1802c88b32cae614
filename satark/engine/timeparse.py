"""Reading the time of an incident from natural words in Hindi, Hinglish or English.

``parse_time(text, now, words, offset_minutes)`` understands, relative to ``now`` (converted to
local time with ``offset_minutes``, e.g. 330 for India):

* now: "abhi", "just now" -> exact, now;
* so long ago: "2 ghante pehle", "30 minutes ago", "do din pehle" -> approx;
* a day: "aaj", "kal", "parso", a weekday ("somvar", "Monday"), a date ("28/11", "28-11-2026",
  "28 Nov") -> approx, that day;
* a part of the day: "subah", "dopahar", "shaam", "raat" (with or without a day) -> approx range;
* a clock time: "raat 2 baje", "10 pm", "22:30" (with or without a day) -> exact;
* a habit: "roz", "rozana", "har raat", "daily", "every night" -> recurring (no date).

Every word is data (the questionnaire's ``time_words``, in Devanagari too), so the engine code
stays language-free.
Anything else is ``unknown``: the caller keeps the text as it was typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from .matching import normalize

DAYPARTS: Mapping[str, tuple[int, int]] = {
    "morning": (5, 12),
    "afternoon": (12, 16),
    "evening": (16, 20),
    "night": (20, 28),  # until 04:00 the next day
}
UNITS: Mapping[str, timedelta] = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
NUMBERS = tuple(str(n) for n in range(1, 13))
TIME_WORDS = (
    "now",
    "today",
    "yesterday",
    "day_before",
    "ago",
    "daily",
    "oclock",
    "am",
    "pm",
    *DAYPARTS,
    *UNITS,
    *WEEKDAYS,
    *MONTHS,
    *NUMBERS,
)
EXACT = "exact"
APPROX = "approx"
RECURRING = "recurring"
UNKNOWN = "unknown"
# How far into the future a date without a year may lie before it is read as last year's.
FUTURE_GRACE = timedelta(days=31)

_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*([/-])\s*(\d{1,2})(?:\s*\2\s*(\d{2,4}))?(?!\d)")
_DOTTED_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{2,4})(?!\d)")
_CLOCK = re.compile(r"(?<![\d/.-])(\d{1,2})\s*:\s*(\d{2})(?!\d)")
_AMPM = re.compile(r"^(\d{1,2})(am|pm)$")


@dataclass(frozen=True)
class When:
    """A parsed time: a point (``start``), a half-open range (``start``..``end``), a habit or nothing."""

    kind: str
    start: datetime | None = None
    end: datetime | None = None
    daypart: str = ""


def local_time(now: datetime, offset_minutes: int) -> datetime:
    """``now`` in local time; a naive ``now`` is taken to be local already. Seconds are dropped."""
    if now.tzinfo is not None:
        now = now.astimezone(timezone(timedelta(minutes=offset_minutes)))
    return now.replace(second=0, microsecond=0)


class _Words:
    def __init__(self, tokens: Sequence[str], table: Mapping[str, Sequence[str]]) -> None:
        self.tokens = tuple(tokens)
        self.table = {name: [tuple(normalize(w).split()) for w in words] for name, words in table.items()}

    def positions(self, name: str) -> list[tuple[int, int]]:
        """(start, end) of each occurrence of any phrase of ``name``."""
        found = []
        for phrase in self.table.get(name, ()):
            size = len(phrase)
            if not size:
                continue
            for start in range(len(self.tokens) - size + 1):
                if self.tokens[start : start + size] == phrase:
                    found.append((start, start + size))
        return sorted(found)

    def has(self, name: str) -> bool:
        return bool(self.positions(name))

    def first(self, names: Sequence[str]) -> str:
        hits = [(self.positions(name)[0][0], name) for name in names if self.positions(name)]
        return min(hits)[1] if hits else ""

    def number_at(self, index: int) -> int | None:
        """The number written at token ``index`` (digits or a number word), or None."""
        if not 0 <= index < len(self.tokens):
            return None
        token = self.tokens[index]
        if token.isdecimal() and len(token) <= 4:
            return int(token)
        for name in NUMBERS:
            if any(phrase == (token,) for phrase in self.table.get(name, ())):
                return int(name)
        return None


def parse_time(text: str, now: datetime, words: Mapping[str, Sequence[str]], offset_minutes: int = 0) -> When:
    """Read a time from ``text``; see the module docstring."""
    local = local_time(now, offset_minutes)
    raw = unicodedata.normalize("NFKC", text)
    found = _Words(normalize(text).split(), words)
    daypart = found.first(tuple(DAYPARTS))
    if found.has("daily"):
        return When(RECURRING, daypart=daypart)
    ago = _ago(found)
    if ago is not None:
        delta, unit = ago
        point = local - delta
        if unit in ("minute", "hour"):
            return When(APPROX, start=point)
        start = datetime.combine(point.date(), time(), local.tzinfo)
        return When(APPROX, start=start, end=start + timedelta(days=1))
    day = _day(raw, found, local)
    clock = _clock(raw, found)
    if clock is not None:
        return When(EXACT, start=_at(clock, day, daypart, local))
    if day is None and not daypart:
        return When(EXACT, start=local) if found.has("now") else When(UNKNOWN)
    if day is None:
        day = local.date()
        if datetime.combine(day, time(DAYPARTS[daypart][0]), local.tzinfo) > local:
            day -= timedelta(days=1)
    start = datetime.combine(day, time(), local.tzinfo)
    if daypart:
        first, last = DAYPARTS[daypart]
        return When(APPROX, start=start + timedelta(hours=first), end=start + timedelta(hours=last), daypart=daypart)
    end = start + timedelta(days=1)
    return When(APPROX, start=start, end=min(end, local) if start <= local < end else end)


def _ago(found: _Words) -> tuple[timedelta, str] | None:
    if not found.has("ago"):
        return None
    for unit, size in UNITS.items():
        for start, _end in found.positions(unit):
            number = found.number_at(start - 1)
            return size * (number if number is not None else 1), unit
    return None


def _date(day: int, month: int, year: int | None, local: datetime) -> date | None:
    if year is not None and year < 100:
        year += 2000
    try:
        result = date(year or local.year, month, day)
    except ValueError:
        return None
    if year is None and result > local.date() + FUTURE_GRACE:
        result = result.replace(year=result.year - 1) if not (month == 2 and day == 29) else result
    return result


def _day(raw: str, found: _Words, local: datetime) -> date | None:
    match = _DATE.search(raw) or _DOTTED_DATE.search(raw)
    if match is not None:
        parts = [g for g in match.groups() if g is not None and g not in "/-"]
        year = int(parts[2]) if len(parts) > 2 else None
        result = _date(int(parts[0]), int(parts[1]), year, local)
        if result is not None:
            return result
    for number, name in enumerate(MONTHS, 1):
        for start, end in found.positions(name):
            day = found.number_at(start - 1)
            if day is None or day > 31:
                day = found.number_at(end)
            if day is not None and 1 <= day <= 31:
                year = next((n for n in (found.number_at(end), found.number_at(end + 1)) if n and n >= 1000), None)
                result = _date(day, number, year, local)
                if result is not None:
                    return result
    for number, name in enumerate(WEEKDAYS):
        if found.has(name):
            return local.date() - timedelta(days=(local.weekday() - number) % 7)
    if found.has("day_before"):
        return local.date() - timedelta(days=2)
    if found.has("yesterday"):
        return local.date() - timedelta(days=1)
    if found.has("today"):
        return local.date()
    return None


def _clock(raw: str, found: _Words) -> tuple[int, int, str] | None:
    """(hour, minute, "am"|"pm"|"") of a clock time in the text, or None."""
    match = _CLOCK.search(raw)
    suffix = "am" if found.has("am") else "pm" if found.has("pm") else ""
    if match is not None and int(match.group(1)) <= 23 and int(match.group(2)) <= 59:
        return int(match.group(1)), int(match.group(2)), suffix
    for index, token in enumerate(found.tokens):
        glued = _AMPM.match(token)
        if glued is not None and 1 <= int(glued.group(1)) <= 12:
            return int(glued.group(1)), 0, glued.group(2)
        hour = found.number_at(index)
        if hour is None or not 0 <= hour <= 23:
            continue
        following = found.tokens[index + 1 : index + 2]
        for name in ("oclock", "am", "pm"):
            if any(phrase[:1] == tuple(following) for phrase in found.table.get(name, ()) if following):
                return hour, 0, name if name != "oclock" else suffix
    return None


def _at(clock: tuple[int, int, str], day: date | None, daypart: str, local: datetime) -> datetime:
    hour, minute, suffix = clock
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    base = day or local.date()
    if not suffix and daypart and hour <= 12:
        if daypart in ("afternoon", "evening") and hour < 12:
            hour += 12
        elif daypart == "night":
            hour = hour + 12 if hour >= 7 else hour % 12
    elif not suffix and hour <= 12:
        # No am/pm and no part of the day: the latest such time that is not in the future.
        options = sorted(
            {
                datetime.combine(d, time(h % 24, minute), local.tzinfo)
                for d in (base, base - timedelta(days=1))
                for h in (hour % 12, hour % 12 + 12)
            }
        )
        past = [moment for moment in options if moment <= local] if day is None else []
        if past:
            return past[-1]
        if hour < 7:
            hour += 12
    moment = datetime.combine(base, time(hour % 24, minute), local.tzinfo)
    if daypart == "night" and hour < 5:
        moment += timedelta(days=1)  # "kal raat 2 baje": the small hours after that night
    if day is None and moment > local:
        moment -= timedelta(days=1)  # no day given: the last time it was that o'clock
    return moment
