"""How tips are handled: tip-to-action conversion, time to assign, time to the first action-taken report
(``Tip.first_assigned_at`` and ``Tip.first_reported_at``, set by the lifecycle when the first ``tip.assign`` and
``tip.report`` are recorded, and backfilled from the audit log by tips migration 0010) and overdue tips by
office (``tips.deadlines.overdue_by_district``, the current backlog whatever the period)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from satark.core.names import in_language
from satark.tips.deadlines import overdue_by_district
from satark.tips.models import Tip

from .comparison import districts_for, lang_of
from .scope import Filters, Period, tips_for
from .sql import Median, Seconds
from .table import Table, num, text


@dataclass(frozen=True)
class Durations:
    count: int
    median_hours: float | None
    mean_hours: float | None

    @classmethod
    def of(cls, count: int, median_seconds: float | None, mean_seconds: float | None) -> Durations:
        if not count or median_seconds is None or mean_seconds is None:
            return cls(0, None, None)
        return cls(count, round(median_seconds / 3600, 1), round(mean_seconds / 3600, 1))


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
    # One row of figures. Counted on `status` (never null) rather than the id: every column read here is in
    # the covering indexes (tips migrations 0007, 0012), so PostgreSQL answers from the index alone.
    to_assign = Seconds("first_assigned_at", "created_at")
    to_report = Seconds("first_reported_at", "first_assigned_at")
    agg = qs.order_by().aggregate(
        received=Count("status"),
        closed=Count("status", filter=Q(status=Tip.Status.CLOSED)),
        action_taken=Count("status", filter=Q(status=Tip.Status.CLOSED, outcome=Tip.Outcome.ACTION_TAKEN)),
        assigned=Count("first_assigned_at"),
        assign_median=Median(to_assign),
        assign_mean=Avg(to_assign),
        reported=Count(to_report),
        report_median=Median(to_report),
        report_mean=Avg(to_report),
    )
    by_district = overdue_by_district(tips_for(user, filters), now)
    overdue = []
    for dist in districts_for(user, filters):
        a, r = by_district.get(dist.pk, (0, 0))
        overdue.append((in_language(dist.office, lang) or dist.label(lang), a, r))
    if None in by_district:
        a, r = by_district[None]
        overdue.append((_("DIG office (not yet routed)"), a, r))
    return Performance(period, agg["received"], agg["closed"], agg["action_taken"],
                       Durations.of(agg["assigned"], agg["assign_median"], agg["assign_mean"]),
                       Durations.of(agg["reported"], agg["report_median"], agg["report_mean"]), overdue)
