"""Per-user pacing: Meta's pair rate limit (error 131056), and the per-number throughput
(error 130429), on the simulator clock.

Meta allows 1 message per 6 s to the same user sustained, with bursts of up to 45 "borrowed"
from future quota (a burst of 20 needs about 2 minutes of rest). Modelled as a token bucket
per recipient: ``burst`` tokens, one regained every ``interval`` seconds; a send spends one.
Only accepted sends spend tokens (mark-as-read and refused requests do not).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

JSONDict = dict[str, Any]

PAIR_RATE_CODE = 131056
PAIR_RATE_TITLE = "(Business Account, Consumer Account) pair rate limit hit"
PAIR_RATE_DETAILS = (
    "Message failed to send because there were too many messages sent from this phone number "
    "to the same phone number in a short period of time."
)


class PairRateLimiter:
    def __init__(self, burst: int, interval: float, clock: Callable[[], float]) -> None:
        self.burst = burst
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # phone -> (tokens, at)

    @property
    def enabled(self) -> bool:
        return self.burst > 0 and self.interval > 0

    def _tokens(self, phone: str, now: float) -> float:
        tokens, at = self._buckets.get(phone, (float(self.burst), now))
        return min(float(self.burst), tokens + max(0.0, now - at) / self.interval)

    def try_spend(self, phone: str) -> bool:
        """Spend one send to ``phone``; False when the pair rate limit is hit."""
        if not self.enabled:
            return True
        with self._lock:
            now = self._clock()
            tokens = self._tokens(phone, now)
            if tokens < 1.0:
                self._buckets[phone] = (tokens, now)
                return False
            self._buckets[phone] = (tokens - 1.0, now)
            return True

    def available(self, phone: str) -> float:
        if not self.enabled:
            return float("inf")
        with self._lock:
            return self._tokens(phone, self._clock())

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


THROUGHPUT_CODE = 130429
THROUGHPUT_TITLE = "Rate limit hit"
THROUGHPUT_DETAILS = "Cloud API message throughput has been reached."
THROUGHPUT_SUBCODE = 2494055  # as in Meta's example envelope (reference doc 2.12)


class ThroughputLimiter:
    """Meta's per-number throughput (error 130429): ``rate`` sends per second of simulator clock,
    modelled as one token bucket for the whole number holding one second's worth (``rate``
    tokens) and refilled continuously. A send spends one token; a refused send spends none."""

    def __init__(self, rate: float, clock: Callable[[], float]) -> None:
        self.rate = rate
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = float(rate)
        self._at: float | None = None

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def try_spend(self) -> bool:
        if not self.enabled:
            return True
        with self._lock:
            now = self._clock()
            if self._at is not None:
                self._tokens = min(self.rate, self._tokens + max(0.0, now - self._at) * self.rate)
            self._at = now
            if self._tokens < 1.0:
                return False
            self._tokens -= 1.0
            return True

    def reset(self) -> None:
        with self._lock:
            self._tokens = float(self.rate)
            self._at = None
