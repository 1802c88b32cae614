"""The product's global pacing keeps it under the number's throughput, which the simulator enforces
as Meta does (130429 beyond 80 messages per second by default, one second's worth in a burst)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from django.db import connection
from django.test import override_settings

from satark.messaging import outbound, pacing
from satark.messaging.models import OutboxItem
from satark.vault.api import reference_for

from .conftest import WiredSim, open_window

pytestmark = pytest.mark.django_db(transaction=True)  # the sending threads see the queued rows
WORKERS = 8


@pytest.fixture
def fresh_limiter() -> Iterator[None]:
    pacing.limiter.cache_clear()  # a bucket built from this test's settings, full
    yield
    pacing.limiter.cache_clear()


def phone(n: int) -> str:
    return f"9190000{n:05d}"


def send_all(recipients: int, per_recipient: int, deadline: float) -> float:
    """Queue per_recipient messages to each of `recipients` people whose windows are open, then send them
    from WORKERS threads (consumers) as fast as the product lets itself, each thread going round its
    people again until their rows are sent or `deadline` seconds passed. Returns the seconds taken."""
    refs = [open_window(reference_for("whatsapp", phone(n))) for n in range(recipients)]
    # The outbox rows as queue_message writes them, without its immediate send task: the threads send.
    OutboxItem.objects.bulk_create(
        OutboxItem(recipient_ref=ref, payload={"type": "text", "body": f"message {n}"})
        for n in range(per_recipient)
        for ref in refs
    )
    errors: list[BaseException] = []
    started = time.monotonic()

    def worker(mine: list[str]) -> None:
        try:
            while time.monotonic() - started < deadline:
                if not OutboxItem.objects.filter(recipient_ref__in=mine, state="queued").exists():
                    return
                for ref in mine:
                    try:
                        outbound.send_pending(ref)
                    except outbound.RetryLater:  # Huey would retry it later; so does the next round
                        pass
                time.sleep(0.05)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(refs[n::WORKERS],)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=deadline + 30)
    assert errors == []
    return time.monotonic() - started


@override_settings(SATARK_MAX_MESSAGES_PER_SECOND=80)
def test_300_messages_to_100_people_never_hit_metas_80_per_second(sim: httpx.Client, fresh_limiter: None) -> None:
    seconds = send_all(100, 3, deadline=60)
    assert OutboxItem.objects.filter(error_code=130429).count() == 0
    assert OutboxItem.objects.filter(state="sent").count() == 300
    assert 300 / seconds < 80 + 80 / seconds  # never more than the burst plus 80 per second
    out = sum(
        1
        for n in range(100)
        for m in sim.get(f"/_sim/api/phones/{phone(n)}/messages").json()["messages"]
        if m["direction"] == "out"
    )
    assert out == 300


# The same at a throughput this machine's consumers can exceed, so that the pacing's work shows: with
# it nothing is refused; without it (the control) the simulator refuses with 130429.
SLOW = 10


@override_settings(SATARK_MAX_MESSAGES_PER_SECOND=SLOW)
def test_a_number_slower_than_the_consumers_is_never_overrun(
    wired_sim: Callable[..., WiredSim], fresh_limiter: None
) -> None:
    wired_sim(throughput_per_second=SLOW)
    seconds = send_all(40, 2, deadline=60)
    assert OutboxItem.objects.filter(error_code=130429).count() == 0
    assert OutboxItem.objects.filter(state="sent").count() == 80
    assert seconds >= (80 - SLOW) / SLOW * 0.9  # the pacing really held the consumers back


@override_settings(SATARK_MAX_MESSAGES_PER_SECOND=100_000)
def test_without_the_pacing_the_same_load_is_refused(wired_sim: Callable[..., WiredSim], fresh_limiter: None) -> None:
    wired_sim(throughput_per_second=SLOW)
    send_all(40, 2, deadline=3)
    assert OutboxItem.objects.filter(error_code=130429).exists()
