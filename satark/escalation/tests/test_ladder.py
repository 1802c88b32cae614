"""The ladder with a controlled clock: nothing before the deadline, then each step once, in order."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from satark.audit.actions import verify_chain
from satark.audit.models import AuditEvent
from satark.escalation.ladder import due_steps
from satark.escalation.models import Escalation
from satark.escalation.service import escalate_overdue
from satark.messaging.models import OutboxItem
from satark.tips.lifecycle import transition
from satark.tips.models import Category

from .conftest import HOUR, MIN, Case, sent_to

pytestmark = pytest.mark.django_db


def stages(case: Case) -> list[str]:
    return list(Escalation.objects.filter(tip=case.tip).order_by("id").values_list("stage", flat=True))


def test_an_unassigned_tip_goes_to_the_sp_office_at_its_deadline_then_to_the_dig_office(case: Case) -> None:
    t0 = case.start()
    assert escalate_overdue(t0 + 119 * MIN) == []  # deadline 2 h: nothing before it
    assert Escalation.objects.count() == 0 and OutboxItem.objects.count() == 0

    [sp] = escalate_overdue(t0 + 2 * HOUR)
    assert (sp.stage, sp.awaiting, sp.sent, sp.district_id) == ("sp_office", "assignment", True, case.tip.district_id)
    [message] = sent_to(case.sp_duty.contact_ref, "escalation")
    assert sp.outbox_id == message.pk and case.tip.reference in message.payload["body"]
    assert sent_to(case.dig_duty.contact_ref) == []

    assert escalate_overdue(t0 + 4 * HOUR - MIN) == []  # the DIG office 2 h after the deadline
    [dig] = escalate_overdue(t0 + 4 * HOUR)
    assert (dig.stage, dig.sent) == ("dig_office", True)
    assert len(sent_to(case.dig_duty.contact_ref, "escalation")) == 1
    assert escalate_overdue(t0 + 30 * HOUR) == []  # the ladder is climbed: nothing more, ever
    assert stages(case) == ["sp_office", "dig_office"]
    assert len(sent_to(case.sp_duty.contact_ref)) == 1


def test_an_assigned_tip_without_report_reminds_the_officer_then_the_sp_then_the_dig_office(case: Case) -> None:
    transition(case.tip, "assign", actor=case.office, officer=case.officer)
    t0 = case.start()
    task = len(sent_to(case.officer.contact_ref))  # the task itself
    assert escalate_overdue(t0 + 48 * HOUR - MIN) == []

    [reminder] = escalate_overdue(t0 + 48 * HOUR)
    assert (reminder.stage, reminder.awaiting, reminder.officer_id) == ("reminder", "report", case.officer.pk)
    reminders = sent_to(case.officer.contact_ref)[task:]
    assert len(reminders) == 1 and reminders[0].purpose == f"task:{case.tip.reference}"
    assert case.tip.reference in reminders[0].payload["body"]
    assert reminders[0].payload["fallback_template"]["name"] == "satark_officer_reminder"

    assert escalate_overdue(t0 + 60 * HOUR - MIN) == []
    [sp] = escalate_overdue(t0 + 60 * HOUR)
    assert sp.stage == "sp_office" and "R. Yadav" in sent_to(case.sp_duty.contact_ref)[0].payload["body"]
    assert escalate_overdue(t0 + 72 * HOUR - MIN) == []
    [dig] = escalate_overdue(t0 + 72 * HOUR)
    assert dig.stage == "dig_office" and len(sent_to(case.dig_duty.contact_ref)) == 1
    assert escalate_overdue(t0 + 200 * HOUR) == []

    events = AuditEvent.objects.filter(object_id=case.tip.reference, action__startswith="tip.escalated.")
    assert list(events.order_by("id").values_list("action", "actor_label")) == [
        ("tip.escalated.reminder", "escalation"),
        ("tip.escalated.sp_office", "escalation"),
        ("tip.escalated.dig_office", "escalation"),
    ]
    assert events.get(action="tip.escalated.sp_office").details["late_minutes"] == 12 * 60
    assert verify_chain() == (True, None)


def test_running_twice_sends_nothing_twice_and_a_late_run_catches_up_once(case: Case) -> None:
    transition(case.tip, "assign", actor=case.office, officer=case.officer)
    t0 = case.start()
    before = OutboxItem.objects.count()
    # The consumers were down for five days: the first run takes every due step, once each.
    assert sorted(e.stage for e in escalate_overdue(t0 + 120 * HOUR)) == ["dig_office", "reminder", "sp_office"]
    assert escalate_overdue(t0 + 120 * HOUR) == []
    assert escalate_overdue(t0 + 121 * HOUR) == []
    assert OutboxItem.objects.count() == before + 3
    assert Escalation.objects.count() == 3


def test_a_tip_that_got_its_report_stops_escalating(case: Case) -> None:
    transition(case.tip, "assign", actor=case.office, officer=case.officer)
    t0 = case.start()
    assert [e.stage for e in escalate_overdue(t0 + 48 * HOUR)] == ["reminder"]
    transition(case.tip, "report", actor=f"officer:{case.officer.pk}")
    assert escalate_overdue(t0 + 100 * HOUR) == []
    transition(case.tip, "close", actor=case.office, reason="raid done", outcome="action_taken")
    assert escalate_overdue(t0 + 1000 * HOUR) == []
    assert stages(case) == ["reminder"]


def test_reassignment_and_send_back_start_a_new_cycle(case: Case) -> None:
    transition(case.tip, "assign", actor=case.office, officer=case.officer)
    first = case.start()
    assert [e.stage for e in escalate_overdue(first + 48 * HOUR)] == ["reminder"]

    transition(case.tip, "assign", actor=case.office, officer=case.other_officer)  # reassigned
    second = case.start()
    assert second > first
    assert escalate_overdue(second + 48 * HOUR - MIN) == []  # a fresh deadline for the new officer
    [reminder] = escalate_overdue(second + 48 * HOUR)
    assert reminder.officer_id == case.other_officer.pk and reminder.cycle_start == second
    assert len(sent_to(case.other_officer.contact_ref, f"task:{case.tip.reference}")) == 2  # the task, the reminder

    transition(case.tip, "report", actor=f"officer:{case.other_officer.pk}")
    transition(case.tip, "send_back", actor=case.office, reason="photos please")
    third = case.start()
    assert escalate_overdue(third + 48 * HOUR - MIN) == []
    assert [e.stage for e in escalate_overdue(third + 60 * HOUR)] == ["reminder", "sp_office"]
    assert stages(case) == ["reminder", "reminder", "reminder", "sp_office"]
    assert Escalation.objects.values("cycle_start").distinct().count() == 3


def test_a_declined_task_goes_back_to_the_assignment_ladder(case: Case) -> None:
    transition(case.tip, "assign", actor=case.office, officer=case.officer)
    transition(case.tip, "decline", actor=f"officer:{case.officer.pk}", reason="not my area")
    t0 = case.start()
    [sp] = escalate_overdue(t0 + 2 * HOUR)
    assert (sp.stage, sp.awaiting) == ("sp_office", "assignment")


def test_a_category_deadline_and_a_missing_duty_number(case: Case) -> None:
    Category.objects.filter(code="gambling").update(assign_within_minutes=30)
    case.sp_duty.delete()
    t0 = case.start()
    assert escalate_overdue(t0 + 29 * MIN) == []
    [sp] = escalate_overdue(t0 + 30 * MIN)
    # Still a step (shown on the dashboard, audited), but nothing could be sent.
    assert (sp.stage, sp.sent, sp.outbox_id) == ("sp_office", False, None)
    assert sp.note == "no duty number set for the SP office of Ghazipur"
    assert OutboxItem.objects.count() == 0
    [dig] = escalate_overdue(t0 + 150 * MIN)
    assert dig.sent  # the DIG office still hears of it


def test_escalate_only_the_named_tips(case: Case) -> None:
    from tests import factories as f

    other = f.tip("jaunpur", "drugs_liquor")
    t0 = case.start()
    assert {e.tip_id for e in escalate_overdue(t0 + 3 * HOUR, [other.reference])} == {other.pk}
    assert {e.tip_id for e in escalate_overdue(t0 + 3 * HOUR)} == {case.tip.pk}


def test_due_steps_and_a_misconfigured_ladder(case: Case, settings) -> None:  # type: ignore[no-untyped-def]
    t0 = case.start()
    assert due_steps(case.tip, t0) == []
    assert [d.stage for d in due_steps(case.tip, t0 + 5 * HOUR)] == ["sp_office", "dig_office"]
    settings.SATARK_ESCALATION_LADDER = {"assignment": (("reminder", 0),)}
    with pytest.raises(ImproperlyConfigured, match="needs an officer"):
        due_steps(case.tip, t0 + 5 * HOUR)
    settings.SATARK_ESCALATION_LADDER = {"assignment": (("sp", 0),)}
    with pytest.raises(ImproperlyConfigured, match="unknown stage"):
        due_steps(case.tip, t0 + 5 * HOUR)
