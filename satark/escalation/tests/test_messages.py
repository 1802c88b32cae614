"""Escalation messages through the Graph API fake: the right phones, templates outside the window, the
recipient's language, and nothing about the reporter."""

from __future__ import annotations

import io
import json
import re
import time
from typing import Any

import httpx
import pytest
from django.core.management import call_command

from satark.audit.models import AuditEvent
from satark.conversations.handler import handle_inbound
from satark.core import testing as t
from satark.escalation.messages import late_text
from satark.escalation.models import Escalation
from satark.escalation.service import escalate_overdue
from satark.messaging.models import OutboxItem
from satark.messaging.outbound import send_pending
from satark.messaging.pacing import touch_inbound
from satark.messaging.templates import TEMPLATES, get
from satark.messaging.types import InboundMessage
from satark.tips.lifecycle import transition
from satark.tips.models import ActionReport
from satark.vault.api import id_digest, reference_for

from .conftest import DIG_DUTY_PHONE, HOUR, MIN, OFFICER_PHONE, SP_DUTY_PHONE, Case

pytestmark = pytest.mark.django_db


def received(sim: httpx.Client, phone: str) -> list[dict[str, Any]]:
    """What the phone received from the business, as the simulator saw it (Graph JSON)."""
    messages = sim.get(f"/_sim/api/phones/{phone}/messages").json()["messages"]
    return [m["payload"] for m in messages if m["direction"] == "out"]


def template_params(payload: dict[str, Any]) -> list[str]:
    return [p["text"] for p in payload["template"]["components"][0]["parameters"]]


def flush(*refs: str) -> None:
    for ref in refs:
        send_pending(ref)


def test_closed_windows_get_the_approved_templates_on_the_right_phones(case: Case, sim: httpx.Client) -> None:
    call_command("sync_templates", stdout=io.StringIO())
    transition(case.tip, "assign", actor=case.office, officer=case.officer)
    t0 = case.start()
    escalate_overdue(t0 + 72 * HOUR + 5 * MIN)  # nobody wrote to us in 24 h: every window is closed
    flush(case.officer.contact_ref, case.sp_duty.contact_ref, case.dig_duty.contact_ref)

    reminder = received(sim, OFFICER_PHONE)[-1]  # after the task itself
    assert (reminder["type"], reminder["template"]["name"]) == ("template", "satark_officer_reminder")
    assert reminder["template"]["language"]["code"] == "hi"  # the officer's language
    # One catch-up run at 72 h 5 min: every step's message says how late the tip is now (24 h 5 min).
    assert template_params(reminder) == [case.tip.reference, "जुआ / सट्टा", "1 दिन"]

    [sp] = received(sim, SP_DUTY_PHONE)
    assert (sp["template"]["name"], sp["template"]["language"]["code"]) == ("satark_escalation", "hi")
    assert template_params(sp) == [case.tip.reference, "जुआ / सट्टा", "1 दिन"]
    [dig] = received(sim, DIG_DUTY_PHONE)
    assert (dig["template"]["name"], dig["template"]["language"]["code"]) == ("satark_escalation", "en")
    assert template_params(dig) == [case.tip.reference, "Gambling/betting", "1 d"]
    states = set(OutboxItem.objects.filter(purpose="escalation").values_list("state", flat=True))
    assert states <= {"sent", "delivered", "read"}
    assert set(Escalation.objects.values_list("sent", flat=True)) == {True}


def test_an_open_window_gets_the_full_text_in_the_offices_language(case: Case, sim: httpx.Client) -> None:
    touch_inbound(case.sp_duty.contact_ref)  # the SP office's duty phone wrote to us today
    touch_inbound(case.dig_duty.contact_ref)
    t0 = case.start()
    escalate_overdue(t0 + 4 * HOUR + 10 * MIN)
    flush(case.sp_duty.contact_ref, case.dig_duty.contact_ref)
    [sp] = received(sim, SP_DUTY_PHONE)
    assert sp["type"] == "text"
    body = sp["text"]["body"]
    assert case.tip.reference in body and "पुलिस अधीक्षक कार्यालय, गाजीपुर" in body and "जुआ / सट्टा" in body
    assert "किसी अधिकारी को नहीं सौंपी गई" in body and "2 घंटे 10 मिनट" in body  # due at 2 h, sent at 4 h 10
    [dig] = received(sim, DIG_DUTY_PHONE)
    body = dig["text"]["body"]
    assert "DIG Office, Varanasi Range" in body and "Ghazipur" in body and "has not been assigned" in body
    assert "10 min" in body and case.tip.reference in body


