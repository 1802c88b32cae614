"""Graph API errors by class, pacing and limits — against the Graph API fake."""

from __future__ import annotations

import itertools
import time

import httpx
import pytest
from django.test import override_settings

from satark.messaging import outbound, pacing
from satark.messaging.models import OutboxItem
from satark.vault.api import id_digest, reference_for
from satark.whatsapp.client import ErrorClass, classify

from .conftest import PHONE, open_window

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "http_status", "expected"),
    [
        (130429, 400, ErrorClass.THROTTLE),
        (131056, 400, ErrorClass.THROTTLE),
        (4, 400, ErrorClass.THROTTLE),
        (0, 429, ErrorClass.THROTTLE),
        (131000, 500, ErrorClass.RETRYABLE),
        (0, 503, ErrorClass.RETRYABLE),
        (131047, 400, ErrorClass.REENGAGE),
        (131026, 400, ErrorClass.FATAL),
        (100, 400, ErrorClass.FATAL),
        (132001, 404, ErrorClass.FATAL),
    ],
)
def test_error_codes_are_classified(code: int, http_status: int, expected: ErrorClass) -> None:
    assert classify(code, http_status) is expected


@pytest.mark.parametrize(
    ("code", "state_after", "retried"),
    [(131056, "queued", True), (131000, "queued", True), (131026, "failed", False), (131009, "failed", False)],
)
def test_each_error_class_is_handled_by_the_sender(
    sim: httpx.Client, code: int, state_after: str, retried: bool
) -> None:
    ref = open_window(reference_for("whatsapp", PHONE))
    item = outbound.queue_message(ref, {"type": "text", "body": "x"})
    sim.post("/_sim/api/faults", json={"code": code, "http_status": 500 if code == 131000 else 400})
    if retried:
        with pytest.raises(outbound.RetryLater):
            outbound.send_pending(ref)
    else:
        assert outbound.send_pending(ref) == 0
    item.refresh_from_db()
    assert (item.state, item.error_code) == (state_after, code)


FALLBACK = {"name": "satark_reporter_update", "language": "hi", "body_params": ["VNS-ABCDE"]}


def test_outside_the_window_a_message_without_template_fails_without_calling_meta(sim: httpx.Client) -> None:
    ref = reference_for("whatsapp", PHONE)  # never wrote to us: no window
    item = outbound.queue_message(ref, {"type": "text", "body": "free-form"})
    assert outbound.send_pending(ref) == 0
    item.refresh_from_db()
    assert (item.state, item.error_code) == ("failed", 131047)
    out = [
        m for m in sim.get(f"/_sim/api/phones/{PHONE}/messages").json().get("messages", []) if m["direction"] == "out"
    ]
    assert out == []


def test_outside_the_window_the_declared_template_is_sent_instead() -> None:
    ref = reference_for("whatsapp", PHONE)
    item = outbound.queue_message(ref, {"type": "text", "body": "free-form", "fallback_template": FALLBACK})
    assert outbound._fits_window(item, ref)
    item.refresh_from_db()
    assert item.payload["type"] == "template" and item.payload["replaces"] == "text"
    assert item.payload["body_params"] == ["VNS-ABCDE"]


def test_a_late_131047_status_switches_the_message_to_its_template() -> None:
    from satark.messaging import inbound
    from satark.messaging.types import StatusUpdate

    ref = open_window(reference_for("whatsapp", PHONE))
    item = outbound.queue_message(ref, {"type": "text", "body": "x", "fallback_template": FALLBACK})
    OutboxItem.objects.filter(pk=item.pk).update(state="sent", external_id=id_digest("whatsapp", "wamid.LATE"))
    inbound.ingest(
        [
            StatusUpdate(
                channel="whatsapp", external_id="wamid.LATE", status="failed", timestamp=5, error_codes=(131047,)
            )
        ]
    )
    inbound.process_statuses()
    item.refresh_from_db()
    assert (item.state, item.payload["type"], item.external_id) == ("queued", "template", None)


@override_settings(SATARK_PAIR_BURST=3, SATARK_PAIR_INTERVAL_SECONDS=6)
def test_pair_pacing_allows_a_burst_then_waits(sim: httpx.Client) -> None:
    ref = open_window(reference_for("whatsapp", PHONE))
    for n in range(5):
        outbound.queue_message(ref, {"type": "text", "body": f"m{n}"})
    with pytest.raises(outbound.RetryLater) as retry:
        outbound.send_pending(ref)
    assert 5.0 <= retry.value.delay <= 6.0
    assert OutboxItem.objects.filter(state="sent").count() == 3
    assert OutboxItem.objects.filter(state="queued").count() == 2


def test_the_local_limiter_spreads_a_burst_at_the_configured_rate() -> None:
    limiter = pacing.LocalLimiter(rate=80)
    waits = [limiter.reserve() for _ in range(160)]
    assert waits[:80] == [0.0] * 80  # one second's budget goes at once
    assert all(later >= earlier for earlier, later in itertools.pairwise(waits))
    assert 0.9 <= waits[-1] <= 1.05  # the 160th message in the same instant goes about 1 s later


def test_the_shared_redis_limiter_counts_across_clients() -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=13).flushdb()
    first = pacing.RedisLimiter(rate=5, url="redis://127.0.0.1:6379/13")
    second = pacing.RedisLimiter(rate=5, url="redis://127.0.0.1:6379/13")
    # Align to the start of a second so all ten reservations fall in the same one.
    time.sleep(1.0 - (time.time() % 1.0) + 0.01)
    waits = [first.reserve() if n % 2 else second.reserve() for n in range(10)]
    assert waits[:5] == [0.0] * 5
    assert all(w > 0 for w in waits[5:])
