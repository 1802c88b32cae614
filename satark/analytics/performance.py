"""How tips are handled: tip-to-action conversion, time to assign, time to the first action-taken report
(``Tip.first_assigned_at`` and ``Tip.first_reported_at``, set by the lifecycle when the first ``tip.assign`` and
``tip.report`` are recorded, and backfilled from the audit log by tips migration 0010) and overdue tips by
office (``tips.deadlines.overdue_filter``, the current backlog whatever the period)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from satark.tips.deadlines import WAITING_FOR_ASSIGNMENT, WAITING_FOR_REPORT, overdue_filter
from satark.tips.models import Tip

from .comparison import districts_for, lang_of
from .scope import Filters, Period, tips_for
from .table import Table, num, text


@dataclass(frozen=True)
class Durations:
    count: int
    median_hours: float | None
    mean_hours: float | None

    @classmethod
    def of(cls, seconds: list[float]) -> Durations:
        if not seconds:
            return cls(0, None, None)
        median, mean = statistics.median(seconds) / 3600, statistics.fmean(seconds) / 3600
        return cls(len(seconds), round(median, 1), round(mean, 1))


@dataclass(frozen=True)
class Performance:
    period: Period
    received: int
    closed: int
    action_taken: int
    to_assign: Durations
    to_report: Durations
    overdue: list[tuple[str, int, int]]  # office, waiting for assignment, waiting for a report

    @property
    def conversion(self) -> float | None:
        """Share of the period's tips that were closed with the outcome 'action taken'."""
        return round(100 * self.action_taken / self.received, 1) if self.received else None

    def table(self) -> Table:
        def hours(v: float | None) -> Any:
            return num(v) if v is not None else text("–")

        t = Table("performance", _("Handling"), [_("Measure"), _("Value")])
        t.rows = [
            [text(_("Tips received")), num(self.received)],
            [text(_("Closed")), num(self.closed)],
            [text(_("Closed with action taken")), num(self.action_taken)],
            [text(_("Tip-to-action conversion (%)")), hours(self.conversion)],
            [text(_("Assigned (tips)")), num(self.to_assign.count)],
            [text(_("Time to assign, median (hours)")), hours(self.to_assign.median_hours)],
            [text(_("Time to assign, mean (hours)")), hours(self.to_assign.mean_hours)],
            [text(_("Action reports (tips)")), num(self.to_report.count)],
            [text(_("Time from assignment to action report, median (hours)")), hours(self.to_report.median_hours)],
            [text(_("Time from assignment to action report, mean (hours)")), hours(self.to_report.mean_hours)],
        ]
        return t

    def overdue_table(self) -> Table:
        t = Table("overdue", _("Overdue now, by office"),
                  [_("Office"), _("Waiting for assignment"), _("Waiting for an action report"), _("Total")])
        for office, a, r in self.overdue:
            t.rows.append([text(office), num(a), num(r), num(a + r)])
        return t


def performance(user: Any, filters: Filters, period: Period, now: datetime | None = None,
                language: str | None = None) -> Performance:
    now = now or timezone.now()
    lang = lang_of(language)
    qs = tips_for(user, filters, period)
    agg = qs.order_by().aggregate(
        received=Count("id"),
        closed=Count("id", filter=Q(status=Tip.Status.CLOSED)),
        action_taken=Count("id", filter=Q(status=Tip.Status.CLOSED, outcome=Tip.Outcome.ACTION_TAKEN)),
    )
    timed = qs.order_by().filter(first_assigned_at__isnull=False).values_list(
        ExpressionWrapper(F("first_assigned_at") - F("created_at"), output_field=DurationField()),
        ExpressionWrapper(F("first_reported_at") - F("first_assigned_at"), output_field=DurationField()),
    )
    to_assign: list[float] = []
    to_report: list[float] = []
    for assigning, reporting in timed:
        to_assign.append(max(0.0, assigning.total_seconds()))
        if reporting is not None:
            to_report.append(max(0.0, reporting.total_seconds()))
    overdue_rows = (
        overdue_filter(tips_for(user, filters), now)
        .order_by()
        .values_list("district_id")
        .annotate(
            a=Count("id", filter=Q(status__in=WAITING_FOR_ASSIGNMENT)),
            r=Count("id", filter=Q(status__in=WAITING_FOR_REPORT)),
        )
    )
    by_district = {d: (a, r) for d, a, r in overdue_rows}
    overdue = []
    for dist in districts_for(user, filters):
        a, r = by_district.get(dist.pk, (0, 0))
        office = dist.office.get(lang) or dist.office.get("en") if isinstance(dist.office, dict) else ""
        overdue.append((str(office or dist.label(lang)), a, r))
    if None in by_district:
        a, r = by_district[None]
        overdue.append((_("DIG office (not yet routed)"), a, r))
    return Performance(period, agg["received"], agg["closed"], agg["action_taken"],
                       Durations.of(to_assign), Durations.of(to_report), overdue)
