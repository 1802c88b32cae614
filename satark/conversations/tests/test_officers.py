"""The officer's side on WhatsApp, with the real Graph API fake: task out, accept, report in, close."""

from __future__ import annotations

import time
from itertools import count
from typing import Any

import httpx
import pytest

from satark.audit.models import AuditEvent
from satark.conversations.handler import handle_inbound
from satark.media.models import MediaAsset
from satark.messaging.models import OutboxItem
from satark.messaging.outbound import send_pending
from satark.messaging.pacing import touch_inbound
from satark.messaging.types import InboundMessage, MediaRef
from satark.people.models import Officer
from satark.tips.lifecycle import transition
from satark.tips.models import ActionReport, Tip
from satark.vault.api import reference_for
from tests import factories as f

pytestmark = pytest.mark.django_db
OFFICER_PHONE = "919415012345"
_ids = count(1)


def msg(kind: str = "text", **fields: Any) -> InboundMessage:
    return InboundMessage(
        channel="whatsapp", external_id=f"wamid.OFF{next(_ids)}", timestamp=int(time.time()), kind=kind, **fields
    )


@pytest.fixture
def case() -> tuple[Any, Officer, Tip]:
    f.load_reference()
    office = f.sp_office("ghazipur")
    ref = reference_for("whatsapp", OFFICER_PHONE)
    touch_inbound(ref)
    officer = Officer.objects.create(
        name="R. Yadav", rank="si", district_id=office.staff.district_id, contact_ref=ref, language="hi"
    )
    tip = f.tip("ghazipur", "drugs_liquor", description="कच्ची शराब की भट्ठी नहर के पास")
    return office, officer, tip


def outbox(officer: Officer) -> list[dict[str, Any]]:
    return [o.payload for o in OutboxItem.objects.filter(recipient_ref=officer.contact_ref).order_by("id")]


def test_the_whole_loop_from_assignment_to_the_reporters_notice(
    case: tuple[Any, Officer, Tip], sim: httpx.Client
) -> None:
    office, officer, tip = case
    transition(tip, "assign", actor=office, officer=officer)
    task = outbox(officer)[-1]
    assert task["type"] == "buttons" and tip.reference in task["body"] and "कच्ची शराब" in task["body"]
    assert [o["id"] for o in task["options"]] == [f"task:accept:{tip.reference}", f"task:decline:{tip.reference}"]
    assert task["fallback_template"]["name"] == "satark_officer_task"
    assert send_pending(officer.contact_ref) == 1  # really goes out through the Graph API fake

    ref = officer.contact_ref
    handle_inbound(ref, msg("choice", choice_id=f"task:accept:{tip.reference}"))
    tip.refresh_from_db()
    assert tip.status == "accepted"
    handle_inbound(ref, msg(text="भट्ठी तोड़ी गई, 40 लीटर शराब ज़ब्त"))
    handle_inbound(ref, msg("media", media=MediaRef(id="m-off-1", kind="image", mime_type="image/jpeg")))
    handle_inbound(ref, msg("media", media=MediaRef(id="m-off-2", kind="image", mime_type="image/jpeg")))
    acks = [p for p in outbox(officer) if p.get("options") == [{"id": "report:submit", "title": "रिपोर्ट भेजें"}]]
    assert len(acks) == 1  # one acknowledgement for the burst
    handle_inbound(ref, msg("choice", choice_id="report:submit"))
    tip.refresh_from_db()
    report = ActionReport.objects.get()
    assert tip.status == "action_reported" and report.submitted_at and "40 लीटर" in report.text
    assert MediaAsset.objects.filter(report=report).count() == 2

    transition(tip, "send_back", actor=office, reason="ज़ब्ती की फोटो भेजें")
    assert "ज़ब्ती की फोटो भेजें" in outbox(officer)[-1]["body"]
    handle_inbound(ref, msg(text="फोटो संलग्न"))
    handle_inbound(ref, msg("choice", choice_id="report:submit"))
    transition(tip, "close", actor=office, reason="FIR 214/2026", outcome="action_taken")
    notice = OutboxItem.objects.get(recipient_ref=tip.reporter_ref, purpose="notice")
    assert tip.reference in notice.payload["body"] and "शराब" not in notice.payload["body"]
    actions = list(AuditEvent.objects.filter(object_id=tip.reference).values_list("action", "actor_label"))
    assert ("tip.accept", f"officer:{officer.pk}") in actions and ("tip.report", f"officer:{officer.pk}") in actions


def test_not_my_area_returns_the_task_to_the_office(case: tuple[Any, Officer, Tip]) -> None:
    office, officer, tip = case
    transition(tip, "assign", actor=office, officer=officer)
    handle_inbound(officer.contact_ref, msg("choice", choice_id=f"task:decline:{tip.reference}"))
    tip.refresh_from_db()
    assert (tip.status, tip.officer) == ("new", None)


def test_replying_to_the_task_message_picks_that_task(case: tuple[Any, Officer, Tip], sim: httpx.Client) -> None:
    office, officer, tip = case
    other = f.tip("ghazipur", "gambling", description="जुआ")
    transition(tip, "assign", actor=office, officer=officer)
    transition(other, "assign", actor=office, officer=officer)
    send_pending(officer.contact_ref)
    task_row = OutboxItem.objects.filter(purpose=f"task:{tip.reference}").get()
    handle_inbound(officer.contact_ref, msg(text="मौके पर गए, भट्ठी बंद मिली", context_id=task_row.external_id or ""))
    assert ActionReport.objects.get().tip == tip
    handle_inbound(officer.contact_ref, msg(text="kaam"))
    listing = outbox(officer)[-1]
    assert listing["type"] == "list" and {o["title"] for o in listing["options"]} == {tip.reference, other.reference}


def test_a_stranger_writing_task_words_gets_the_citizen_flow(case: tuple[Any, Officer, Tip]) -> None:
    stranger = reference_for("whatsapp", "919000000555")
    handle_inbound(stranger, msg(text="kaam"))
    first = OutboxItem.objects.filter(recipient_ref=stranger).get().payload
    assert [o["id"] for o in first["options"]] == ["lang:hi", "lang:en"]


def test_explicit_media_is_withheld_from_the_task_and_said_so(case: tuple[Any, Officer, Tip]) -> None:
    office, officer, tip = case
    for n, restricted in enumerate((False, True, True)):
        MediaAsset.objects.create(
            channel="whatsapp",
            external_id=f"m{n}",
            kind="image",
            tip=tip,
            state="ready",
            derivative_path=f"derivatives/m{n}.jpg",
            restricted=restricted,
        )
    transition(tip, "assign", actor=office, officer=officer)
    sent = outbox(officer)
    images = [p for p in sent if p["type"] == "image"]
    assert len(images) == 1 and images[0]["upload"]["path"].endswith("m0.jpg")
    assert "2 फोटो/वीडियो आपत्तिजनक" in sent[0]["body"]
