"""The outbox state machine against the Graph API fake: retries, permanent failures, crash recovery,
statuses out of order and before the send's own response."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.test import override_settings
from django.utils import timezone

from satark.messaging import inbound, outbound
from satark.messaging.models import InboxItem, OutboxItem
from satark.messaging.types import InboundMessage, StatusUpdate
from satark.vault.api import id_digest, reference_for

from .conftest import PHONE, open_window

pytestmark = pytest.mark.django_db


def status(external_id: str, state: str, ts: int, callback: str = "", codes: tuple[int, ...] = ()) -> None:
    inbound.ingest(
        [
            StatusUpdate(
                channel="whatsapp",
                external_id=external_id,
                status=state,
                timestamp=ts,
                callback_data=callback,
                error_codes=codes,
            )
        ]
    )
    inbound.process_statuses()


def test_a_throttled_send_waits_and_is_then_sent_once(sim: httpx.Client) -> None:
    ref = open_window(reference_for("whatsapp", PHONE))
    item = outbound.queue_message(ref, {"type": "text", "body": "one"})
    outbound.queue_message(ref, {"type": "text", "body": "two"})
    sim.post("/_sim/api/faults", json={"code": 130429, "retry_after": 2})
    with pytest.raises(outbound.RetryLater) as retry:
        outbound.send_pending(ref)
    assert retry.value.delay >= 30
    item.refresh_from_db()
    assert (item.state, item.error_code, item.attempts) == ("queued", 130429, 1)
    assert item.not_before and item.not_before > timezone.now()
    # Order is kept: the second message is not sent ahead of the first.
    assert OutboxItem.objects.filter(state="queued").count() == 2
    OutboxItem.objects.filter(pk=item.pk).update(not_before=None)
    assert outbound.send_pending(ref) == 2
    assert [
        m["payload"]["text"]["body"]
        for m in sim.get(f"/_sim/api/phones/{PHONE}/messages").json()["messages"]
        if m["direction"] == "out"
    ] == ["one", "two"]


def test_a_message_that_breaks_the_renderer_fails_alone(sim: httpx.Client) -> None:
    ref = open_window(reference_for("whatsapp", PHONE))
    outbound.queue_message(ref, {"type": "buttons", "options": [{"id": "a", "title": "A"}]})  # no body
    outbound.queue_message(ref, {"type": "image", "upload": {"path": __file__}})  # no mime type: a bug
    outbound.queue_message(ref, {"type": "text", "body": "after"})
    assert outbound.send_pending(ref) == 1
    invalid, broken, ok = OutboxItem.objects.order_by("id")
    assert (invalid.state, invalid.error_code) == ("failed", 100)
    assert broken.state == "failed" and "KeyError" in broken.last_error
    assert ok.state == "sent"


def test_a_crash_after_the_channel_accepted_is_recovered_from_the_status_not_resent() -> None:
    ref = open_window(reference_for("whatsapp", PHONE))
    item = outbound.queue_message(ref, {"type": "text", "body": "x"})
    OutboxItem.objects.filter(pk=item.pk).update(state="sending", sent_at=timezone.now(), attempts=1)
    status("wamid.CRASHED", "delivered", 100, callback=f"out:{item.pk}")
    item.refresh_from_db()
    assert (item.external_id, item.state) == (id_digest("whatsapp", "wamid.CRASHED"), "delivered")
    assert outbound.requeue_stuck(timedelta(0)) == 0  # it has an id now: never sent again


def test_a_row_stuck_in_sending_with_no_status_is_queued_again() -> None:
    ref = open_window(reference_for("whatsapp", PHONE))
    item = outbound.queue_message(ref, {"type": "text", "body": "x"})
    OutboxItem.objects.filter(pk=item.pk).update(state="sending", sent_at=timezone.now() - timedelta(minutes=11))
    assert outbound.requeue_stuck() == 1
    item.refresh_from_db()
    assert item.state == "queued"


def test_statuses_out_of_order_never_move_a_message_backwards() -> None:
    ref = open_window(reference_for("whatsapp", PHONE))
    item = outbound.queue_message(ref, {"type": "text", "body": "x"})
    OutboxItem.objects.filter(pk=item.pk).update(state="sent", external_id=id_digest("whatsapp", "wamid.ORDER"))
    status("wamid.ORDER", "read", 30)
    status("wamid.ORDER", "delivered", 20)
    status("wamid.ORDER", "sent", 10)
    status("wamid.ORDER", "failed", 40, codes=(131026,))
    item.refresh_from_db()
    assert (item.state, item.read_at is not None, item.delivered_at is not None) == ("read", True, True)


def test_a_status_before_its_send_is_kept_until_the_send_is_recorded() -> None:
    ref = open_window(reference_for("whatsapp", PHONE))
    item = outbound.queue_message(ref, {"type": "text", "body": "x"})
    status("wamid.EARLY", "delivered", 10)  # no callback data, no row with this id yet
    assert InboxItem.objects.get(kind="status").state == "pending"
    OutboxItem.objects.filter(pk=item.pk).update(state="sending")
    item.refresh_from_db()
    outbound.record_sent(item, "wamid.EARLY")
    item.refresh_from_db()
    assert item.state == "delivered"
    assert InboxItem.objects.get(kind="status").state == "done"


def failing_handler(sender_ref: str, message: InboundMessage) -> None:
    raise RuntimeError(f"handler bug while reading {message.text}")


@override_settings(SATARK_INBOUND_HANDLER="tests.integration.test_delivery_states.failing_handler")
def test_a_message_the_handler_cannot_take_is_retried_then_parked_not_lost() -> None:
    inbound.ingest(
        [
            InboundMessage(
                channel="whatsapp",
                external_id="wamid.BAD",
                timestamp=1,
                kind="text",
                text="call 98765 43210",
                sender_phone=PHONE,
            )
        ]
    )
    ref = InboxItem.objects.get().sender_ref
    for _attempt in range(inbound.MAX_ATTEMPTS - 1):
        with pytest.raises(RuntimeError):
            inbound.process_sender(ref)
    assert inbound.process_sender(ref) == 1
    row = InboxItem.objects.get()
    assert (row.state, row.attempts) == ("failed", inbound.MAX_ATTEMPTS)
    assert "98765 43210" not in row.error and "[redacted-number]" in row.error


def test_a_message_to_a_forgotten_reporter_fails_once_clearly(sim: httpx.Client) -> None:
    from satark.vault.api import forget

    ref = reference_for("whatsapp", "919811122233")
    forget(ref)  # retention deleted the mapping after the tip closed
    item = outbound.queue_message(ref, {"type": "text", "body": "Satark Mitra: VNS-7K3M9"})
    assert outbound.send_pending(ref) == 0
    item.refresh_from_db()
    assert item.state == "failed" and "address is gone" in item.last_error
    assert outbound.send_pending(ref) == 0  # nothing left queued: no retry loop
