"""Taking the due steps of the ladder for overdue tips. `escalate_overdue(now)` is what the periodic task
runs; `now` is a parameter so that tests and `manage.py escalate --now` drive a controlled clock.

The database is the truth. Each step is one transaction, under the tip's row lock: the Escalation row
(UNIQUE tip, stage, cycle_start), the queued WhatsApp message (outbox row) and the audit event commit
together or not at all. A second worker (or a rerun after a crash) finds the row and does nothing, or
hits the unique constraint and rolls its step back, so a step is never sent twice; a crash before the
commit leaves nothing, and the next run takes the step."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction

from satark.audit.actions import record
from satark.tips.deadlines import WAITING_FOR_ASSIGNMENT, WAITING_FOR_REPORT, overdue_filter
from satark.tips.models import Tip

from .ladder import Due, due_steps
from .messages import deliver
from .models import Escalation, Stage

log = logging.getLogger(__name__)
ACTOR = "escalation"


def escalate_overdue(now: datetime, references: Iterable[str] | None = None) -> list[Escalation]:
    """Take every due step not yet taken, for every overdue tip (or only those `references`)."""
    tips = overdue_filter(Tip.objects.filter(status__in=(*WAITING_FOR_ASSIGNMENT, *WAITING_FOR_REPORT)), now)
    if references is not None:
        tips = tips.filter(reference__in=list(references))
    candidates = list(tips.select_related("category").order_by("pk"))
    # One query for the steps already taken, so that tips which climbed their whole ladder long ago cost
    # nothing on each run; the check that counts is repeated under the tip's lock in escalate_tip.
    done = set(Escalation.objects.filter(tip__in=candidates).values_list("tip_id", "stage", "cycle_start"))
    taken: list[Escalation] = []
    for tip in candidates:
        if all((tip.pk, d.stage, d.cycle_start) in done for d in due_steps(tip, now)):
            continue
        try:
            taken += escalate_tip(tip.pk, now)
        except Exception:  # one broken tip must not stop the others; the next run tries it again
            log.exception("escalation of tip %s failed", tip.reference)
    return taken


def escalate_tip(tip_id: int, now: datetime) -> list[Escalation]:
    taken = []
    with transaction.atomic():
        tip = Tip.objects.select_for_update().filter(pk=tip_id).first()
        if tip is None:
            return []
        steps = due_steps(tip, now)  # re-read under the lock: a report that just came in stops it here
        if not steps:
            return []
        done = set(Escalation.objects.filter(tip=tip, cycle_start=steps[0].cycle_start).values_list("stage", flat=True))
        for due in steps:
            if due.stage in done:
                continue
            try:
                with transaction.atomic():  # a savepoint: a concurrent duplicate rolls back only this step
                    taken.append(_take(tip, due, now))
            except IntegrityError:
                log.info("tip %s: %s already taken by another worker", tip.reference, due.stage)
    return taken


def _take(tip: Tip, due: Due, now: datetime) -> Escalation:
    escalation = Escalation.objects.create(
        tip=tip,
        stage=due.stage,
        awaiting=due.awaiting,
        cycle_start=due.cycle_start,
        due_at=due.due_at,
        created_at=now,
        district=tip.district if due.stage == Stage.SP_OFFICE else None,
        officer=tip.officer if due.stage == Stage.REMINDER else None,
    )
    late = now - due.due_at
    delivery = deliver(tip, escalation, late)
    escalation.sent = delivery.sent
    escalation.outbox_id = delivery.outbox_id
    escalation.note = delivery.note
    escalation.save(update_fields=["sent", "outbox_id", "note"])
    record(
        f"tip.escalated.{due.stage}",
        "tip",
        tip.reference,
        actor=ACTOR,
        details={
            "awaiting": due.awaiting,
            "due_at": due.due_at.isoformat(),
            "late_minutes": int(late.total_seconds() // 60),
            "district": tip.district.code if tip.district else None,
            "officer": tip.officer_id if due.stage == Stage.REMINDER else None,
            "sent": delivery.sent,
            "note": delivery.note,
        },
    )
    return escalation
