"""Read-only queries for the dashboard. Permission-checked through tips.access (a user sees the
escalations of the tips they may see). Imports nothing of messaging, the channel, the vault or
conversations (import-linter contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet

from satark.tips.access import visible_tips
from satark.tips.deadlines import WAITING_FOR_ASSIGNMENT, WAITING_FOR_REPORT
from satark.tips.models import Tip

from .ladder import next_step_at
from .models import DutyNumber, Escalation, Stage

STAGE_ORDER: dict[str, int] = {Stage.REMINDER: 1, Stage.SP_OFFICE: 2, Stage.DIG_OFFICE: 3}


def _current_cycle() -> Q:
    """Rows of the tip's current wait (not of a deadline that was met by a later transition)."""
    return Q(tip__status__in=(*WAITING_FOR_ASSIGNMENT, *WAITING_FOR_REPORT)) & (
        Q(cycle_start=F("tip__status_changed_at"))
        | Q(tip__status_changed_at__isnull=True, cycle_start=F("tip__created_at"))
    )


def escalations_for_tip(tip: Tip) -> QuerySet[Escalation]:
    """Every step ever taken for this tip, newest first (the caller already checked access to the tip)."""
    return Escalation.objects.filter(tip=tip).select_related("district", "officer")


def active_escalations(user: Any) -> QuerySet[Escalation]:
    """Steps of the current deadlines of the tips this user may see: what is overdue right now."""
    return (
        Escalation.objects.filter(tip__in=visible_tips(user))
        .filter(_current_cycle())
        .select_related("tip", "tip__category", "tip__district", "district", "officer")
    )


def recent_escalations(user: Any, since: datetime) -> QuerySet[Escalation]:
    """Every step taken since a moment (met or not), for the tips this user may see."""
    return Escalation.objects.filter(tip__in=visible_tips(user), created_at__gte=since).select_related(
        "tip", "tip__category", "tip__district", "district", "officer"
    )


def levels(tips: list[Tip]) -> dict[int, str]:
    """tip id -> the highest stage reached for its current deadline (tips not escalated are absent):
    one query, for a badge in a list of tips."""
    rows = Escalation.objects.filter(tip__in=tips).filter(_current_cycle()).values_list("tip_id", "stage")
    best: dict[int, str] = {}
    for tip_id, stage in rows:
        if STAGE_ORDER.get(stage, 0) > STAGE_ORDER.get(best.get(tip_id, ""), 0):
            best[tip_id] = stage
    return best


def next_step(tip: Tip) -> datetime | None:
    """When the tip's next escalation step falls due (None: nothing awaited, or the ladder is climbed)."""
    taken = set(Escalation.objects.filter(tip=tip).filter(_current_cycle()).values_list("stage", flat=True))
    return next_step_at(tip, taken)


def duty_numbers() -> QuerySet[DutyNumber]:
    """Which offices have a duty number (never the number: it is in the vault)."""
    return DutyNumber.objects.select_related("district", "range")
