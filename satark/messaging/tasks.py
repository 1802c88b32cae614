"""Thin, id-keyed, idempotent jobs. The database rows are the truth; the sweeper re-enqueues stale ones."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task
from huey.exceptions import RetryTask, TaskLockedException

from . import inbound, outbound
from .locks import expiring_lock
from .models import InboxItem, OutboxItem

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=2)
def dispatch(sender_refs: list[str], statuses: bool) -> None:
    """Fan a stored webhook batch out: one ordered job per sender, and the status pass."""
    for ref in sender_refs:
        process_sender(ref)
    if statuses:
        process_statuses()


@db_task(retries=5, retry_delay=2)
def process_sender(sender_ref: str) -> int:
    try:
        with expiring_lock(f"sender:{sender_ref}"):
            return inbound.process_sender(sender_ref)
    except TaskLockedException as exc:  # another worker is on this sender: its loop will see our rows
        raise RetryTask(delay=1) from exc


@db_task(retries=3, retry_delay=5)
def process_statuses() -> int:
    return inbound.process_statuses()


@db_task(retries=10, retry_delay=2)
def send_pending(recipient_ref: str) -> int:
    try:
        with expiring_lock(f"send:{recipient_ref}"):
            return outbound.send_pending(recipient_ref)
    except TaskLockedException as exc:
        raise RetryTask(delay=1) from exc
    except outbound.RetryLater as exc:
        raise RetryTask(delay=int(exc.delay) + 1) from exc


@db_task(retries=2, retry_delay=5)
def mark_read(inbox_item_id: int) -> None:
    """Blue ticks and a typing indicator while the reply is prepared (best effort). The channel's message
    id is decrypted only here and erased once used: it embeds the sender's number."""
    from satark.vault import crypto as vault_crypto

    from .channels import get_channel

    item = InboxItem.objects.filter(pk=inbox_item_id).exclude(sealed_id="").first()
    if item is None:
        return
    try:
        get_channel().mark_read(vault_crypto.unseal(item.sealed_id)["id"], typing=True)
    finally:
        InboxItem.objects.filter(pk=inbox_item_id).update(sealed_id="")


@db_periodic_task(crontab(minute="*"))
def sweep() -> None:
    """Re-enqueue work whose task was lost (a killed consumer): Huey has no acknowledgements."""
    cutoff = timezone.now() - timedelta(seconds=60)
    for ref in (
        InboxItem.objects.filter(kind="message", state="pending", received_at__lt=cutoff)
        .values_list("sender_ref", flat=True)
        .distinct()
    ):
        process_sender(ref)
    if InboxItem.objects.filter(kind="status", state="pending", received_at__lt=cutoff).exists():
        process_statuses()
    outbound.requeue_stuck()
    # Sealed message ids are only for the read receipt: never keep them past a day.
    InboxItem.objects.exclude(sealed_id="").filter(received_at__lt=timezone.now() - timedelta(days=1)).update(
        sealed_id=""
    )
    for ref in (
        OutboxItem.objects.filter(state="queued", created_at__lt=cutoff)
        .values_list("recipient_ref", flat=True)
        .distinct()
    ):
        send_pending(ref)