def test_replying_to_the_reminder_picks_that_task(case: Case, sim: httpx.Client) -> None:
    from tests import factories as f

    other = f.tip("ghazipur", "drugs_liquor", description="शराब")
    transition(case.tip, "assign", actor=case.office, officer=case.officer)
    t0 = case.start()
    transition(other, "assign", actor=case.office, officer=case.officer)  # two open tasks
    touch_inbound(case.officer.contact_ref)
    escalate_overdue(t0 + 48 * HOUR, [case.tip.reference])
    flush(case.officer.contact_ref)
    outbox_id = Escalation.objects.get(stage="reminder").outbox_id
    assert outbox_id is not None
    reminder = OutboxItem.objects.get(pk=outbox_id)
    assert reminder.state == "sent" and reminder.external_id
    message = InboundMessage(
        channel="whatsapp",
        external_id="wamid.ESC1",
        timestamp=int(time.time()),
        kind="text",
        text="मौके पर गए, कोई नहीं मिला",
        context_id=reminder.external_id,
    )
    handle_inbound(case.officer.contact_ref, message)
    assert ActionReport.objects.get().tip == case.tip


def test_escalation_messages_say_nothing_about_the_reporter(case: Case, sim: httpx.Client) -> None:
    """The privacy sentinel files the tip, with its number and name in the free text: none of it, nor the
    description, place or answers, reaches an officer or an office through escalation."""
    call_command("sync_templates", stdout=io.StringIO())
    tip = case.tip
    tip.reporter_ref = reference_for("whatsapp", t.SENTINEL_PHONE)
    tip.description = f"{t.SENTINEL_NAME} ({t.SENTINEL_SPELLINGS[4]}) saw gambling behind the Karanda school"
    tip.place_text = "Karanda school backyard"
    tip.answers = {**tip.answers, "place": "Karanda school backyard", "description": tip.description}
    tip.save()
    touch_inbound(case.sp_duty.contact_ref)  # one office gets the full text, the other the template
    transition(tip, "assign", actor=case.office, officer=case.officer)
    t0 = case.start()
    escalate_overdue(t0 + 80 * HOUR)
    flush(case.officer.contact_ref, case.sp_duty.contact_ref, case.dig_duty.contact_ref)

    escalation_rows = OutboxItem.objects.filter(pk__in=Escalation.objects.values_list("outbox_id", flat=True))
    assert escalation_rows.count() == 3
    stored = json.dumps([o.payload for o in escalation_rows], ensure_ascii=False)
    digests = set(escalation_rows.values_list("external_id", flat=True))
    delivered = [
        m["payload"]
        for phone in (OFFICER_PHONE, SP_DUTY_PHONE, DIG_DUTY_PHONE)
        for m in sim.get(f"/_sim/api/phones/{phone}/messages").json()["messages"]
        if id_digest("whatsapp", m["wamid"]) in digests  # the escalation messages, not the task itself
    ]
    assert len(delivered) == 3
    phones = json.dumps(delivered, ensure_ascii=False)
    audit = json.dumps(
        list(AuditEvent.objects.filter(action__startswith="tip.escalated.").values_list("details", flat=True))
    )
    forbidden = [*t.SENTINEL_SPELLINGS, t.SENTINEL_NAME, tip.reporter_ref, "Karanda school", "gambling behind", "rp_"]
    for word in forbidden:
        for where, text in (("outbox", stored), ("phones", phones), ("audit", audit)):
            assert word not in text, f"{word!r} in the {where}"
    assert tip.reference in stored and tip.reference in phones  # the scan sees what it searches


def test_the_escalation_templates_are_declared_with_only_reference_category_and_lateness() -> None:
    for name, audience in (("satark_escalation", "office"), ("satark_officer_reminder", "officer")):
        spec = get(name)
        assert (spec.category, spec.audience, set(spec.bodies)) == ("UTILITY", audience, {"hi", "en"})
        assert spec.examples == ("VNS-7K3M9", "Gambling/betting", "2 h 10 min")
        for body in spec.bodies.values():
            assert re.findall(r"{{(\w+)}}", body) == ["1", "2", "3"]
            assert not body.startswith("{{") and not body.rstrip(".।").endswith("}}")  # Meta refuses those
    assert len({spec.name for spec in TEMPLATES}) == len(TEMPLATES)


@pytest.mark.parametrize(
    ("minutes", "hi", "en"),
    [
        (0, "1 मिनट", "1 min"),
        (59, "59 मिनट", "59 min"),
        (60, "1 घंटे", "1 h"),
        (130, "2 घंटे 10 मिनट", "2 h 10 min"),
        (24 * 60, "1 दिन", "1 d"),
        (27 * 60 + 5, "1 दिन 3 घंटे", "1 d 3 h"),
    ],
)
def test_lateness_in_words(minutes: int, hi: str, en: str) -> None:
    from datetime import timedelta

    assert (late_text(timedelta(minutes=minutes), "hi"), late_text(timedelta(minutes=minutes), "en")) == (hi, en)
