"""Period analysis: weekly, fortnightly or monthly counts by category or by district."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from satark.core.names import in_language as label
from satark.geography.models import District
from satark.tips.models import Category

from .comparison import categories_for, districts_for, lang_of
from .scope import Filters, Period, tips_for
from .table import Table, num, text

GRANULARITIES = ("week", "fortnight", "month")
DIMENSIONS = ("category", "district")
# Fortnights are pairs of ISO weeks counted from this Monday, so a fortnight is the same in every report.
FORTNIGHT_EPOCH = date(2024, 1, 1)


def bucket_start(day: date, granularity: str) -> date:
    if granularity == "month":
        return day.replace(day=1)
    monday = day - timedelta(days=day.weekday())
    if granularity == "fortnight":
        return monday - timedelta(days=((monday - FORTNIGHT_EPOCH).days // 7 % 2) * 7)
    return monday


def next_bucket(start: date, granularity: str) -> date:
    if granularity == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=14 if granularity == "fortnight" else 7)


def buckets(period: Period, granularity: str) -> list[date]:
    out = []
    b = bucket_start(period.start, granularity)
    while b < period.end:
        out.append(b)
        b = next_bucket(b, granularity)
    return out


def bucket_label(start: date, granularity: str) -> str:
    if granularity == "month":
        return f"{start:%m.%Y}"
    return f"{start:%d.%m.%Y}"


@dataclass
class Series:
    period: Period
    granularity: str
    dimension: str
    buckets: list[date]
    keys: list[tuple[str, str]]  # (code, label) of each line
    values: dict[str, list[int]]  # code -> count per bucket

    def totals(self) -> list[int]:
        return [sum(self.values[k][i] for k, _l in self.keys) for i in range(len(self.buckets))]

    def labels(self) -> list[str]:
        return [bucket_label(b, self.granularity) for b in self.buckets]

    def table(self) -> Table:
        name = _("Category") if self.dimension == "category" else _("District")
        t = Table(f"series-{self.granularity}-{self.dimension}", _("Tips by period"),
                  [name, *self.labels(), _("Total")])
        for code, lab in self.keys:
            vals = self.values[code]
            t.rows.append([text(lab), *(num(v) for v in vals), num(sum(vals))])
        totals = self.totals()
        t.footer.append([text(_("Total")), *(num(v) for v in totals), num(sum(totals))])
        t.notes.append(_("Periods start on the dates shown (weeks start on Monday)."))
        return t


def series(user: Any, filters: Filters, period: Period, *, granularity: str = "week", dimension: str = "category",
           language: str | None = None) -> Series:
    """Counts per bucket. Buckets are whole weeks/months, so the first and last may reach outside the period:
    the query covers the whole of every bucket that the period touches."""
    granularity = granularity if granularity in GRANULARITIES else "week"
    dimension = dimension if dimension in DIMENSIONS else "category"
    lang = lang_of(language)
    starts = buckets(period, granularity)
    span = Period(starts[0], next_bucket(starts[-1], granularity))
    trunc = TruncMonth if granularity == "month" else TruncWeek
    # Grouped by the foreign key itself (no join per tip); codes are looked up afterwards.
    field = "category_id" if dimension == "category" else "district_id"
    tz = timezone.get_current_timezone()
    rows = (
        tips_for(user, filters, span)
        .order_by()
        .annotate(b=trunc("created_at", tzinfo=tz))
        .values_list("b", field)
        .annotate(n=Count("*"))  # COUNT(*): index-only scans on the covering indexes
    )
    if dimension == "category":
        chosen = categories_for(filters)
        keys = [(c.code, label(c.title, lang, c.code)) for c in chosen]
        codes = dict(Category.objects.values_list("pk", "code"))
    else:
        keys = [(d.code, d.label(lang)) for d in districts_for(user, filters)]
        codes = dict(District.objects.values_list("pk", "code"))
    index = {b: i for i, b in enumerate(starts)}
    values: dict[str, list[int]] = defaultdict(lambda: [0] * len(starts))
    for b, key_id, n in rows:
        day = b.date() if hasattr(b, "date") else b
        i = index.get(bucket_start(day, granularity))
        if i is not None:
            values[codes.get(key_id, "") if key_id is not None else ""][i] += n
    if values.get("") and dimension == "district":
        keys.append(("", _("Not yet routed")))
    return Series(period, granularity, dimension, starts, keys, {k: values[k] for k, _l in keys})
