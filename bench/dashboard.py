"""Dashboard benchmark (issue 7, item 11): the inbox's first page, the station x category table for a month,
the weekly series for a year and the hotspot data for a quarter (the issue's four cases), and the handling
figures for a quarter (the period page's other part), on 1,000,000 generated tips in PostgreSQL.

Each case runs through the product's own functions (the inbox's `filtered_tips` + Paginator as the dashboard
view uses them; `satark.analytics`), as the DIG office and as an SP office, beside a baseline measured in the
same run: the same result computed directly in SQL (one hand-written statement per product query, rows
fetched with a plain cursor). Prints p50 / p95 and the ratios. Target: p95 <= 500 ms.

    .venv/bin/python bench/dashboard.py [--tips 1000000] [--days 365] [--runs 20] [--explain]

Uses its own database (default postgres://postgres@127.0.0.1:5432/satark_bench, or SATARK_BENCH_DATABASE_URL);
creates it, migrates, loads the reference data and generates the tips (`generate_demo_data --replace`) when
the database does not already hold exactly --tips generated tips."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/satark_bench"
FORBIDDEN = {"test", "test_test", "satark_e2e"}  # other people's databases
TARGET_MS = 500.0


def prepare_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if name in FORBIDDEN:
        raise SystemExit(f"refusing to use the shared database {name!r}")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["SATARK_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satark.settings.embedded")
    os.environ.setdefault("SATARK_VAR_DIR", str(ROOT / "var" / "bench-dashboard"))
    import django

    django.setup()


def ensure_data(tips: int, days: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from satark.analytics.demodata import demo_tips

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    have = demo_tips().count()
    if have != tips:
        print(f"generating {tips:,} tips over {days} days (the database holds {have:,})", flush=True)
        started = time.monotonic()
        call_command("generate_demo_data", "--replace", "--tips", str(tips), "--days", str(days))
        print(f"generated in {time.monotonic() - started:.0f} s", flush=True)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")


def users() -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from satark.geography.models import District
    from satark.people.models import Role, StaffProfile

    out = {}
    for name, role, district in (("bench.dig", Role.DIG_OFFICE, None), ("bench.sp.ghazipur", Role.SP_OFFICE, "ghazipur")):
        user, _ = get_user_model().objects.get_or_create(username=name)
        StaffProfile.objects.update_or_create(
            user=user, defaults={"role": role, "district": District.objects.get(code=district) if district else None}
        )
        out[name] = get_user_model().objects.get(pk=user.pk)
    return out


# ---- product cases -----------------------------------------------------------------------------------


def inbox_first_page(user: Any) -> Callable[[], Any]:
    from django.core.paginator import Paginator
    from django.test import RequestFactory

    from satark.dashboard.forms import InboxFilterForm
    from satark.dashboard.views.inbox import PAGE_SIZE, filtered_tips

    def run() -> Any:
        request = RequestFactory().get("/dashboard/")
        request.user = user
        form = InboxFilterForm(None, user=user)
        tips = filtered_tips(request, form).prefetch_related("media")
        page = Paginator(tips, PAGE_SIZE).get_page(None)
        return [t.reference for t in page.object_list], page.paginator.count

    return run


def stations_month(user: Any) -> Callable[[], Any]:
    from satark.analytics.comparison import station_comparison
    from satark.analytics.scope import Filters, preset_period

    return lambda: station_comparison(user, Filters(), preset_period("month")).table()


def series_year(user: Any) -> Callable[[], Any]:
    from satark.analytics.scope import Filters, preset_period
    from satark.analytics.series import series

    return lambda: series(user, Filters(), preset_period("year"), granularity="week").table()


def hotspots_quarter(user: Any) -> Callable[[], Any]:
    from satark.analytics.hotspots import hotspots
    from satark.analytics.scope import Filters, preset_period

    def run() -> Any:
        h = hotspots(user, Filters(), preset_period("quarter"))
        return h.map_data(), h.table()

    return run


def handling_quarter(user: Any) -> Callable[[], Any]:
    from satark.analytics.performance import performance
    from satark.analytics.scope import Filters, preset_period

    def run() -> Any:
        perf = performance(user, Filters(), preset_period("quarter"))
        return perf.table(), perf.overdue_table()

    return run


# ---- SQL baselines -----------------------------------------------------------------------------------


def _district_sql(user: Any) -> tuple[str, list[Any]]:
    from satark.people.access import tip_scope

    scope = tip_scope(user)
    if scope.all_districts:
        return "TRUE", []
    return "t.district_id = ANY(%s)", [list(scope.districts)]


def _sql(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _bounds(preset: str) -> tuple[Any, Any]:
    from satark.analytics.scope import preset_period

    return preset_period(preset).bounds()


def sql_inbox(user: Any) -> Callable[[], Any]:
    from django.conf import settings
    from django.utils import timezone

    where, params = _district_sql(user)
    d = settings.SATARK_ESCALATION_DEFAULTS

    def run() -> Any:
        now = timezone.now()
        total = _sql(f"SELECT count(*) FROM tips_tip t WHERE {where}", params)
        page = _sql(
            f"""SELECT t.reference FROM tips_tip t JOIN tips_category c ON c.id = t.category_id WHERE {where}
            ORDER BY (t.status = 'closed'),
                     CASE t.sensitivity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'restricted' THEN 2
                          WHEN 'normal' THEN 3 ELSE 9 END,
                     t.urgent DESC,
                     (t.status = 'new' AND COALESCE(t.status_changed_at, t.created_at)
                        <= %s - make_interval(mins => COALESCE(c.assign_within_minutes, %s))
                      OR t.status IN ('assigned', 'accepted') AND COALESCE(t.status_changed_at, t.created_at)
                        <= %s - make_interval(hours => COALESCE(c.report_within_hours, %s))) DESC,
                     t.created_at, t.id
            LIMIT 50""",
            [*params, now, d["assign_within_minutes"], now, d["report_within_hours"]],
        )
        return page, total

    return run


def sql_stations(user: Any) -> Callable[[], Any]:
    from satark.analytics.scope import preset_period

    where, params = _district_sql(user)

    def run() -> Any:
        period = preset_period("month")
        out = []
        for p in (period, period.previous()):
            start, end = p.bounds()
            out.append(_sql(
                f"""SELECT t.district_id, t.station_id, t.category_id, count(*) FROM tips_tip t
                WHERE {where} AND t.created_at >= %s AND t.created_at < %s GROUP BY 1, 2, 3""",
                [*params, start, end],
            ))
        return out

    return run


def sql_series(user: Any) -> Callable[[], Any]:
    from satark.analytics.scope import Period, preset_period
    from satark.analytics.series import buckets, next_bucket

    where, params = _district_sql(user)

    def run() -> Any:
        starts = buckets(preset_period("year"), "week")
        start, end = Period(starts[0], next_bucket(starts[-1], "week")).bounds()
        return _sql(
            f"""SELECT date_trunc('week', t.created_at AT TIME ZONE 'Asia/Kolkata') AS b, t.category_id, count(*)
            FROM tips_tip t WHERE {where} AND t.created_at >= %s AND t.created_at < %s GROUP BY 1, 2""",
            [*params, start, end],
        )

    return run


def sql_hotspots(user: Any) -> Callable[[], Any]:
    """The product's main grouped query written by hand: each tip at its pin, else its station, counted per
    ~300 m square of the same grid, with pins, district and the range of stations and categories. (The
    product adds a second query for the listed places' detail, the map's arrays and the table.)"""
    from satark.analytics.hotspots import CELL_LAT, CELL_LON

    where, params = _district_sql(user)

    def run() -> Any:
        start, end = _bounds("quarter")
        return _sql(
            f"""SELECT floor(COALESCE(t.location_lat, s.lat) / {CELL_LAT!r})::integer,
                       floor(COALESCE(t.location_lon, s.lon) / {CELL_LON!r})::integer,
                       count(*), count(t.location_lat), min(t.district_id), min(t.station_id), max(t.station_id),
                       min(t.category_id), max(t.category_id)
            FROM tips_tip t LEFT JOIN geography_policestation s ON s.id = t.station_id
            WHERE {where} AND t.created_at >= %s AND t.created_at < %s
            GROUP BY 1, 2""",
            [*params, start, end],
        )

    return run


def sql_handling(user: Any) -> Callable[[], Any]:
    """The handling figures by hand: counts and median/mean times over the quarter, then overdue tips per
    district (each open tip's stage start against its category's cutoff)."""
    from django.conf import settings
    from django.utils import timezone

    where, params = _district_sql(user)
    d = settings.SATARK_ESCALATION_DEFAULTS

    def run() -> Any:
        start, end = _bounds("quarter")
        now = timezone.now()
        figures = _sql(
            f"""SELECT count(*), count(*) FILTER (WHERE t.status = 'closed'),
                       count(*) FILTER (WHERE t.status = 'closed' AND t.outcome = 'action_taken'),
                       count(t.first_assigned_at),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM t.first_assigned_at - t.created_at)),
                       avg(EXTRACT(EPOCH FROM t.first_assigned_at - t.created_at)),
                       count(t.first_reported_at - t.first_assigned_at),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM t.first_reported_at - t.first_assigned_at)),
                       avg(EXTRACT(EPOCH FROM t.first_reported_at - t.first_assigned_at))
            FROM tips_tip t WHERE {where} AND t.created_at >= %s AND t.created_at < %s""",
            [*params, start, end],
        )
        overdue = _sql(
            f"""SELECT t.district_id, count(*) FILTER (WHERE t.status = 'new'), count(*) FILTER (WHERE t.status <> 'new')
            FROM tips_tip t JOIN tips_category c ON c.id = t.category_id
            WHERE {where} AND t.status IN ('new', 'assigned', 'accepted') AND COALESCE(t.status_changed_at, t.created_at)
                  <= CASE WHEN t.status = 'new' THEN %s - make_interval(mins => COALESCE(c.assign_within_minutes, %s))
                          ELSE %s - make_interval(hours => COALESCE(c.report_within_hours, %s)) END
            GROUP BY 1""",
            [*params, now, d["assign_within_minutes"], now, d["report_within_hours"]],
        )
        return figures, overdue

    return run


CASES: list[tuple[str, Callable[[Any], Callable[[], Any]], Callable[[Any], Callable[[], Any]]]] = [
    ("inbox, first page (priority)", inbox_first_page, sql_inbox),
    ("station x category, month", stations_month, sql_stations),
    ("weekly series, year", series_year, sql_series),
    ("hotspots, quarter", hotspots_quarter, sql_hotspots),
    ("handling figures, quarter", handling_quarter, sql_handling),
]


def measure(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()  # warm: connection, caches, first-use imports
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return statistics.median(times), p95


def explain(fn: Callable[[], Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    for q in ctx.captured_queries:
        sql = q["sql"]
        if "tips_tip" not in sql:
            continue
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print(f"--- {q['time']} s\n{sql[:600]}\n" + "\n".join(r[0] for r in cur.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tips", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the product's queries")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    args = parser.parse_args()
    url = os.environ.get("SATARK_BENCH_DATABASE_URL", DEFAULT_URL)
    prepare_database(url)
    setup_django(url)
    ensure_data(args.tips, args.days)
    import django
    from django.db import connection

    from satark.analytics.demodata import demo_tips

    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        pg = cur.fetchone()[0].split(" on ")[0]
    print(f"{demo_tips().count():,} generated tips; {pg}; Django {django.get_version()}; "
          f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; {args.runs} runs per case after one warm-up")
    print(f"{'case':32} {'as':9} {'product p50':>11} {'p95':>8} {'SQL p50':>9} {'p95':>8} {'x p50':>6} {'x p95':>6}  target")
    who = users()
    missed = 0
    for name, product, baseline in CASES:
        if args.only and args.only not in name:
            continue
        for label, user in (("DIG", who["bench.dig"]), ("SP gzp", who["bench.sp.ghazipur"])):
            fn = product(user)
            p50, p95 = measure(fn, args.runs)
            b50, b95 = measure(baseline(user), args.runs)
            ok = p95 <= TARGET_MS
            missed += not ok
            print(f"{name:32} {label:9} {p50:9.0f}ms {p95:6.0f}ms {b50:7.0f}ms {b95:6.0f}ms {p50 / b50:5.1f}x "
                  f"{p95 / b95:5.1f}x  {'ok' if ok else 'MISSED'}", flush=True)
            if args.explain:
                explain(fn)
    print(f"p95 <= {TARGET_MS:.0f} ms: {'all met' if not missed else f'{missed} missed'}")


if __name__ == "__main__":
    main()
