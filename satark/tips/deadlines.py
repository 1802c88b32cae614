"""Escalation deadlines: when a tip is overdue. Per category (Category.assign_within_minutes,
report_within_hours), else the range-wide defaults in settings.SATARK_ESCALATION_DEFAULTS."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

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


def due_at(tip: Tip) -> datetime | None:
    """When the tip's current stage is due, or None when nothing is awaited (reported, closed)."""
    since = tip.status_changed_at or tip.created_at
    if tip.status in WAITING_FOR_ASSIGNMENT:
        return since + assign_within(tip.category)
    if tip.status in WAITING_FOR_REPORT:
        return since + report_within(tip.category)
    return None


def is_overdue(tip: Tip, now: datetime) -> bool:
    due = due_at(tip)
    return due is not None and due <= now


def overdue_filter(tips: QuerySet[Tip], now: datetime) -> QuerySet[Tip]:
    """The overdue subset of `tips`, as a queryset (one query per category, fine for tens of categories)."""
    cond = Q(pk__in=[])
    for category in Category.objects.all():
        assign_cutoff = now - assign_within(category)
        report_cutoff = now - report_within(category)
        cond |= Q(category=category, status__in=WAITING_FOR_ASSIGNMENT) & (
            Q(status_changed_at__lte=assign_cutoff) | Q(status_changed_at__isnull=True, created_at__lte=assign_cutoff)
        )
        cond |= Q(category=category, status__in=WAITING_FOR_REPORT) & (
            Q(status_changed_at__lte=report_cutoff) | Q(status_changed_at__isnull=True, created_at__lte=report_cutoff)
        )
    return tips.filter(cond)
