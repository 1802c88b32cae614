"""Two workers escalating at the same moment (real threads, real connections, committed transactions):
each step is taken and sent once, and it reaches the simulator once."""

from __future__ import annotations

import io
import threading
from datetime import datetime

import httpx
import pytest
from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, connection, transaction

from satark.escalation.models import Escalation
from satark.escalation.service import escalate_overdue
from satark.messaging.models import OutboxItem
from satark.messaging.outbound import send_pending

from .conftest import DIG_DUTY_PHONE, HOUR, SP_DUTY_PHONE, Case

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 4


def run_together(now: datetime) -> list[list[Escalation]]:
    barrier = threading.Barrier(WORKERS)
    results: list[list[Escalation]] = [[] for _ in range(WORKERS)]
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[n] = escalate_overdue(now)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    assert errors == []
    return results


def test_concurrent_runs_take_each_step_once(case: Case, sim: httpx.Client) -> None:
    call_command("sync_templates", stdout=io.StringIO())
    tips = [case.tip]
    from tests import factories as f

    tips += [f.tip("ghazipur", "illegal_arms") for _ in range(3)]
    t0 = max(t.created_at for t in tips)
    results = run_together(t0 + 5 * HOUR)  # every tip is due at the SP office and at the DIG office
    taken = sorted((e.tip_id, e.stage) for result in results for e in result)
    assert taken == sorted((t.pk, stage) for t in tips for stage in ("sp_office", "dig_office"))
    assert Escalation.objects.count() == 8
    assert OutboxItem.objects.filter(purpose="escalation").count() == 8
    run_together(t0 + 6 * HOUR)
    assert Escalation.objects.count() == 8 and OutboxItem.objects.count() == 8

    send_pending(case.sp_duty.contact_ref)
    send_pending(case.dig_duty.contact_ref)
    for phone in (SP_DUTY_PHONE, DIG_DUTY_PHONE):
        messages = sim.get(f"/_sim/api/phones/{phone}/messages").json()["messages"]
        references = sorted(m["payload"]["template"]["components"][0]["parameters"][0]["text"] for m in messages)
        assert references == sorted(t.reference for t in tips)  # one message per tip, none twice


def test_the_database_refuses_a_second_row_for_the_same_step(case: Case) -> None:
    t0 = case.start()
    [step] = escalate_overdue(t0 + 2 * HOUR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(
            tip=step.tip, stage=step.stage, awaiting=step.awaiting, cycle_start=step.cycle_start,
            due_at=step.due_at, created_at=step.created_at,
        )  # fmt: skip
