"""Station-wise comparative statement: police station x category for a period, with the previous period of
the same length alongside and the change; totals by circle and by district."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from satark.core.names import in_language as label
from satark.geography.models import District, PoliceStation
from satark.people.access import tip_scope
from satark.tips.models import Category

from .scope import Disclosure, Filters, Period, change_text, tips_for
from .table import Cell, Table, num, text

Key = tuple[int | None, int | None]  # (district_id, station_id)


def lang_of(language: str | None) -> str:
    return "hi" if (language or "").startswith("hi") else "en"


def districts_for(user: Any, filters: Filters) -> list[District]:
    """The districts a user's scope touches (all, its own, or the district of its circle or station)."""
    scope = tip_scope(user)
    qs = District.objects.defer("boundary")  # the map and the PDF load it when they draw it
    if not scope.all_districts:
        qs = qs.filter(
            Q(pk__in=scope.districts) | Q(circles__in=scope.circles) | Q(stations__in=scope.stations)
        ).distinct()
    if filters.district:
        qs = qs.filter(code=filters.district)
    return list(qs)


def stations_for(user: Any, districts: list[District]) -> QuerySet[PoliceStation]:
    """The station rows a user's tables list: every station of its districts, or of its circle/station."""
    scope = tip_scope(user)
    qs = PoliceStation.objects.filter(district__in=districts)
    if not scope.all_districts and not scope.districts:
        qs = qs.filter(Q(circle__in=scope.circles) | Q(pk__in=scope.stations))
    return qs.select_related("circle", "district")


def categories_for(filters: Filters) -> list[Category]:
    qs = Category.objects.all()
    if filters.category:
        qs = qs.filter(code=filters.category)
    return list(qs)


def counts(user: Any, filters: Filters, period: Period) -> dict[tuple[int | None, int | None, int], int]:
    """(district_id, station_id, category_id) -> number of tips received in the period (one query)."""
    rows = (
        tips_for(user, filters, period)
        .order_by()
        .values_list("district_id", "station_id", "category_id")
        .annotate(n=Count("*"))  # COUNT(*): index-only scans on the covering indexes
    )
    return {(d, s, c): n for d, s, c, n in rows}


@dataclass
class Row:
    district_id: int | None
    station: PoliceStation | None
    circle_name: str
    name: str
    now: dict[int, int] = field(default_factory=dict)  # category_id -> count
    before: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.now.values())

    @property
    def total_before(self) -> int:
        return sum(self.before.values())


@dataclass
class Comparison:
    period: Period
    previous: Period
    categories: list[Category]
    rows: list[Row]
    districts: list[tuple[int | None, str, int, int]]  # id, name, now, before
    circles: list[tuple[int | None, str, str, int, int]]  # district id, district name, circle, now, before
    disclosure: Disclosure
    lang: str

    def cell(self, n: int, before: int, district_id: int | None) -> Cell:
        d = self.disclosure
        return num(n, d.show(n, district_id), note=d.show(before, district_id))

    def table(self) -> Table:
        d = self.disclosure
        cats = [label(c.title, self.lang, c.code) for c in self.categories]
        columns = [_("District"), _("Circle"), _("Police station"), *cats,
                   _("Total"), _("Previous period"), _("Change")]
        t = Table("stations", _("Station-wise comparison"), columns)
        for r in self.rows:
            cells = [text(self.district_name(r.district_id)), text(r.circle_name), text(r.name)]
            for c in self.categories:
                now, before = r.now.get(c.pk, 0), r.before.get(c.pk, 0)
                cells.append(self.cell(now, before, r.district_id))
            cells += [
                num(r.total, d.show(r.total, r.district_id)),
                num(r.total_before, d.show(r.total_before, r.district_id)),
                text(d.change(r.total, r.total_before, r.district_id)),
            ]
            t.rows.append(cells)
        col_total = self.category_totals()
        if self.rows:
            cells = [text(_("Total")), text(""), text("")]
            for c in self.categories:
                now, before = col_total[c.pk]
                cells.append(num(now, note=str(before)))
            now_all = sum(v[0] for v in col_total.values())
            before_all = sum(v[1] for v in col_total.values())
            cells += [num(now_all), num(before_all), text(change_text(now_all, before_all))]
            t.footer.append(cells)
        t.notes.append(_("Each cell: tips received in %(now)s; small figure: in %(before)s.")
                       % {"now": self.period.label(), "before": self.previous.label()})
        return t

    def district_name(self, district_id: int | None) -> str:
        for pk, name, _n, _b in self.districts:
            if pk == district_id:
                return name
        return _("Not yet routed")

    def category_totals(self) -> dict[int, tuple[int, int]]:
        out: dict[int, tuple[int, int]] = {}
        for c in self.categories:
            out[c.pk] = (sum(r.now.get(c.pk, 0) for r in self.rows), sum(r.before.get(c.pk, 0) for r in self.rows))
        return out

    def district_table(self) -> Table:
        t = Table("districts", _("Totals by district"), [_("District"), _("Tips"), _("Previous period"), _("Change")])
        for _pk, name, now, before in self.districts:
            t.rows.append([text(name), num(now), num(before), text(change_text(now, before))])
        return t

    def circle_table(self) -> Table:
        d = self.disclosure
        t = Table("circles", _("Totals by circle"),
                  [_("District"), _("Circle"), _("Tips"), _("Previous period"), _("Change")])
        for pk, dname, circle, now, before in self.circles:
            t.rows.append([text(dname), text(circle), num(now, d.show(now, pk)), num(before, d.show(before, pk)),
                           text(d.change(now, before, pk))])
        return t


