"""The demo-data generator: counts, coverage, determinism, --clear, and the analytics on generated data against
counts computed independently in plain Python from the generated rows."""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from satark.analytics import comparison as cmp
from satark.analytics.demodata import DEMO_ACTOR, HILLS, RIVER, TOWN, Options, clear, demo_tips, generate
from satark.analytics.hotspots import cell_of, hotspots
from satark.analytics.performance import performance
from satark.analytics.scope import Filters, Period
from satark.analytics.series import series
from satark.audit.actions import record, verify_chain
from satark.audit.models import AuditEvent
from satark.geography.models import PoliceStation
from satark.people.models import Officer
from satark.tips.deadlines import is_overdue, overdue_by_district, overdue_filter
from satark.tips.models import ActionReport, Category, Tip
from tests import factories as f

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
UNTIL = datetime(2026, 6, 15, 18, 30, tzinfo=IST)  # a Monday evening
N = 1200


@pytest.fixture
def world() -> dict[str, Any]:
    f.load_reference()
    return {"dig": f.dig_office(), "gzp": f.sp_office("ghazipur"), "jnp": f.sp_office("jaunpur")}


def run(seed: int = 11, tips: int = N, days: int = 120) -> None:
    generate(Options(tips=tips, days=days, seed=seed, until=UNTIL))


def snapshot() -> list[tuple[Any, ...]]:
    return list(demo_tips().order_by("reference").values_list(
        "reference", "category__code", "district__code", "station__code", "created_at", "status", "outcome",
        "location_lat", "location_lon", "reporter_ref", "police_involved", "sensitivity", "answers",
        "status_changed_at", "officer__name",
    ))


def test_counts_coverage_and_realism(world: dict[str, Any]) -> None:
    run()
    tips = list(demo_tips())
    assert len(tips) == N == Tip.objects.count()
    assert all(t.answers["demo"] == "1" for t in tips)
    assert len({t.reference for t in tips}) == N and all(re.fullmatch(r"VNS-[2-9A-Z]{8}", t.reference) for t in tips)
    # Every active station and every category has tips; the window is respected.
    assert {t.station_id for t in tips} >= set(PoliceStation.objects.filter(active=True).values_list("pk", flat=True))
    assert {t.category_id for t in tips} == set(Category.objects.values_list("pk", flat=True))
    assert all(UNTIL - timedelta(days=120) <= t.created_at < UNTIL for t in tips)
    # Reporter references are opaque random values: never anything that looks like a phone number; some repeat.
    refs = Counter(t.reporter_ref for t in tips)
    assert not any(re.search(r"\d{7,}", r) for r in refs) and all(len(r) == 22 for r in refs)
    assert refs.most_common(1)[0][1] >= 3
    # A mix of statuses, outcomes, sensitivity classes, police involvement, pins and unpinned tips.
    assert {t.status for t in tips} == set(Tip.Status.values)
    assert {t.outcome for t in tips} >= {"action_taken", "no_substance", "duplicate", ""}
    assert {t.sensitivity for t in tips} >= {"normal", "high", "critical"}
    assert 0 < sum(t.police_involved for t in tips) < N / 5
    pinned = sum(t.location_lat is not None for t in tips)
    assert 0.3 * N < pinned < 0.7 * N
    assert overdue_filter(demo_tips(), UNTIL).count() > 0
    # Skew: mining concentrates at the river and hill stations, gambling in towns.
    def share(code: str, places: tuple[str, ...]) -> tuple[float, float]:
        """Share of the category among the tips of the stations named / of the other stations."""
        inside = [t for t in tips if t.station and any(p in t.station.code for p in places)]
        outside = [t for t in tips if t.station and t not in inside]
        return (sum(t.category.code == code for t in inside) / len(inside),
                sum(t.category.code == code for t in outside) / len(outside))

    near_river, elsewhere = share("illegal_mining", RIVER + HILLS)
    assert near_river > 3 * elsewhere
    in_town, villages = share("gambling", TOWN)
    assert in_town > 1.5 * villages
    # Fewer tips on Sundays than on an average weekday.
    days = Counter(t.created_at.astimezone(IST).weekday() for t in tips)
    assert days[6] < statistics.fmean(days[d] for d in range(6))
    # Officers are inactive demo rows; reports exist for reported tips; the audit chain is intact.
    assert Officer.objects.filter(active=True).count() == 0
    assert ActionReport.objects.count() == sum(1 for t in tips if t.status in ("action_reported", "closed")
                                               and t.officer_id is not None)
    assert verify_chain() == (True, None)


