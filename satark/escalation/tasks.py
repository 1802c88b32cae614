"""The periodic escalation run. Huey does not acknowledge tasks and may run this on several consumers at
once: that is safe, because every step is guarded by the database (see service.py). A run missed while
the consumers were down is made up by the next one: due steps are computed from the deadlines, not from
when the task last ran."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .service import escalate_overdue


@db_periodic_task(crontab(minute=f"*/{settings.SATARK_ESCALATION_EVERY_MINUTES}"))
def escalate() -> int:
    return len(escalate_overdue(timezone.now()))
