"""Analytics pages (hotspot map, station-wise comparison, period analysis, sensitivity) and their exports
(CSV, XLSX, the PDF review report). Every number comes from ``satark.analytics``, which reads only through
``tips.access.visible_tips``; every export is audited."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satark.analytics import charts
from satark.analytics.comparison import categories_for, districts_for, lang_of, station_comparison, stations_for
from satark.analytics.exports import to_csv, to_xlsx
from satark.analytics.hotspots import hotspots
from satark.analytics.performance import performance
from satark.analytics.report import review_report
from satark.analytics.scope import PRESETS, Filters, Period, period_from, report_period
from satark.analytics.sensitivity import ORDER, sensitivity_counts, sensitivity_label, tip_table
from satark.analytics.series import DIMENSIONS, GRANULARITIES, series
from satark.analytics.table import Table
from satark.audit.actions import record
from satark.core.names import in_language as label
from satark.people.access import can_read_tips, profile_of

FILTER_KEYS = ("period", "start", "end", "category", "district", "sensitivity", "granularity", "by")
PRESET_LABELS = {
    "week": gettext_lazy("Last 7 days"),
    "fortnight": gettext_lazy("Last 14 days"),
    "month": gettext_lazy("Last 30 days"),
    "quarter": gettext_lazy("Last 91 days"),
    "year": gettext_lazy("Last 365 days"),
}
GRANULARITY_LABELS = {"week": gettext_lazy("Week"), "fortnight": gettext_lazy("Fortnight"),
                      "month": gettext_lazy("Month")}
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _denied(request: HttpRequest) -> HttpResponse | None:
    if not can_read_tips(request.user):
        return render(request, "dashboard/no_access.html", {"profile": profile_of(request.user)}, status=403)
    return None


def _choice(request: HttpRequest, name: str, allowed: tuple[str, ...]) -> str:
    """A GET parameter limited to ``allowed``; the first of them when absent or unknown."""
    value = request.GET.get(name, "")
    return value if value in allowed else allowed[0]


def _query(request: HttpRequest, **override: str) -> str:
    params = {k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k)}
    params.update({k: v for k, v in override.items() if v})
    return urlencode(params)


def _common(request: HttpRequest, page: str, default_period: str = "month") -> dict[str, Any]:
    lang = lang_of(translation.get_language())
    filters = Filters.from_params(request.GET)
    period = period_from(request.GET, default_period)
    user = request.user
    return {
        "page": page,
        "profile": profile_of(user),
        "filters": filters,
        "period": period,
        "previous": period.previous(),
        "period_choice": request.GET.get("period") or ("" if request.GET.get("start") else default_period),
        "presets": [(k, PRESET_LABELS[k]) for k in PRESETS],
        "categories": [(c.code, label(c.title, lang, c.code)) for c in categories_for(Filters())],
        "districts": [(d.code, d.label(lang)) for d in districts_for(user, Filters())],
        "sensitivities": [(s.value, sensitivity_label(s.value)) for s in ORDER],
        "query": _query(request),
        "lang": lang,
    }


def _chart(labels: list[str], lines: list[tuple[str, list[int]]], title: str) -> dict[str, Any]:
    shapes = charts.stacked_bars(labels, lines)
    return {
        "svg": mark_safe(charts.to_svg(shapes, title=title)),  # noqa: S308 - built by charts.to_svg, every text escaped
        "legend": [(mark_safe(charts.swatch_svg(i)), name) for i, (name, _v) in enumerate(lines)],  # noqa: S308
    }


@login_required
def analytics_home(request: HttpRequest) -> HttpResponse:
    return redirect("analytics-stations")


@login_required
def hotspot_map(request: HttpRequest) -> HttpResponse:
    if (denied := _denied(request)) is not None:
        return denied
    ctx = _common(request, "map")
    user, filters, period = request.user, ctx["filters"], ctx["period"]
    spots = hotspots(user, filters, period, translation.get_language())
    districts = districts_for(user, filters)
    lang = ctx["lang"]
    map_data = {
        "tiles": getattr(settings, "SATARK_MAP_TILE_URL", ""),
        "attribution": getattr(settings, "SATARK_MAP_TILE_ATTRIBUTION", ""),
        "districts": {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"name": d.label(lang), "code": d.code}, "geometry": d.boundary}
                for d in districts
                if d.boundary
            ],
        },
        "stations": [
            {"lat": s.lat, "lon": s.lon, "name": s.label(lang)}
            for s in stations_for(user, districts).filter(active=True)
            if s.lat is not None and s.lon is not None
        ],
        "hotspots": spots.map_data(),
        "labels": {
            "tips": _("tips"),
            "station": _("Police station"),
            "categories": _("Categories"),
            "several": _("several"),
            "pinned": _("with a pin"),
            "stationsLayer": _("Police stations"),
            "placesLayer": _("Places (~300 m squares)"),
            "ranksLayer": _("Ranks in the table"),
        },
    }
    ctx.update({"spots": spots, "table": spots.table(), "map_data": map_data, "export": "hotspots"})
    return render(request, "dashboard/analytics/map.html", ctx)


@login_required
def stations(request: HttpRequest) -> HttpResponse:
    if (denied := _denied(request)) is not None:
        return denied
    ctx = _common(request, "stations")
    comparison = station_comparison(request.user, ctx["filters"], ctx["period"], translation.get_language())
    ctx.update({
        "comparison": comparison,
        "table": comparison.table(),
        "district_table": comparison.district_table(),
        "circle_table": comparison.circle_table(),
        "coarse": comparison.disclosure.outside,
        "export": "stations",
    })
    return render(request, "dashboard/analytics/stations.html", ctx)


@login_required
def periods(request: HttpRequest) -> HttpResponse:
    if (denied := _denied(request)) is not None:
        return denied
    ctx = _common(request, "periods", default_period="quarter")
    user, filters, period = request.user, ctx["filters"], ctx["period"]
    granularity = _choice(request, "granularity", GRANULARITIES)
    by = _choice(request, "by", DIMENSIONS)
    s = series(user, filters, period, granularity=granularity, dimension=by, language=translation.get_language())
    perf = performance(user, filters, period, language=translation.get_language())
    ctx.update({
        "series": s,
        "table": s.table(),
        "chart": _chart(s.labels(), [(lab, s.values[k]) for k, lab in s.keys], _("Tips by period")),
        "performance": perf,
        "performance_table": perf.table(),
        "overdue_table": perf.overdue_table(),
        "granularity": granularity,
        "granularities": [(g, GRANULARITY_LABELS[g]) for g in GRANULARITIES],
        "by": by,
        "dimensions": [("category", _("Category")), ("district", _("District"))],
        "export": "periods",
    })
    return render(request, "dashboard/analytics/periods.html", ctx)


@login_required
def sensitivity(request: HttpRequest) -> HttpResponse:
    if (denied := _denied(request)) is not None:
        return denied
    ctx = _common(request, "sensitivity")
    user, filters, period = request.user, ctx["filters"], ctx["period"]
    counts = sensitivity_counts(user, filters, period, translation.get_language())
    listed = filters if filters.sensitivity else Filters(filters.category, filters.district, "")
    tips = tip_table(user, listed, period, language=translation.get_language(), limit=200)
    if not filters.sensitivity:  # by default list what needs attention first
        tips.rows = [r for r in tips.rows if r[7].text != sensitivity_label("normal")]
    ctx.update({"counts": counts, "table": counts.table(), "tips": tips, "export": "sensitivity"})
    return render(request, "dashboard/analytics/sensitivity.html", ctx)


def _export_tables(kind: str, request: HttpRequest, filters: Filters, period: Period) -> list[Table]:
    user, language = request.user, translation.get_language()
    if kind == "stations":
        c = station_comparison(user, filters, period, language)
        return [c.table(), c.district_table(), c.circle_table()]
    if kind == "hotspots":
        return [hotspots(user, filters, period, language, detail=None).table(limit=None)]
    if kind == "periods":
        granularity = _choice(request, "granularity", GRANULARITIES)
        by = _choice(request, "by", DIMENSIONS)
        perf = performance(user, filters, period, language=language)
        s = series(user, filters, period, granularity=granularity, dimension=by, language=language)
        return [s.table(), perf.table(), perf.overdue_table()]
    if kind == "sensitivity":
        return [sensitivity_counts(user, filters, period, language).table(),
                tip_table(user, filters, period, language=language)]
    if kind == "tips":
        return [tip_table(user, filters, period, language=language, limit=50_000)]
    raise Http404("No such export")


@login_required
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if (denied := _denied(request)) is not None:
        return denied
    if fmt not in EXPORT_FORMATS:
        raise Http404("No such format")
    filters = Filters.from_params(request.GET)
    period = period_from(request.GET, "quarter" if kind == "periods" else "month")
    tables = _export_tables(kind, request, filters, period)
    title = f"Satark Mitra — {period.label()} — {filters.describe()}"
    body = to_csv(tables) if fmt == "csv" else to_xlsx(tables, title)
    rows = sum(len(t.rows) for t in tables)
    record("analytics.exported", "analytics", kind, actor=request.user, details={
        "format": fmt, "period": period.label(), "filters": filters.as_dict(), "rows": rows,
    })
    response = HttpResponse(body, content_type=EXPORT_FORMATS[fmt])
    stamp = f"{period.start:%Y%m%d}-{period.last_day:%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="satark-{kind}-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    if (denied := _denied(request)) is not None:
        return denied
    kind = _choice(request, "kind", ("week", "month"))
    filters = Filters.from_params(request.GET)
    period = period_from(request.GET) if request.GET.get("start") else report_period(kind, timezone.localdate())
    body = review_report(request.user, filters, period, kind, translation.get_language())
    record("analytics.report", "analytics", kind, actor=request.user, details={
        "format": "pdf", "period": period.label(), "filters": filters.as_dict(), "bytes": len(body),
    })
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="satark-{kind}-report-{period.start:%Y%m%d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response

