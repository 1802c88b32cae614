"""Graph API errors by class, pacing and limits — against the Graph API fake."""

from __future__ import annotations

import io
import itertools
import time
import uuid

import httpx
import pytest
from django.test import override_settings
from django.utils import timezone

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
    # Half a second's budget goes at once (Meta allows about a second's: the rest is margin) ...
    assert waits[:40] == [0.0] * 40 and waits[40] > 0
    assert all(later >= earlier for earlier, later in itertools.pairwise(waits))
    assert 1.45 <= waits[-1] <= 1.55  # ... then 80 per second: the 160th in the same instant goes 1.5 s later


REDIS_URL = "redis://127.0.0.1:6379/13"  # the shared Redis: this test touches only its own keys


def test_the_shared_redis_limiter_is_one_bucket_across_clients() -> None:
    import redis

    prefix = f"satark-test:{uuid.uuid4().hex}:mps:"
    other = pacing.RedisLimiter(rate=80, url=REDIS_URL, prefix=f"satark-test:{uuid.uuid4().hex}:mps:")
    first = pacing.RedisLimiter(rate=80, url=REDIS_URL, prefix=prefix)
    second = pacing.RedisLimiter(rate=80, url=REDIS_URL, prefix=prefix)
    client = redis.Redis.from_url(REDIS_URL)
    try:
        started = time.time()
        planned = [time.time() + (first.reserve() if n % 2 else second.reserve()) for n in range(240)]
        others = [other.reserve() for _ in range(40)]  # another budget (prefix) is not touched by ours
        # Two clients, one budget: half a second's worth at once, then 80 per second, as the local bucket.
        waits = [t - started for t in planned]
        assert all(w < 0.05 for w in waits[:40]) and max(waits[60:]) > 0.1
        assert 2.4 <= max(waits) <= 2.7  # 240 sends: 40 at once, 200 more at 80/s
        # Whatever window of one second is taken (not only calendar seconds), at most the burst plus a
        # second's rate fall in it: the per-second counter this replaces allowed twice the rate across a
        # second's boundary.
        planned.sort()
        for i, t in enumerate(planned):
            in_window = sum(1 for u in planned[i:] if u < t + 1.0)
            assert in_window <= 40 + 80 + 1, (i, in_window)
        assert others == [0.0] * 40
        assert [k.decode() for k in client.scan_iter(match=f"{prefix}*")] == [f"{prefix}bucket"]
    finally:
        for limiter in (first, other):
            doomed = list(client.scan_iter(match=f"{limiter.prefix}*"))
            if doomed:
                client.delete(*doomed)
    assert list(client.scan_iter(match=f"{prefix}*")) == []


def test_a_send_refused_at_once_with_131047_is_sent_as_its_template(sim: httpx.Client) -> None:
    """Meta documents 131047 as a failed status (the simulator sends one when the window is closed);
    errors may also come in the send's own answer (reference doc 2.12), so that branch is driven by an
    injected synchronous fault while our own count still says the window is open."""
    from django.core.management import call_command

    call_command("sync_templates", stdout=io.StringIO())
    ref = open_window(reference_for("whatsapp", PHONE))
    item = outbound.queue_message(ref, {"type": "text", "body": "free-form", "fallback_template": FALLBACK})
    sim.post("/_sim/api/faults", json={"code": 131047})
    with pytest.raises(outbound.RetryLater) as retry:
        outbound.send_pending(ref)
    assert retry.value.delay == 0
    item.refresh_from_db()
    assert (item.state, item.payload["type"], item.payload["replaces"], item.error_code) == (
        "queued",
        "template",
        "text",
        131047,
    )
    assert outbound.send_pending(ref) == 1
    item.refresh_from_db()
    assert item.state == "sent"
    out = [m["payload"] for m in sim.get(f"/_sim/api/phones/{PHONE}/messages").json()["messages"]]
    assert [(m["type"], m["template"]["name"]) for m in out] == [("template", "satark_reporter_update")]


def test_a_send_refused_with_131047_waits_when_its_template_is_in_review(sim: httpx.Client) -> None:
    from satark.messaging.models import TemplateState

    TemplateState.record("satark_reporter_update", "hi", "PENDING")
    ref = open_window(reference_for("whatsapp", PHONE))
    item = outbound.queue_message(ref, {"type": "text", "body": "free-form", "fallback_template": FALLBACK})
    sim.post("/_sim/api/faults", json={"code": 131047})
    with pytest.raises(outbound.RetryLater) as retry:
        outbound.send_pending(ref)
    assert retry.value.delay == outbound.TEMPLATE_RECHECK.total_seconds()
    item.refresh_from_db()
    assert (item.state, item.payload["type"], item.held_for_template) == ("queued", "text", "satark_reporter_update/hi")


@pytest.mark.parametrize(("fault", "least"), [({"http_status": 429, "retry_after": 120}, 120), ({"code": 131056}, 30)])
def test_retry_after_from_meta_is_honoured(sim: httpx.Client, fault: dict[str, int], least: float) -> None:
    """A Retry-After longer than our own backoff is waited in full (jitter only lengthens it); without
    the header a throttle waits our default."""
    ref = open_window(reference_for("whatsapp", PHONE))
    item = outbound.queue_message(ref, {"type": "text", "body": "x"})
    sim.post("/_sim/api/faults", json=fault)
    before = timezone.now()
    with pytest.raises(outbound.RetryLater) as retry:
        outbound.send_pending(ref)
    assert least <= retry.value.delay <= least * 1.25
    item.refresh_from_db()
    assert item.state == "queued" and item.error_code in (130429, 131056)
    assert item.not_before is not None
    assert least <= (item.not_before - before).total_seconds() <= least * 1.25 + 1
    with pytest.raises(outbound.RetryLater):  # not before its time
        outbound.send_pending(ref)
    assert [
        m for m in sim.get(f"/_sim/api/phones/{PHONE}/messages").json()["messages"] if m["direction"] == "out"
    ] == []
