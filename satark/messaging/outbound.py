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
SENDING_TIMEOUT = timedelta(minutes=10)


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
    """Send the recipient's queued messages in the order they were queued. Returns the number sent.

    A row is marked `sending` (committed) before the channel call, so a crash after the channel accepted
    it can never cause an automatic second send; the channel's status webhooks carry `out:<id>` and
    recover the row (see inbound.process_statuses), and the sweeper re-queues only rows that stayed
    `sending` with no status at all for SENDING_TIMEOUT."""
    items = list(OutboxItem.objects.filter(recipient_ref=recipient_ref, state=OutboxItem.State.QUEUED).order_by("id"))
    if not items:
        return 0
    channel = get_channel()
    address = vault.address_for(recipient_ref)
    sent = 0
    for item in items:
        now = timezone.now()
        if item.not_before and item.not_before > now:
            raise RetryLater((item.not_before - now).total_seconds())
        item.attempts += 1
        item.state = OutboxItem.State.SENDING
        item.sent_at = now
        item.save(update_fields=["attempts", "state", "sent_at"])
        try:
            external_id = channel.send(address, item.payload, callback_data=f"out:{item.pk}")
        except SendError as exc:
            item.error_code = exc.code or None
            item.last_error = redact(str(exc))[:500]
            if exc.retryable and item.attempts < MAX_ATTEMPTS:
                delay = max(exc.retry_after, min(2**item.attempts, 300))
                item.state = OutboxItem.State.QUEUED
                item.not_before = now + timedelta(seconds=delay)
                item.save(update_fields=["error_code", "last_error", "state", "not_before"])
                raise RetryLater(delay) from exc
            _fail(item, f"code {exc.code}")
            continue  # a permanent failure must not hold back the messages after it
        except Exception as exc:  # a bug in one message must not block the recipient's queue
            item.last_error = redact(f"{type(exc).__name__}: {exc}")[:500]
            _fail(item, type(exc).__name__)
            log.exception("outbox %s could not be sent", item.pk)
            continue
        record_sent(item, external_id)
        sent += 1
    return sent


def _fail(item: OutboxItem, why: str) -> None:
    item.state = OutboxItem.State.FAILED
    item.save(update_fields=["error_code", "last_error", "state"])
    log.warning("outbox %s failed permanently: %s", item.pk, why)


def record_sent(item: OutboxItem, external_id: str) -> None:
    updated = OutboxItem.objects.filter(pk=item.pk, external_id__isnull=True).update(
        external_id=external_id, state=OutboxItem.State.SENT
    )
    if updated == 0:  # a status webhook recovered it first; keep its (further) state
        OutboxItem.objects.filter(pk=item.pk, external_id=external_id, state=OutboxItem.State.SENDING).update(
            state=OutboxItem.State.SENT
        )
    process_statuses(external_id)


def requeue_stuck(older_than: timedelta = SENDING_TIMEOUT) -> int:
    """Rows left `sending` by a crash, with no status ever received: the channel never took them."""
    cutoff = timezone.now() - older_than
    return OutboxItem.objects.filter(
        state=OutboxItem.State.SENDING, external_id__isnull=True, sent_at__lt=cutoff
    ).update(state=OutboxItem.State.QUEUED)
