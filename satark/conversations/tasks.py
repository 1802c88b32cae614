from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import abandon, retention


@db_periodic_task(crontab(minute="*/5"))
def sweep_quiet_conversations() -> None:
    abandon.sweep(timezone.now())


@db_periodic_task(crontab(minute="17", hour="2"))
def nightly_retention() -> None:
    retention.sweep(timezone.now())
