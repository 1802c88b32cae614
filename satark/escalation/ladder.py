"""The escalation ladder: which steps are due for a tip at a given moment. Pure reads (tips.deadlines and
settings.SATARK_ESCALATION_LADDER), nothing is written or sent here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from satark.tips.deadlines import WAITING_FOR_ASSIGNMENT, WAITING_FOR_REPORT, due_at, waiting_since
from satark.tips.models import Tip

from .models import Awaiting, Stage


@dataclass(frozen=True)
class Step:
    stage: str
    after: timedelta  # after the deadline


@dataclass(frozen=True)
class Due:
    """A step that is due for a tip's current deadline."""

    stage: str
    awaiting: str
    cycle_start: datetime
    due_at: datetime  # the deadline itself
    step_at: datetime  # the deadline + the step's interval


def ladder(awaiting: str) -> list[Step]:
    """The configured steps for what the tip waits for, in order; checked so a typo fails loudly."""
    configured = settings.SATARK_ESCALATION_LADDER.get(awaiting, ())
    steps = []
    for stage, minutes in configured:
        if stage not in Stage.values:
            raise ImproperlyConfigured(f"SATARK_ESCALATION_LADDER[{awaiting!r}]: unknown stage {stage!r}")
        if stage == Stage.REMINDER and awaiting != Awaiting.REPORT:
            raise ImproperlyConfigured("SATARK_ESCALATION_LADDER: a reminder needs an officer (only under 'report')")
        if int(minutes) < 0:
            raise ImproperlyConfigured(f"SATARK_ESCALATION_LADDER[{awaiting!r}]: {stage} has a negative interval")
        steps.append(Step(stage=stage, after=timedelta(minutes=int(minutes))))
    return sorted(steps, key=lambda s: s.after)


def awaiting_of(tip: Tip) -> str | None:
    if tip.status in WAITING_FOR_ASSIGNMENT:
        return Awaiting.ASSIGNMENT
    if tip.status in WAITING_FOR_REPORT:
        return Awaiting.REPORT
    return None


def due_steps(tip: Tip, now: datetime) -> list[Due]:
    """Every step of the tip's current deadline whose time has come (taken or not), in ladder order."""
    deadline = due_at(tip)
    awaiting = awaiting_of(tip)
    if deadline is None or awaiting is None or deadline > now:
        return []
    start = waiting_since(tip)  # every transition starts a new cycle of the ladder
    return [
        Due(stage=step.stage, awaiting=awaiting, cycle_start=start, due_at=deadline, step_at=deadline + step.after)
        for step in ladder(awaiting)
        if deadline + step.after <= now
    ]


def next_step_at(tip: Tip, taken: set[str]) -> datetime | None:
    """When the next step not yet taken falls due (for the dashboard), or None."""
    deadline = due_at(tip)
    awaiting = awaiting_of(tip)
    if deadline is None or awaiting is None:
        return None
    pending = [deadline + s.after for s in ladder(awaiting) if s.stage not in taken]
    return min(pending) if pending else None