def test_case_loop_events_are_consistent_with_the_tips(world: dict[str, Any]) -> None:
    run()
    events: dict[str, dict[str, datetime]] = {}
    for ref, action, at in AuditEvent.objects.filter(actor_label=DEMO_ACTOR).values_list(
        "object_id", "action", "created_at"
    ):
        events.setdefault(ref, {}).setdefault(action, at)
    for t in demo_tips():
        ev = events.get(t.reference, {})
        assert t.status_changed_at is not None
        if t.status == "new":
            assert "tip.assign" not in ev and t.status_changed_at == t.created_at
        if t.status in ("assigned", "accepted", "action_reported"):
            assert t.created_at < ev["tip.assign"] <= t.status_changed_at < UNTIL and t.officer_id is not None
        if "tip.report" in ev:
            assert ev["tip.assign"] < ev["tip.report"]
        if t.status == "closed":
            assert ev["tip.close"] == t.status_changed_at and t.outcome
    # Time to assign and time to report are measured over the tips that have them, as the product does.
    perf = performance(world["dig"], Filters(), Period(date(2026, 2, 1), date(2026, 6, 16)), now=UNTIL)
    window = {t.reference: t.created_at for t in demo_tips().filter(created_at__gte=datetime(2026, 2, 1, tzinfo=IST))}
    to_assign = [(ev["tip.assign"] - window[r]).total_seconds() for r, ev in events.items()
                 if r in window and "tip.assign" in ev]
    to_report = [(ev["tip.report"] - ev["tip.assign"]).total_seconds() for r, ev in events.items()
                 if r in window and "tip.report" in ev]
    assert perf.to_assign.count == len(to_assign) and perf.to_report.count == len(to_report)
    assert perf.to_assign.median_hours == round(statistics.median(to_assign) / 3600, 1)
    assert perf.to_report.median_hours == round(statistics.median(to_report) / 3600, 1)
    assert perf.to_assign.median_hours is not None and perf.to_report.median_hours is not None
    assert 0.5 < perf.to_assign.median_hours < 12 and 10 < perf.to_report.median_hours < 80


def test_same_seed_same_data_other_seed_other_data(world: dict[str, Any]) -> None:
    run(seed=5, tips=300)
    first = snapshot()
    clear()
    run(seed=5, tips=300)
    assert snapshot() == first
    clear()
    run(seed=6, tips=300)
    assert snapshot() != first


def test_clear_removes_only_generated_data(world: dict[str, Any]) -> None:
    real = f.tip("ghazipur")
    run(tips=200)
    assert Tip.objects.count() == 201
    out = io.StringIO()
    with pytest.raises(CommandError, match="already exists"):
        call_command("generate_demo_data", "--tips", "10", stdout=out)
    call_command("generate_demo_data", "--if-empty", "--tips", "10", stdout=out)
    assert demo_tips().count() == 200  # --if-empty left it alone
    call_command("generate_demo_data", "--clear", stdout=out)
    assert list(Tip.objects.all()) == [real]
    assert not AuditEvent.objects.filter(actor_label=DEMO_ACTOR).exists()
    assert AuditEvent.objects.filter(object_id=real.reference).exists()
    assert not Officer.objects.exists() and not ActionReport.objects.exists()
    assert verify_chain() == (True, None)  # the generated events were the chain's last: the head moved back
    call_command("generate_demo_data", "--tips", "150", "--days", "30", "--seed", "2", stdout=out)
    assert demo_tips().count() == 150
    record("tip.viewed", "tip", real.reference)  # something recorded after the generated events
    call_command("generate_demo_data", "--replace", "--tips", "100", stdout=out, stderr=(err := io.StringIO()))
    assert demo_tips().count() == 100 and "gap" in err.getvalue()


# ---- the analytics on generated data, against plain-Python counts of the same rows ----------------------


def rows() -> list[tuple[datetime, int | None, int | None, int, str, str | None]]:
    return [(at.astimezone(IST), d, s, c, code, dcode) for at, d, s, c, code, dcode in Tip.objects.values_list(
        "created_at", "district_id", "station_id", "category_id", "category__code", "district__code")]


def expected_table(period: Period, district: int | None = None) -> Counter[tuple[int | None, int | None, int]]:
    return Counter((d, s, c) for at, d, s, c, _code, _dc in rows()
                   if period.start <= at.date() < period.end and (district is None or d == district))


def actual_table(comp: cmp.Comparison, attr: str) -> Counter[tuple[int | None, int | None, int]]:
    out: Counter[tuple[int | None, int | None, int]] = Counter()
    for r in comp.rows:
        for c, n in getattr(r, attr).items():
            if n:
                out[(r.district_id, r.station.pk if r.station else None, c)] += n
    return out


@pytest.mark.parametrize("who", ["dig", "gzp"])
def test_station_by_category_table_matches_plain_counts(world: dict[str, Any], who: str) -> None:
    run()
    user = world[who]
    district = None if who == "dig" else user.staff.district_id
    period = Period(date(2026, 5, 1), date(2026, 6, 1))
    comp = cmp.station_comparison(user, Filters(), period)
    now, before = expected_table(period, district), expected_table(period.previous(), district)
    assert sum(now.values()) > 100
    assert actual_table(comp, "now") == now
    assert actual_table(comp, "before") == before
    assert {pk: n for pk, _name, n, _b in comp.districts if n} == dict(Counter(d for d, _s, _c in now.elements()))
    # The whole window, per station: every station of the scope has tips.
    whole = cmp.station_comparison(user, Filters(), Period(date(2026, 2, 15), date(2026, 6, 16)))
    assert all(r.total > 0 for r in whole.rows if r.station is not None)


