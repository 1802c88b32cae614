"""How fast we may send: a global messages-per-second limit (Meta's per-number throughput, 80/s by
default) and per-recipient pacing (Meta's pair rate: about one message per 6 s sustained, short bursts
allowed), plus the 24-hour customer-service window per recipient."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Contact


def window_open(recipient_ref: str, now: datetime | None = None) -> bool:
    """Free-form messages are allowed only within 24 h of the person's last message (minus a margin,
    so a message queued at 23:59 is not refused in flight)."""
    now = now or timezone.now()
    last = Contact.objects.filter(recipient_ref=recipient_ref).values_list("last_inbound_at", flat=True).first()
    margin = timedelta(minutes=settings.SATARK_WINDOW_MARGIN_MINUTES)
    return last is not None and now - last < timedelta(hours=24) - margin


def touch_inbound(recipient_ref: str, when: datetime | None = None) -> None:
    when = when or timezone.now()
    updated = Contact.objects.filter(recipient_ref=recipient_ref).update(last_inbound_at=when)
    if not updated:
        Contact.objects.get_or_create(recipient_ref=recipient_ref, defaults={"last_inbound_at": when})


def take_pair_token(recipient_ref: str, now: datetime | None = None) -> float:
    """Take one token from the recipient's bucket; returns 0 if sent now is fine, else seconds to wait."""
    now = now or timezone.now()
    burst = float(settings.SATARK_PAIR_BURST)
    interval = float(settings.SATARK_PAIR_INTERVAL_SECONDS)
    with transaction.atomic():
        contact, _ = Contact.objects.get_or_create(recipient_ref=recipient_ref)
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        tokens = burst if contact.tokens is None else contact.tokens
        if contact.tokens_at is not None:
            tokens = min(burst, tokens + (now - contact.tokens_at).total_seconds() / interval)
        if tokens < 1.0:
            return (1.0 - tokens) * interval
        contact.tokens = tokens - 1.0
        contact.tokens_at = now
        contact.save(update_fields=["tokens", "tokens_at"])
        return 0.0


class Limiter(Protocol):
    def reserve(self) -> float:
        """Reserve one send; returns how many seconds to wait before using it (0 = now)."""


class LocalLimiter:
    """Token bucket in this process: right for the embedded profile's single consumer.

    It refills at `rate` but holds only half a second's worth: Meta allows about a second's worth at
    once, and the other half is the margin for sends that reach Meta closer together than they were
    reserved here (threads, network), which would otherwise be refused with 130429."""

    BURST_SECONDS = 0.5

    def __init__(self, rate: float):
        self.rate = rate
        self.burst = max(1.0, rate * self.BURST_SECONDS)
        self.tokens = self.burst
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def reserve(self) -> float:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
            self.last = now
            self.tokens -= 1.0
            return max(0.0, -self.tokens / self.rate)


class RedisLimiter:
    """The same token bucket as `LocalLimiter`, kept in Redis and updated by one Lua script (atomic, on the
    Redis server's clock): one budget for many consumers on many machines. A bucket, unlike a counter per
    calendar second, never lets twice the rate through across a second's boundary."""

    # KEYS[1]: the bucket; ARGV: rate per second, burst (tokens). Returns the wait in seconds, as text (a
    # Lua number would reach the client as a truncated integer).
    SCRIPT = """
    local now_s, now_us = unpack(redis.call('TIME'))
    local now = tonumber(now_s) + tonumber(now_us) / 1000000
    local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
    local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
    local tokens = tonumber(held[1]) or burst
    local at = tonumber(held[2]) or now
    tokens = math.min(burst, tokens + math.max(0, now - at) * rate) - 1
    redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
    redis.call('EXPIRE', KEYS[1], 3600)
    if tokens >= 0 then return '0' end
    return tostring(-tokens / rate)
    """

    def __init__(self, rate: float, url: str, prefix: str = "satark:mps:"):
        import redis

        self.rate = rate
        self.burst = max(1.0, rate * LocalLimiter.BURST_SECONDS)
        self.prefix = prefix  # every client sharing one budget must use the same prefix
        self.key = f"{prefix}bucket"
        self.client: Any = redis.Redis.from_url(url)
        self.script = self.client.register_script(self.SCRIPT)

    def reserve(self) -> float:
        return float(self.script(keys=[self.key], args=[self.rate, self.burst]))


@lru_cache(maxsize=1)
def limiter() -> Limiter:
    rate = float(settings.SATARK_MAX_MESSAGES_PER_SECOND)
    url = settings.SATARK_RATE_LIMIT_REDIS_URL
    return RedisLimiter(rate, url) if url else LocalLimiter(rate)
