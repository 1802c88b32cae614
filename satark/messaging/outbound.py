"""Outbound: the outbox row is written first (in the caller's transaction); a task sends it.

This module is the only caller of `vault.address_for`: the send path is the only code that ever
turns a reporter reference back into an address.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from satark.core.redaction import redact
from satark.vault import api as vault

from .channels import get_channel
from .inbound import process_statuses
from .models import OutboxItem
from .types import SendError

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def queue_message(recipient_ref: str, payload: dict[str, Any], *, purpose: str = "conversation") -> OutboxItem:
    from . import tasks

    item = OutboxItem.objects.create(recipient_ref=recipient_ref, payload=payload, purpose=purpose)
    transaction.on_commit(lambda: tasks.send_pending(recipient_ref))
    return item


class RetryLater(Exception):
    def __init__(self, delay: float):
        super().__init__(f"retry in {delay:.0f}s")
        self.delay = delay


def send_pending(recipient_ref: str) -> int:
    """Send the recipient's queued messages in the order they were queued. Returns the number sent."""
    now = timezone.now()
    items = list(OutboxItem.objects.filter(recipient_ref=recipient_ref, state=OutboxItem.State.QUEUED).order_by("id"))
    if not items:
        return 0
    channel = get_channel()
    address = vault.address_for(recipient_ref)
    sent = 0
    for item in items:
        if item.not_before and item.not_before > now:
            raise RetryLater((item.not_before - now).total_seconds())
        try:
            external_id = channel.send(address, item.payload, callback_data=f"out:{item.pk}")
        except SendError as exc:
            item.attempts += 1
            item.error_code = exc.code or None
            item.last_error = redact(str(exc))[:500]
            if exc.retryable and item.attempts < MAX_ATTEMPTS:
                delay = max(exc.retry_after, min(2**item.attempts, 300))
                item.not_before = now + timedelta(seconds=delay)
                item.save(update_fields=["attempts", "error_code", "last_error", "not_before"])
                raise RetryLater(delay) from exc
            item.state = OutboxItem.State.FAILED
            item.save(update_fields=["attempts", "error_code", "last_error", "state"])
            log.warning("outbox %s failed permanently: code %s", item.pk, exc.code)
            continue  # a permanent failure must not hold back the messages after it
        item.attempts += 1
        item.external_id = external_id
        item.state = OutboxItem.State.SENT
        item.sent_at = timezone.now()
        item.save(update_fields=["attempts", "external_id", "state", "sent_at"])
        process_statuses(external_id)
        sent += 1
    return sent