def station_comparison(user: Any, filters: Filters, period: Period, language: str | None = None) -> Comparison:
    lang = lang_of(language)
    previous = period.previous()
    now_counts = counts(user, filters, period)
    before_counts = counts(user, filters, previous)
    categories = categories_for(filters)
    districts = districts_for(user, filters)
    stations = stations_for(user, districts)
    seen_station_ids = {s for (_d, s, _c) in (*now_counts, *before_counts)}
    rows: dict[Key, Row] = {}
    for s in stations:
        if s.active or s.pk in seen_station_ids:
            circle = label(s.circle.name, lang) if s.circle else ""
            rows[(s.district_id, s.pk)] = Row(s.district_id, s, circle, s.label(lang))
    for source, attr in ((now_counts, "now"), (before_counts, "before")):
        for (d, sid, c), n in source.items():
            key: Key = (d, sid) if (d, sid) in rows else (d, None)
            if key not in rows:
                name = _("No police station named") if d is not None else _("Not yet routed")
                rows[key] = Row(d, None, "", name)
            bucket: dict[int, int] = getattr(rows[key], attr)
            bucket[c] = bucket.get(c, 0) + n
    order = {d.pk: i for i, d in enumerate(districts)}
    ordered = sorted(rows.values(), key=lambda r: (order.get(r.district_id or -1, 999), r.station is None, r.name))
    district_rows: list[tuple[int | None, str, int, int]] = []
    for dist in districts:
        now = sum(r.total for r in ordered if r.district_id == dist.pk)
        before = sum(r.total_before for r in ordered if r.district_id == dist.pk)
        district_rows.append((dist.pk, dist.label(lang), now, before))
    unrouted = [r for r in ordered if r.district_id is None]
    if unrouted:
        district_rows.append((None, _("Not yet routed"), sum(r.total for r in unrouted),
                              sum(r.total_before for r in unrouted)))
    circles: dict[tuple[int | None, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in ordered:
        if r.district_id is None:
            continue
        acc = circles[(r.district_id, r.circle_name or _("No circle"))]
        acc[0] += r.total
        acc[1] += r.total_before
    names = {pk: name for pk, name, _n, _b in district_rows if pk is not None}
    circle_rows = [(d, names.get(d or -1, ""), c, v[0], v[1]) for (d, c), v in circles.items()]
    circle_rows.sort(key=lambda x: (order.get(x[0] or -1, 999), x[2]))
    return Comparison(period, previous, categories, ordered, district_rows, circle_rows, Disclosure(user), lang)
