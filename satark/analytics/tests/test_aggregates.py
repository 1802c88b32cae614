"""Every aggregate against data whose answer is known in advance."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from satark.analytics import comparison as cmp
from satark.analytics.hotspots import CELL_LAT, CELL_LON, cell_of, heat_class, hotspots
from satark.analytics.performance import performance
from satark.analytics.scope import COARSE, Filters, Period, period_from, preset_period, report_period, tips_for
from satark.analytics.sensitivity import sensitivity_counts, tip_table
from satark.analytics.series import bucket_start, buckets, series
from satark.people.models import Officer
from satark.tips.lifecycle import transition
from satark.tips.models import Tip
from tests import factories as f

from .helpers import at, make, station

pytestmark = pytest.mark.django_db

D0 = date(2026, 3, 2)  # a Monday
PERIOD = Period(D0, D0 + timedelta(days=7))  # 2–8 March 2026
BEFORE = PERIOD.previous()  # 23 Feb – 1 March


@pytest.fixture
def world() -> dict[str, Any]:
    f.load_reference()
    return {"dig": f.dig_office(), "gzp": f.sp_office("ghazipur"), "jnp": f.sp_office("jaunpur")}


# ---- periods -------------------------------------------------------------------------------------


def test_periods_presets_and_review_periods() -> None:
    assert PERIOD.days == 7 and BEFORE == Period(date(2026, 2, 23), D0)
    assert preset_period("week", date(2026, 3, 8)) == Period(date(2026, 3, 2), date(2026, 3, 9))
    assert report_period("week", date(2026, 3, 11)) == Period(date(2026, 3, 2), date(2026, 3, 9))
    assert report_period("month", date(2026, 3, 11)) == Period(date(2026, 2, 1), date(2026, 3, 1))
    assert report_period("month", date(2026, 1, 5)) == Period(date(2025, 12, 1), date(2026, 1, 1))
    assert period_from({"start": "2026-03-02", "end": "2026-03-08"}) == PERIOD
    assert period_from({"start": "2026-03-09", "end": "2026-03-02", "period": "week"}, on=D0).days == 7


def test_every_query_is_scoped_by_visible_tips(world: dict[str, Any]) -> None:
    make("ghazipur", when=at(D0))
    make("jaunpur", when=at(D0))
    make(None, when=at(D0))  # not yet routed: only the DIG office sees it
    assert tips_for(world["dig"], period=PERIOD).count() == 3
    assert tips_for(world["gzp"], period=PERIOD).count() == 1
    assert tips_for(world["gzp"], Filters(district="jaunpur"), PERIOD).count() == 0
    admin = f.staff("cfg", "admin")
    assert tips_for(admin, period=PERIOD).count() == 0


# ---- station x category ------------------------------------------------------------------------


def _comparison_data() -> tuple[Any, Any, Any]:
    a, b = station("ghazipur", 0), station("ghazipur", 1)
    j = station("jaunpur", 0)
    for _i in range(4):
        make("ghazipur", "gambling", station_=a, when=at(D0 + timedelta(days=1)))
    make("ghazipur", "illegal_arms", station_=a, when=at(D0 + timedelta(days=6), 23))
    make("ghazipur", "gambling", station_=b, when=at(D0))
    make("ghazipur", "gambling", station_=a, when=at(BEFORE.start))  # previous period
    make("ghazipur", "gambling", station_=a, when=at(BEFORE.start + timedelta(days=3)))
    make("ghazipur", "gambling", when=at(D0 + timedelta(days=2)))  # no station named
    make("ghazipur", "gambling", station_=a, when=at(PERIOD.end))  # the day after: outside
    make("jaunpur", "drugs_liquor", station_=j, when=at(D0 + timedelta(days=3)))
    return a, b, j


def _row(comp: cmp.Comparison, name: str) -> cmp.Row:
    return next(r for r in comp.rows if r.name == name)


def test_station_comparison_counts_previous_and_change_for_the_sp_office(world: dict[str, Any]) -> None:
    a, b, _j = _comparison_data()
    comp = cmp.station_comparison(world["gzp"], Filters(), PERIOD)
    gambling = next(c for c in comp.categories if c.code == "gambling")
    arms = next(c for c in comp.categories if c.code == "illegal_arms")
    ra = _row(comp, a.label("en"))
    assert ra.now == {gambling.pk: 4, arms.pk: 1} and ra.before == {gambling.pk: 2}
    assert _row(comp, b.label("en")).now == {gambling.pk: 1}
    assert _row(comp, "No police station named").now == {gambling.pk: 1}
    # every active station of the district is listed, and none of another district
    assert {r.district_id for r in comp.rows} == {a.district_id}
    assert len([r for r in comp.rows if r.station]) == 28
    assert comp.districts == [(a.district_id, "Ghazipur", 7, 2)]
    table = comp.table()
    cells = next(row for row in table.rows if row[2].text == a.label("en"))
    assert [c.text for c in cells[-3:]] == ["5", "2", "+3 (+150%)"]
    b_cells = next(row for row in table.rows if row[2].text == b.label("en"))
    assert b_cells[-3].text == "1"  # the SP office sees its own small counts exactly
    footer = table.footer[0]
    assert [c.text for c in footer[-3:]] == ["7", "2", "+5 (+250%)"]
    circles = comp.circle_table()
    assert sum(int(r[2].text) for r in circles.rows) == 7


def test_dig_office_sees_all_districts_with_small_station_cells_coarsened(world: dict[str, Any]) -> None:
    a, b, j = _comparison_data()
    comp = cmp.station_comparison(world["dig"], Filters(), PERIOD)
    assert {name: (now, before) for _pk, name, now, before in comp.districts} == {
        "Jaunpur": (1, 0), "Ghazipur": (7, 2), "Chandauli": (0, 0)
    }
    table = comp.table()
    by_station = {row[2].text: row for row in table.rows}
    assert by_station[a.label("en")][-3].text == "5"  # >= 3: exact
    assert by_station[a.label("en")][-2].text == COARSE  # previous 2: coarsened
    assert by_station[a.label("en")][-1].text == "–"  # a change from a coarsened count
    assert by_station[b.label("en")][-3].text == COARSE
    assert by_station[j.label("en")][-3].text == COARSE
    empty = next(r for name, r in by_station.items() if name not in (a.label("en"), b.label("en"), j.label("en")))
    assert empty[-3].text == "0"  # zero stays zero
    dist = comp.district_table()
    assert [(r[0].text, r[1].text) for r in dist.rows] == [("Jaunpur", "1"), ("Ghazipur", "7"), ("Chandauli", "0")]
    # filters narrow it
    only_arms = cmp.station_comparison(world["dig"], Filters(category="illegal_arms"), PERIOD)
    assert [c.code for c in only_arms.categories] == ["illegal_arms"]
    assert sum(r.total for r in only_arms.rows) == 1


# ---- hotspots ----------------------------------------------------------------------------------


def test_grid_squares_and_heat_classes() -> None:
    assert 0.0026 < CELL_LAT < 0.0028  # 300 m of latitude
    assert 0.0029 < CELL_LON < 0.0031  # 300 m of longitude at 26 degrees north
    cy, cx = cell_of(25.58, 83.57)
    assert cy * CELL_LAT <= 25.58 < (cy + 1) * CELL_LAT and cx * CELL_LON <= 83.57 < (cx + 1) * CELL_LON
    assert cell_of(25.58 + CELL_LAT, 83.57) == (cy + 1, cx)  # one square north
    assert [heat_class(n) for n in (1, 2, 3, 5, 6, 10, 11, 25, 26, 400)] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_hotspots_use_the_pin_else_the_station(world: dict[str, Any]) -> None:
    a = station("ghazipur", 0)
    cy, cx = cell_of(25.5801, 83.5701)
    centre = ((cy + 0.5) * CELL_LAT, (cx + 0.5) * CELL_LON)
    for k in (-1, 0, 1):  # ~44 m apart, all inside one square
        make("ghazipur", "gambling", pin=(centre[0] + k * 0.0004, centre[1]), when=at(D0))
    make("ghazipur", "gambling", pin=(centre[0] + CELL_LAT, centre[1]), when=at(D0))  # the square to the north
    make("ghazipur", "drugs_liquor", station_=a, when=at(D0))  # no pin: at the station
    make("ghazipur", "drugs_liquor", station_=a, when=at(D0 + timedelta(days=1)))
    make("ghazipur", "other", when=at(D0))  # neither: unplaced
    make("ghazipur", "gambling", pin=centre, when=at(BEFORE.start))  # outside the period
    spots = hotspots(world["gzp"], Filters(), PERIOD)
    assert spots.total == 7 and spots.unplaced == 1
    assert [(p.count, p.pinned) for p in spots.places] == [(3, 3), (2, 0), (1, 1)]
    assert (spots.places[0].cy, spots.places[0].cx) == (cy, cx)
    assert (spots.places[2].cy, spots.places[2].cx) == (cy + 1, cx)
    at_station = spots.places[1]
    assert a.lat is not None and a.lon is not None and at_station.lat is not None and at_station.lon is not None
    assert (round(at_station.lat, 5), round(at_station.lon, 5)) == (round(a.lat, 5), round(a.lon, 5))
    assert spots.station_names[at_station.station_id or 0] == a.label("en")
    table = spots.table()
    assert [r[1].text for r in table.rows] == ["3", "2"]  # the single tip is a place but not a repeat one
    assert table.rows[0][4].text == "Gambling/betting 3"
    assert round(float(table.rows[0][5].text), 4) == round(centre[0], 4)  # the tips' mean position
    assert spots.places[0].lat is not None and abs(spots.places[0].lat - centre[0]) < 1e-9
    # the map gets squares, never pins: row, column, count, colour class, pinned, station, category, rank
    data = spots.map_data()
    cells = data["cells"]
    assert [(c[0], c[1], c[2], c[4], c[7]) for c in cells] == [
        (cy, cx, "3", 1, 1), (at_station.cy, at_station.cx, "2", 0, 2), (cy + 1, cx, "1", 1, 0)]
    assert [c[5] for c in cells][::2] == [-1, -1]  # the pins' squares: no station named
    assert data["stationNames"][cells[1][5]] == a.label("en")
    assert [data["categoryNames"][c[6]] for c in cells] == ["Gambling/betting", "Drugs/liquor/hookah",
                                                            "Gambling/betting"]
    # the DIG office sees the small places coarsened, with a colour that does not tell 1 from 2, and the
    # coarsened row placed at its square's centre rather than at its tips' mean position
    dig = hotspots(world["dig"], Filters(), PERIOD)
    assert [c[2] for c in dig.map_data()["cells"]] == ["3", COARSE, COARSE]
    assert {c[3] for c in dig.map_data()["cells"][1:]} == {0}
    rows = dig.table().rows
    assert [r[1].text for r in rows] == ["3", COARSE]
    assert rows[1][4].text == "Drugs/liquor/hookah"  # categories without counts
    assert (float(rows[1][5].text), float(rows[1][6].text)) == (
        round((at_station.cy + 0.5) * CELL_LAT, 4), round((at_station.cx + 0.5) * CELL_LON, 4))
    # filtered by category: a square's count under a filter never exceeds its count without
    only_gambling = hotspots(world["gzp"], Filters(category="gambling"), PERIOD)
    assert [(p.cy, p.cx, p.count) for p in only_gambling.places] == [(cy, cx, 3), (cy + 1, cx, 1)]
    assert hotspots(world["gzp"], Filters(category="drugs_liquor"), PERIOD).total == 2


# ---- period series -----------------------------------------------------------------------------


def test_bucket_starts() -> None:
    assert bucket_start(date(2026, 3, 8), "week") == date(2026, 3, 2)
    assert bucket_start(date(2026, 3, 8), "month") == date(2026, 3, 1)
    fortnight = bucket_start(date(2026, 3, 8), "fortnight")
    assert (fortnight - date(2024, 1, 1)).days % 14 == 0 and fortnight <= date(2026, 3, 8) < fortnight + timedelta(14)
    assert buckets(Period(date(2026, 1, 15), date(2026, 4, 1)), "month") == [
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
    ]


def test_weekly_fortnightly_and_monthly_series(world: dict[str, Any]) -> None:
    quarter = Period(date(2026, 1, 5), date(2026, 3, 30))  # 12 whole weeks, Monday to Monday
    make("ghazipur", "gambling", when=at(date(2026, 1, 5), 0))  # first minute-ish of the first week (local)
    make("ghazipur", "gambling", when=at(date(2026, 1, 11), 23))  # Sunday night, same week
    make("jaunpur", "illegal_arms", when=at(date(2026, 2, 3)))
    make("ghazipur", "gambling", when=at(date(2026, 3, 29)))
    weekly = series(world["dig"], Filters(), quarter, granularity="week")
    assert len(weekly.buckets) == 12 and weekly.buckets[0] == date(2026, 1, 5)
    assert weekly.values["gambling"][0] == 2 and weekly.values["gambling"][-1] == 1
    assert weekly.values["illegal_arms"][4] == 1 and sum(weekly.totals()) == 4
    monthly = series(world["dig"], Filters(), quarter, granularity="month", dimension="district")
    assert monthly.buckets == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert monthly.values["ghazipur"] == [2, 0, 1] and monthly.values["jaunpur"] == [0, 1, 0]
    fortnightly = series(world["gzp"], Filters(), quarter, granularity="fortnight")
    assert sum(fortnightly.values["gambling"]) == 3 and sum(fortnightly.values["illegal_arms"]) == 0
    assert fortnightly.buckets[0] == date(2025, 12, 29) and len(fortnightly.buckets) == 7  # epoch parity
    table = weekly.table()
    assert table.footer[0][-1].text == "4"


# ---- handling ----------------------------------------------------------------------------------


def _at(when: Any, tip: Tip, action: str, actor: Any, **kwargs: Any) -> None:
    """A lifecycle step as it happens, at a controlled time (the lifecycle and the audit log read the clock)."""
    with mock.patch("satark.tips.lifecycle.timezone.now", return_value=when), \
            mock.patch("satark.audit.actions.timezone.now", return_value=when):
        transition(tip, action, actor=actor, **kwargs)


def test_conversion_time_to_assign_and_to_report(world: dict[str, Any]) -> None:
    sp = world["gzp"]
    officer = Officer.objects.create(name="R. Yadav", rank="si", district_id=sp.staff.district_id,
                                     contact_ref="rp_officer1")
    other = Officer.objects.create(name="S. Khan", rank="si", district_id=sp.staff.district_id,
                                   contact_ref="rp_officer2")
    t1, t2, t3 = (make("ghazipur", when=at(D0, 10)) for _ in range(3))
    make("ghazipur", when=at(D0, 10))
    _at(at(D0, 12), t1, "assign", sp, officer=officer)  # 2 h
    _at(at(D0, 14), t1, "assign", sp, officer=other)  # a reassignment does not count again
    _at(at(D0 + timedelta(days=1), 12), t1, "report", other)  # 24 h after the first assignment
    _at(at(D0 + timedelta(days=1), 15), t1, "send_back", sp, reason="photos please")
    _at(at(D0 + timedelta(days=2), 12), t1, "report", other)  # a second report does not count again
    _at(at(D0 + timedelta(days=2), 14), t1, "close", sp, reason="seized", outcome=Tip.Outcome.ACTION_TAKEN)
    _at(at(D0, 16), t2, "assign", sp, officer=officer)  # 6 h
    _at(at(D0, 17), t2, "close", sp, reason="nothing found", outcome=Tip.Outcome.NO_SUBSTANCE)
    _at(at(D0, 14), t3, "assign", sp, officer=officer)  # 4 h
    t1.refresh_from_db()
    assert (t1.first_assigned_at, t1.first_reported_at) == (at(D0, 12), at(D0 + timedelta(days=1), 12))
    perf = performance(world["gzp"], Filters(), PERIOD, now=at(D0 + timedelta(days=30)))
    assert (perf.received, perf.closed, perf.action_taken, perf.conversion) == (4, 2, 1, 25.0)
    assert (perf.to_assign.count, perf.to_assign.median_hours, perf.to_assign.mean_hours) == (3, 4.0, 4.0)
    assert (perf.to_report.count, perf.to_report.median_hours) == (1, 24.0)
    # overdue now: the new tip waits for assignment, the assigned one for a report (defaults apply)
    assert perf.overdue == [("SP Office, Ghazipur", 1, 1)]
    rows = {r[0].text: r[1].text for r in perf.table().rows}
    assert rows["Tip-to-action conversion (%)"] == "25"


def test_overdue_by_office_for_the_dig_office(world: dict[str, Any]) -> None:
    make("ghazipur", when=at(D0))
    make("jaunpur", when=at(D0), status=Tip.Status.ASSIGNED)
    make(None, when=at(D0))
    make("jaunpur", when=timezone.now())  # just in: not overdue
    perf = performance(world["dig"], Filters(), PERIOD, now=timezone.now())
    counts = [row[1:] for row in perf.overdue]
    assert counts == [(0, 1), (1, 0), (0, 0), (1, 0)]  # Jaunpur, Ghazipur, Chandauli, the DIG office


# ---- sensitivity -------------------------------------------------------------------------------


def test_sensitivity_counts_and_list_without_reporter_identity(world: dict[str, Any]) -> None:
    make("ghazipur", when=at(D0), sensitivity="critical", reporter_ref="rp_SECRETREF")
    make("ghazipur", when=at(D0), sensitivity="high")
    make("ghazipur", when=at(D0), sensitivity="high")
    make("jaunpur", when=at(D0), sensitivity="restricted")
    make("ghazipur", when=at(D0))
    counts = sensitivity_counts(world["dig"], Filters(), PERIOD)
    assert counts.by_class == {"critical": 1, "high": 2, "restricted": 1, "normal": 1}
    gzp = sensitivity_counts(world["gzp"], Filters(), PERIOD)
    assert gzp.by_class == {"critical": 1, "high": 2, "normal": 1}
    listed = tip_table(world["gzp"], Filters(sensitivity="high"), PERIOD)
    assert len(listed.rows) == 2 and all(r[7].text == "High" for r in listed.rows)
    everything = " ".join(c.text for row in tip_table(world["dig"], Filters(), PERIOD).rows for c in row)
    assert "rp_SECRETREF" not in everything and "known data" not in everything