@pytest.mark.parametrize("who", ["dig", "jnp"])
def test_weekly_series_matches_plain_counts(world: dict[str, Any], who: str) -> None:
    run()
    user = world[who]
    district = None if who == "dig" else "jaunpur"
    period = Period(date(2026, 2, 16), date(2026, 6, 16))  # Monday 16 Feb .. Monday 15 June inclusive
    s = series(user, Filters(), period, granularity="week")
    expected: Counter[tuple[str, date]] = Counter()
    for at, _d, _s, _c, code, dcode in rows():
        monday = at.date() - timedelta(days=at.date().weekday())
        if period.start <= monday < period.end and (district is None or dcode == district):
            expected[(code, monday)] += 1
    actual = Counter({(code, b): n for code, vals in s.values.items() for b, n in zip(s.buckets, vals, strict=True)
                      if n})
    assert actual == expected and sum(expected.values()) > 200
    by_district = series(user, Filters(), period, granularity="month", dimension="district")
    months: Counter[tuple[str, date]] = Counter()
    for at, _d, _s, _c, _code, dcode in rows():
        if period.start.replace(day=1) <= at.date() < date(2026, 7, 1) and (district is None or dcode == district):
            months[(dcode or "", at.date().replace(day=1))] += 1
    actual_months = Counter({(k, b): n for k, vals in by_district.values.items()
                             for b, n in zip(by_district.buckets, vals, strict=True) if n})
    assert actual_months == months


def test_hotspots_on_generated_data(world: dict[str, Any]) -> None:
    run()
    period = Period(date(2026, 3, 17), date(2026, 6, 16))
    h = hotspots(world["dig"], Filters(), period, detail=None)
    in_period = [t for t in demo_tips().select_related("station")
                 if period.start <= t.created_at.astimezone(IST).date() < period.end]
    assert h.total == len(in_period)
    assert h.unplaced == sum(1 for t in in_period if t.location_lat is None and t.station is None)
    # every square's count, pinned count and category breakdown, computed here from the rows
    expected: Counter[tuple[int, int]] = Counter()
    pinned: Counter[tuple[int, int]] = Counter()
    by_category: dict[tuple[int, int], Counter[int]] = {}
    by_station: dict[tuple[int, int], Counter[int]] = {}
    for t in in_period:
        if t.location_lat is not None and t.location_lon is not None:
            key = cell_of(t.location_lat, t.location_lon)
            pinned[key] += 1
        elif t.station is not None and t.station.lat is not None and t.station.lon is not None:
            key = cell_of(t.station.lat, t.station.lon)
        else:
            continue
        expected[key] += 1
        by_category.setdefault(key, Counter())[t.category_id] += 1
        if t.station_id is not None:
            by_station.setdefault(key, Counter())[t.station_id] += 1
    assert {(p.cy, p.cx): p.count for p in h.places} == dict(expected)
    assert {(p.cy, p.cx): p.pinned for p in h.places if p.pinned} == dict(pinned)
    several = 0
    for p in h.repeat:
        assert dict(h.categories(p)) == dict(by_category[(p.cy, p.cx)])
        named = by_station.get((p.cy, p.cx), Counter())
        top = max(named.values(), default=0)
        assert p.station_id == min((s for s, n in named.items() if n == top), default=None)  # the most named
        several += len(named) > 1
    assert several >= 5  # squares whose tips name more than one station were resolved above
    cells = {(c[0], c[1]): c for c in h.map_data()["cells"]}
    assert all((cells[(p.cy, p.cx)][5] == -2) == p.several_stations for p in h.places)  # the map says "several"
    assert [p.count for p in h.places] == sorted(expected.values(), reverse=True)
    assert len(h.repeat) >= 20  # the repeat places and the stations' own coordinates


@pytest.mark.parametrize("hours_later", [0, 30, 24 * 20])
def test_overdue_counts_by_district_match_the_per_tip_rule(world: dict[str, Any], hours_later: int) -> None:
    """The overdue queries (`overdue_filter` and its count by district, written in SQL) against `is_overdue`
    tip by tip in Python, with one category on its own deadlines so the per-category cutoffs matter."""
    run()
    Category.objects.filter(code="gambling").update(assign_within_minutes=30, report_within_hours=6)
    now = UNTIL + timedelta(hours=hours_later)
    expected: Counter[tuple[int | None, str]] = Counter()
    for tip in demo_tips().select_related("category"):
        if is_overdue(tip, now):
            expected[(tip.district_id, "a" if tip.status == Tip.Status.NEW else "r")] += 1
    got = overdue_by_district(demo_tips(), now)
    assert {d: (expected[(d, "a")], expected[(d, "r")]) for d, _ in expected} == got
    assert sum(a + r for a, r in got.values()) == overdue_filter(demo_tips(), now).count() > 0
