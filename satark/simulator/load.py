"""Load generator for benchmarks: N inbound text messages from M phones, with timing.

``POST /_sim/api/load`` runs :func:`run_load` synchronously (the request returns the report):
messages are fired as fast as possible (or at ``rate`` per second), each through the normal
inbound path (chat entry, signed webhook, retries), spread round-robin over ``phones``
simulated phones ``917000000000``, ``917000000001``, ... Then it waits up to ``timeout``
seconds for every webhook's final outcome and reports how many the product acknowledged
with 200 and the latency percentiles seen by the simulator:

- ``ack_latency_ms``: round trip of the acknowledged POST (request sent -> 200 read)
- ``delivery_latency_ms``: from the phone sending to the 200 (queueing and retries included)
"""

from __future__ import annotations

import threading
import time
from typing import Any

from .dispatch import Outcome
from .state import Simulator

JSONDict = dict[str, Any]

FIRST_PHONE = 917000000000
MAX_MESSAGES = 1_000_000
MAX_PHONES = 100_000
MAX_TIMEOUT = 3600.0


def parse_load(body: JSONDict) -> JSONDict:
    """Validate a load request; raises ``ValueError``."""
    messages = body.get("messages")
    if not isinstance(messages, int) or isinstance(messages, bool) or not 1 <= messages <= MAX_MESSAGES:
        raise ValueError(f"'messages' must be an integer between 1 and {MAX_MESSAGES}")
    phones = body.get("phones", min(messages, 10))
    if not isinstance(phones, int) or isinstance(phones, bool) or not 1 <= phones <= MAX_PHONES:
        raise ValueError(f"'phones' must be an integer between 1 and {MAX_PHONES}")
    rate = body.get("rate")
    if rate is not None and (not isinstance(rate, (int, float)) or isinstance(rate, bool) or rate <= 0):
        raise ValueError("'rate' must be a positive number of messages per second")
    timeout = body.get("timeout", 60)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 0 <= timeout <= MAX_TIMEOUT:
        raise ValueError(f"'timeout' must be a number of seconds between 0 and {MAX_TIMEOUT:.0f}")
    text = body.get("text", "Load test message {i}")
    if not isinstance(text, str) or not text:
        raise ValueError("'text' must be a non-empty string ({i} is replaced by the message number)")
    return {"messages": messages, "phones": phones, "rate": rate, "timeout": float(timeout), "text": text}


def percentiles(samples: list[float]) -> JSONDict:
    """Nearest-rank percentiles in milliseconds."""
    if not samples:
        return {"count": 0, "p50": None, "p90": None, "p99": None, "max": None, "mean": None}
    ordered = sorted(samples)

    def rank(p: float) -> float:
        index = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
        return round(ordered[index] * 1000, 3)

    return {
        "count": len(ordered),
        "p50": rank(50),
        "p90": rank(90),
        "p99": rank(99),
        "max": round(ordered[-1] * 1000, 3),
        "mean": round(sum(ordered) / len(ordered) * 1000, 3),
    }


def run_load(sim: Simulator, spec: JSONDict) -> JSONDict:
    count, phones, rate = spec["messages"], spec["phones"], spec["rate"]
    numbers = [str(FIRST_PHONE + i) for i in range(phones)]
    for number in numbers:
        sim.ensure_phone(number, label="load")
    cond = threading.Condition()
    outcomes: list[Outcome] = []

    def on_result(outcome: Outcome) -> None:
        with cond:
            outcomes.append(outcome)
            cond.notify_all()

    started = time.monotonic()
    for i in range(count):
        if rate is not None:
            wait = started + i / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        text = spec["text"].replace("{i}", str(i + 1))
        sim.send_inbound(numbers[i % phones], {"type": "text", "text": text}, on_result=on_result)
    sent_at = time.monotonic()
    deadline = sent_at + spec["timeout"]
    with cond:
        while len(outcomes) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            cond.wait(remaining)
        done = list(outcomes)
    finished = time.monotonic()
    acked = [o for o in done if o.ok]
    send_seconds = sent_at - started
    elapsed = finished - started
    return {
        "messages": count,
        "phones": phones,
        "rate": rate,
        "acknowledged": len(acked),
        "failed": len(done) - len(acked),
        "pending": count - len(done),
        "timed_out": len(done) < count,
        "send_seconds": round(send_seconds, 4),
        "elapsed_seconds": round(elapsed, 4),
        "sent_per_second": round(count / send_seconds, 1) if send_seconds > 0 else None,
        "acknowledged_per_second": round(len(acked) / elapsed, 1) if elapsed > 0 else None,
        "ack_latency_ms": percentiles([o.round_trip for o in acked]),
        "delivery_latency_ms": percentiles([o.total for o in acked]),
        "webhook_workers": sim.config.webhook_workers,
    }
