"""Escalation deadlines: when a tip is overdue. Per category (Category.assign_within_minutes,
report_within_hours), else the range-wide defaults in settings.SATARK_ESCALATION_DEFAULTS."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, Count, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from .models import Category, Tip

S = Tip.Status
WAITING_FOR_ASSIGNMENT = (S.NEW,)
WAITING_FOR_REPORT = (S.ASSIGNED, S.ACCEPTED)


def assign_within(category: Category) -> timedelta:
    minutes = category.assign_within_minutes or settings.SATARK_ESCALATION_DEFAULTS["assign_within_minutes"]
    return timedelta(minutes=minutes)


def report_within(category: Category) -> timedelta:
    hours = category.report_within_hours or settings.SATARK_ESCALATION_DEFAULTS["report_within_hours"]
    return timedelta(hours=hours)


def waiting_since(tip: Tip) -> datetime:
    """When the tip's current stage began: every transition restarts it (the queries below say the same as
    COALESCE(status_changed_at, created_at))."""
    return tip.status_changed_at or tip.created_at


def due_at(tip: Tip) -> datetime | None:
    """When the tip's current stage is due, or None when nothing is awaited (reported, closed)."""
    since = waiting_since(tip)
    if tip.status in WAITING_FOR_ASSIGNMENT:
        return since + assign_within(tip.category)
    if tip.status in WAITING_FOR_REPORT:
        return since + report_within(tip.category)
    return None


def is_overdue(tip: Tip, now: datetime) -> bool:
    due = due_at(tip)
    return due is not None and due <= now


def _cutoffs(now: datetime) -> list[tuple[int, datetime, datetime]]:
    """(category id, assignment cutoff, report cutoff): a tip whose stage began at or before its cutoff is late."""
    return [(c.pk, now - assign_within(c), now - report_within(c)) for c in Category.objects.all()]


def overdue_filter(tips: QuerySet[Tip], now: datetime) -> QuerySet[Tip]:
    """The overdue subset of `tips`, as a queryset: each open tip's stage start (COALESCE(status_changed_at,
    created_at), as `waiting_since`) against its category's cutoff for that stage, picked by CASE. One
    comparison per open tip, which the open tips' partial index serves (tips migrations 0007, 0012)."""
    cutoffs = _cutoffs(now)
    if not cutoffs:
        return tips.none()
    waiting = Q(status__in=WAITING_FOR_ASSIGNMENT)

    def cutoff(index: int) -> Case:
        return Case(*(When(category_id=pk, then=Value(row[index])) for pk, *row in cutoffs),
                    output_field=DateTimeField())

    due = Case(When(waiting, then=cutoff(0)), default=cutoff(1), output_field=DateTimeField())
    return (
        tips.filter(status__in=(*WAITING_FOR_ASSIGNMENT, *WAITING_FOR_REPORT))
        .alias(since=Coalesce("status_changed_at", "created_at"), due=due)
        .filter(since__lte=F("due"))
    )


def overdue_by_district(tips: QuerySet[Tip], now: datetime) -> dict[int | None, tuple[int, int]]:
    """Overdue tips among `tips` per district: (waiting for assignment, waiting for a report)."""
    waiting = Q(status__in=WAITING_FOR_ASSIGNMENT)
    late = (
        overdue_filter(tips, now)
        .order_by()
        .values_list("district_id")
        .annotate(a=Count("status", filter=waiting), r=Count("status", filter=~waiting))
    )
    return {district: (a, r) for district, a, r in late}
