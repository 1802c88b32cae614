"""Only an approved template is sent when the 24-hour window is closed. A template in review holds the
message until the channel reports the approval (Meta's `message_template_status_update` webhook, as the
simulator signs it, through the product's webhook endpoint); a rejected one fails it with the reason."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from satark.messaging import inbound, outbound
from satark.messaging.models import InboxItem, OutboxItem, TemplateState
from satark.messaging.templates import get
from satark.messaging.types import TemplateStatusUpdate
from satark.vault.api import reference_for

from .conftest import PHONE, WiredSim

pytestmark = pytest.mark.django_db

FALLBACK = get("satark_action_taken").payload("hi", ["VNS-7K3M9"])
IN_REVIEW = {"template_approval_delay": 3600.0}  # an account whose review takes an hour


def closed_window_message(**extra: Any) -> tuple[str, OutboxItem]:
    ref = reference_for("whatsapp", PHONE)  # no message from this person in the last 24 hours
    return ref, outbound.queue_message(
        ref, {"type": "text", "body": "free-form", "fallback_template": FALLBACK}, **extra
    )


def sent_to_phone(wired: WiredSim) -> list[dict[str, Any]]:
    messages = wired.client.get(f"/_sim/api/phones/{PHONE}/messages").json().get("messages", [])
    return [m["payload"] for m in messages if m["direction"] == "out"]


def set_status(wired: WiredSim, status: str, reason: str | None = None) -> None:
    body = {"status": status, "language": "hi", **({"reason": reason} if reason else {})}
    response = wired.client.post("/_sim/api/templates/satark_action_taken/status", json=body)
    assert response.status_code == 200, response.text


def status_webhooks(wired: WiredSim, status: str, timeout: float = 5.0) -> list[tuple[bytes, str]]:
    """The template-status webhooks reporting `status` (creation may have sent an APPROVED one before)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [w for w in wired.bodies("message_template_status_update") if f'"{status}"'.encode() in w[0]]
        if found or time.monotonic() > deadline:
            assert found, f"no {status} template-status webhook in {timeout}s"
            return found
        time.sleep(0.02)


def deliver(client: Client, webhooks: list[tuple[bytes, str]]) -> None:
    """What the simulator sent, byte for byte, to the product's webhook endpoint."""
    for body, signature in webhooks:
        response = client.post(
            "/webhooks/whatsapp/", body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
        )
        assert response.status_code == 200, response.content


def test_sync_templates_records_templates_still_in_review(wired_sim: Callable[..., WiredSim]) -> None:
    wired_sim(**IN_REVIEW)
    out = io.StringIO()
    call_command("sync_templates", stdout=out)
    assert set(TemplateState.objects.values_list("status", flat=True)) == {"PENDING"}
    assert "satark_action_taken          hi   PENDING" in out.getvalue()


def test_a_template_in_review_holds_the_message_until_the_approval_webhook(
    wired_sim: Callable[..., WiredSim], django_capture_on_commit_callbacks: Any
) -> None:
    wired = wired_sim(**IN_REVIEW)
    call_command("sync_templates", stdout=io.StringIO())
    ref, item = closed_window_message()
    with pytest.raises(outbound.RetryLater) as retry:
        outbound.send_pending(ref)
    assert retry.value.delay == outbound.TEMPLATE_RECHECK.total_seconds()
    item.refresh_from_db()
    assert (item.state, item.payload["type"], item.held_for_template) == ("queued", "text", "satark_action_taken/hi")
    assert item.last_error == (
        "the 24-hour window is closed and template satark_action_taken/hi is PENDING: waiting for its approval"
    )
    assert sent_to_phone(wired) == []

    set_status(wired, "APPROVED")
    webhooks = status_webhooks(wired, "APPROVED")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, webhooks + webhooks)  # Meta delivers at least once: a duplicate changes nothing
    assert TemplateState.objects.get(name="satark_action_taken", language="hi").status == "APPROVED"
    assert InboxItem.objects.filter(kind="template").count() == 1
    item.refresh_from_db()
    assert (item.state, item.payload["type"], item.held_for_template) == ("sent", "template", "")
    [template] = [p["template"] for p in sent_to_phone(wired)]
    assert (template["name"], template["language"]["code"]) == ("satark_action_taken", "hi")

    # A late, older report (webhooks arrive out of order) does not undo the approval.
    older = TemplateState.objects.get(name="satark_action_taken", language="hi").status_at - 60
    inbound.ingest([TemplateStatusUpdate("whatsapp", "satark_action_taken", "hi", "PENDING", older)])
    assert TemplateState.objects.get(name="satark_action_taken", language="hi").status == "APPROVED"


def test_a_rejected_template_fails_the_waiting_message_with_the_reason(
    wired_sim: Callable[..., WiredSim], django_capture_on_commit_callbacks: Any
) -> None:
    wired = wired_sim(**IN_REVIEW)
    call_command("sync_templates", stdout=io.StringIO())
    ref, held = closed_window_message()
    with pytest.raises(outbound.RetryLater):
        outbound.send_pending(ref)

    set_status(wired, "REJECTED", "INVALID_FORMAT")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(Client(), status_webhooks(wired, "REJECTED"))
    held.refresh_from_db()
    assert (held.state, held.error_code, held.held_for_template) == ("failed", 132001, "")
    assert held.last_error.startswith(
        "the 24-hour window is closed and template satark_action_taken/hi is REJECTED (INVALID_FORMAT): "
        "fix the template"
    )
    _ref, later = closed_window_message()  # a new message to the closed window now fails at once
    assert outbound.send_pending(ref) == 0
    later.refresh_from_db()
    assert (later.state, later.error_code) == ("failed", 132001)
    assert sent_to_phone(wired) == []


def test_a_paused_template_holds_and_a_disabled_one_fails_with_metas_code(
    wired_sim: Callable[..., WiredSim], django_capture_on_commit_callbacks: Any
) -> None:
    wired = wired_sim()
    call_command("sync_templates", stdout=io.StringIO())
    set_status(wired, "PAUSED")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(Client(), status_webhooks(wired, "PAUSED"))
    ref, item = closed_window_message(purpose="notice")  # a notice waits without holding anything back
    assert outbound.send_pending(ref) == 0
    item.refresh_from_db()
    assert (item.state, item.held_for_template) == ("queued", "satark_action_taken/hi")
    assert "is PAUSED (FIRST_PAUSE)" in item.last_error

    set_status(wired, "DISABLED")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(Client(), status_webhooks(wired, "DISABLED"))
    item.refresh_from_db()
    assert (item.state, item.error_code) == ("failed", 132016)
    assert "is DISABLED (DISABLED)" in item.last_error


def test_a_message_stops_waiting_after_the_longest_review(wired_sim: Callable[..., WiredSim]) -> None:
    wired_sim(**IN_REVIEW)
    call_command("sync_templates", stdout=io.StringIO())
    ref, item = closed_window_message()
    OutboxItem.objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(hours=49))
    assert outbound.send_pending(ref) == 0
    item.refresh_from_db()
    assert (item.state, item.error_code) == ("failed", 132001)
    assert item.last_error.endswith("is PENDING, still after 48 hours of waiting")


def test_with_no_recorded_state_the_channel_decides(sim: Any) -> None:
    """sync_templates never ran: nothing is known, so the template goes and Meta refuses what it lacks."""
    ref, item = closed_window_message()
    assert outbound.send_pending(ref) == 0
    item.refresh_from_db()
    assert (item.state, item.payload["type"], item.error_code) == ("failed", "template", 132001)
    assert "code 132001" in item.last_error and "does not exist" in item.last_error
