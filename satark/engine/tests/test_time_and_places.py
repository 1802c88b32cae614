"""Reading natural times and matching typed place names (the pure helpers behind the new steps)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from satark.engine.places import find_places, fold_word
from satark.engine.timeparse import local_time, parse_time

from .helpers import T0, definition

D = definition()
WORDS = D.time_words
OFFSET = D.utc_offset_minutes
LOCATION = D.step_def("location")


def read(text: str, now: datetime = T0) -> tuple[str, str, str]:
    when = parse_time(text, now, WORDS, OFFSET)
    start = when.start.strftime("%Y-%m-%d %H:%M") if when.start else ""
    end = when.end.strftime("%Y-%m-%d %H:%M") if when.end else ""
    return when.kind, start, end


def test_now_is_read_in_india_time() -> None:
    assert local_time(T0, OFFSET).isoformat() == "2026-03-02T15:00:00+05:30"
    assert local_time(T0.replace(tzinfo=None), OFFSET).isoformat() == "2026-03-02T09:30:00"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("abhi", ("exact", "2026-03-02 15:00", "")),
        ("अभी अभी", ("exact", "2026-03-02 15:00", "")),
        ("just now", ("exact", "2026-03-02 15:00", "")),
        ("2 ghante pehle", ("approx", "2026-03-02 13:00", "")),
        ("2 घंटे पहले", ("approx", "2026-03-02 13:00", "")),
        ("do ghante pehle", ("approx", "2026-03-02 13:00", "")),
        ("30 minutes ago", ("approx", "2026-03-02 14:30", "")),
        ("३ दिन पहले", ("approx", "2026-02-27 00:00", "2026-02-28 00:00")),
        ("ek hafta pehle", ("approx", "2026-02-23 00:00", "2026-02-24 00:00")),
        ("aaj subah", ("approx", "2026-03-02 05:00", "2026-03-02 12:00")),
        ("आज सुबह", ("approx", "2026-03-02 05:00", "2026-03-02 12:00")),
        ("aaj", ("approx", "2026-03-02 00:00", "2026-03-02 15:00")),
        ("kal raat", ("approx", "2026-03-01 20:00", "2026-03-02 04:00")),
        ("कल रात", ("approx", "2026-03-01 20:00", "2026-03-02 04:00")),
        ("last night", ("approx", "2026-03-01 20:00", "2026-03-02 04:00")),
        ("raat ko", ("approx", "2026-03-01 20:00", "2026-03-02 04:00")),  # tonight has not begun
        ("kal raat 2 baje", ("exact", "2026-03-02 02:00", "")),
        ("कल रात 10 बजे", ("exact", "2026-03-01 22:00", "")),
        ("kal shaam 7 baje", ("exact", "2026-03-01 19:00", "")),
        ("parso", ("approx", "2026-02-28 00:00", "2026-03-01 00:00")),
        ("परसों दोपहर", ("approx", "2026-02-28 12:00", "2026-02-28 16:00")),
        ("shanivar", ("approx", "2026-02-28 00:00", "2026-03-01 00:00")),
        ("Monday", ("approx", "2026-03-02 00:00", "2026-03-02 15:00")),
        ("28/11", ("approx", "2025-11-28 00:00", "2025-11-29 00:00")),
        ("28-11-2025", ("approx", "2025-11-28 00:00", "2025-11-29 00:00")),
        ("01.03.26", ("approx", "2026-03-01 00:00", "2026-03-02 00:00")),
        ("28 Nov", ("approx", "2025-11-28 00:00", "2025-11-29 00:00")),
        ("28 नवंबर रात", ("approx", "2025-11-28 20:00", "2025-11-29 04:00")),
        ("1 march 10:30 pm", ("exact", "2026-03-01 22:30", "")),
        ("10 pm", ("exact", "2026-03-01 22:00", "")),
        ("2 baje", ("exact", "2026-03-02 14:00", "")),
        ("9 baje", ("exact", "2026-03-02 09:00", "")),
        ("rozana", ("recurring", "", "")),
        ("har raat", ("recurring", "", "")),
        ("every night", ("recurring", "", "")),
        ("रोज़ शाम को", ("recurring", "", "")),
        ("pata nahi", ("unknown", "", "")),
        ("bahut pehle ki baat", ("unknown", "", "")),
        ("31/02", ("unknown", "", "")),
    ],
)
def test_natural_times(typed: str, expected: tuple[str, str, str]) -> None:
    assert read(typed) == expected


def test_recurring_keeps_the_part_of_the_day() -> None:
    assert parse_time("har raat", T0, WORDS, OFFSET).daypart == "night"


def test_a_date_without_a_year_a_few_days_ahead_stays_this_year() -> None:
    assert read("5/3") == ("approx", "2026-03-05 00:00", "2026-03-06 00:00")


def test_times_are_relative_to_the_given_now() -> None:
    later = datetime(2026, 7, 15, 20, 0, tzinfo=UTC)  # 01:30 on 16 July in India
    assert read("kal", later) == ("approx", "2026-07-15 00:00", "2026-07-16 00:00")


# ------------------------------------------------------------------------------ places


@pytest.mark.parametrize(
    ("words", "key"),
    [
        (("Madiyahun", "मड़ियाहूं"), "madiahun"),
        (("Mariahu", "mariyahu"), "mariahu"),
        (("Mughalsarai", "Mugalsarai"), "mugalsare"),
        (("Ghazipur", "Gazipur", "गाज़ीपुर", "गाजीपुर"), "gajipur"),
        (("Jaunpur", "Jonpur", "जौनपुर"), "jonpur"),
    ],
)
def test_spellings_fold_to_one_key(words: tuple[str, ...], key: str) -> None:
    assert {fold_word(word) for word in words} == {key}


@pytest.mark.parametrize(
    ("typed", "group", "expected"),
    [
        ("Madiyahun", "jaunpur", "jaunpur-madiyahun"),
        ("Mariahu", "jaunpur", "jaunpur-madiyahun"),  # the station wins over the tehsil of that name
        ("mariyahu thane ke paas", "", "jaunpur-madiyahun"),
        ("मड़ियाहूं", "jaunpur", "jaunpur-madiyahun"),
        ("मडियाहू थाना", "jaunpur", "jaunpur-madiyahun"),
        ("Mughalsarai", "chandauli", "chandauli-mughalsarai"),
        ("mugalsarai", "", "chandauli-mughalsarai"),
        ("PDDU Nagar", "chandauli", "chandauli-mughalsarai"),
        ("ddu nagar station ke paas", "chandauli", "chandauli-mughalsarai"),
        ("मुगलसराय", "chandauli", "chandauli-mughalsarai"),
        ("Kirakat", "jaunpur", "jaunpur-kerakat"),
        ("jamania", "ghazipur", "ghazipur-zamania"),
        ("Bhurkura", "ghazipur", "ghazipur-bhudkuda"),
        ("Saidraja", "chandauli", "chandauli-saiyadraja"),
        ("sewrai tehsil", "ghazipur", "tehsil-sevrai"),
        ("Mughalsarai", "jaunpur", "chandauli-mughalsarai"),  # a close match in another district
    ],
)
def test_typed_places_are_found(typed: str, group: str, expected: str) -> None:
    assert LOCATION is not None
    assert find_places(LOCATION.place_index, typed, LOCATION.ignore_words, group) == ((expected,), True)


@pytest.mark.parametrize(
    "typed",
    [
        "balu ghat ke paas",  # sand, not the Balua police station
        "nahar pul ke paas",
        "gaon me",
        "xyz",
        "ram",  # too short to be matched loosely (Rampur)
        "12",
    ],
)
def test_everyday_words_match_no_place(typed: str) -> None:
    assert LOCATION is not None
    assert find_places(LOCATION.place_index, typed, LOCATION.ignore_words, "ghazipur") == ((), False)


def test_close_names_are_offered_as_candidates() -> None:
    assert LOCATION is not None
    found, confident = find_places(LOCATION.place_index, "rampur", LOCATION.ignore_words)
    assert not confident or found == ("jaunpur-rampur",)
    found, confident = find_places(LOCATION.place_index, "kotwali", LOCATION.ignore_words)
    assert found == () and not confident  # a filler word alone names nothing
