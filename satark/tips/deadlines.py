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
    """The overdue subset of `tips`, as a queryset (one condition per category and stage, which the open tips'
    partial index serves: fine for tens of categories)."""
    cond = Q(pk__in=[])
    for category_id, assign_cutoff, report_cutoff in _cutoffs(now):
        cond |= Q(category_id=category_id, status__in=WAITING_FOR_ASSIGNMENT) & (
            Q(status_changed_at__lte=assign_cutoff) | Q(status_changed_at__isnull=True, created_at__lte=assign_cutoff)
        )
        cond |= Q(category_id=category_id, status__in=WAITING_FOR_REPORT) & (
            Q(status_changed_at__lte=report_cutoff) | Q(status_changed_at__isnull=True, created_at__lte=report_cutoff)
        )
    return tips.filter(cond)


def overdue_by_district(tips: QuerySet[Tip], now: datetime) -> dict[int | None, tuple[int, int]]:
    """Overdue tips among `tips` per district: (waiting for assignment, waiting for a report). The same rule
    as `overdue_filter`, written as one comparison per open tip (its stage's start against its category's
    cutoff, picked by CASE), so PostgreSQL reads only the open tips' partial index (tips migration 0012)
    instead of visiting every open tip in the table."""
    cutoffs = _cutoffs(now)
    if not cutoffs:
        return {}
    waiting = Q(status__in=WAITING_FOR_ASSIGNMENT)

    def cutoff(index: int) -> Case:
        return Case(*(When(category_id=pk, then=Value(row[index])) for pk, *row in cutoffs),
                    output_field=DateTimeField())

    due = Case(When(waiting, then=cutoff(0)), default=cutoff(1), output_field=DateTimeField())
    late = (
        tips.filter(status__in=(*WAITING_FOR_ASSIGNMENT, *WAITING_FOR_REPORT))
        .annotate(since=Coalesce("status_changed_at", "created_at"), due=due)
        .filter(since__lte=F("due"))
        .order_by()
        .values_list("district_id")
        .annotate(a=Count("status", filter=waiting), r=Count("status", filter=~waiting))
    )
    return {district: (a, r) for district, a, r in late}
