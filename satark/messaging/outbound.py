"""Outbound: the outbox row is written first (in the caller's transaction); a task sends it.

This module is the only caller of `vault.address_for`: the send path is the only code that ever
turns a reporter reference back into an address.

Closed 24-hour window (by our count, or the channel answered 131047 at once or in a late failed
status): only an approved template reaches the person, so the row's `fallback_template` is used if
its recorded approval state allows (`TemplateState.verdict`). A template still in review, appealed or
paused: the row waits (queued, `held_for_template`, a readable `last_error`), is looked at again every
TEMPLATE_RECHECK and at once when the channel reports a new state for that template, and fails after
TEMPLATE_MAX_WAIT. A rejected, disabled or missing template: the row fails with the reason (the code
the channel would have answered), since only an operator can fix that. The free-form payload is kept
while the row waits, so it goes as it is if the person writes meanwhile.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from satark.core.redaction import redact
from satark.vault import api as vault

from . import pacing
from .channels import get_channel
from .inbound import process_statuses
from .models import OutboxItem, TemplateState
from .types import SendError

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
REENGAGE_CODE = 131047
SENDING_TIMEOUT = timedelta(minutes=10)
TEMPLATE_RECHECK = timedelta(minutes=15)  # a row waiting for its template's approval looks again
TEMPLATE_MAX_WAIT = timedelta(hours=48)  # Meta reviews within 24 h; a first pause lasts 3 h
# What the channel answers a template in that state (reference doc 2.12); anything else: 132001.
TEMPLATE_REFUSAL_CODES = {"PAUSED": 132015, "DISABLED": 132016}
SWITCHED, HELD, FAILED = "switched", "held", "failed"


# Messages sent on their own schedule (e.g. a neutral notice delayed at random): they neither wait for nor
# hold back the conversation's messages to the same person.
INDEPENDENT_PURPOSES = ("notice",)


def queue_message(
    recipient_ref: str,
    payload: dict[str, Any],
    *,
    purpose: str = "conversation",
    delay: timedelta | None = None,
) -> OutboxItem:
    from . import tasks

    not_before = timezone.now() + delay if delay else None
    item = OutboxItem.objects.create(
        recipient_ref=recipient_ref, payload=payload, purpose=purpose, not_before=not_before
    )
    if delay:
        seconds = int(delay.total_seconds()) + 1
        transaction.on_commit(lambda: tasks.send_pending.schedule((recipient_ref,), delay=seconds))
    else:
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
    `sending` with no status at all for SENDING_TIMEOUT.

    Before each send: the 24-hour window (outside it only a template may go: the row's
    `fallback_template` is used, or the row fails with 131047 without calling the channel), the
    recipient's pacing bucket, and the global messages-per-second limit."""
    items = list(OutboxItem.objects.filter(recipient_ref=recipient_ref, state=OutboxItem.State.QUEUED).order_by("id"))
    if not items:
        return 0
    channel = get_channel()
    try:
        address = vault.address_for(recipient_ref)
    except vault.UnknownReference:
        # The person can no longer be reached (their mapping was deleted): fail the rows once, clearly,
        # instead of retrying for ever.
        for item in items:
            item.last_error = "the recipient's address is gone (forgotten under retention, or never known)"
            _fail(item, "no address")
        return 0
    sent = 0
    for item in items:
        now = timezone.now()
        if item.not_before and item.not_before > now:
            if item.purpose in INDEPENDENT_PURPOSES:
                continue  # its own scheduled task sends it when due
            raise RetryLater((item.not_before - now).total_seconds())
        if not _fits_window(item, recipient_ref):
            if item.state == OutboxItem.State.QUEUED:  # waiting for its template's approval
                if item.purpose in INDEPENDENT_PURPOSES:
                    continue
                raise RetryLater(TEMPLATE_RECHECK.total_seconds())
            continue
        wait = pacing.take_pair_token(recipient_ref, now)
        if wait > 0:
            raise RetryLater(wait)
        wait = pacing.limiter().reserve()
        if wait > 1.0:
            raise RetryLater(wait)
        if wait > 0:
            time.sleep(wait)
        item.attempts += 1
        item.state = OutboxItem.State.SENDING
        item.sent_at = now
        item.save(update_fields=["attempts", "state", "sent_at"])
        try:
            external_id = channel.send(address, item.payload, callback_data=f"out:{item.pk}")
        except SendError as exc:
            item.error_code = exc.code or None
            item.last_error = redact(str(exc))[:500]
            if exc.reengage and item.payload.get("fallback_template"):
                outcome = reengage(item)
                if outcome == SWITCHED:
                    raise RetryLater(0) from exc
                if outcome == HELD and item.purpose not in INDEPENDENT_PURPOSES:
                    raise RetryLater(TEMPLATE_RECHECK.total_seconds()) from exc
                continue
            if exc.retryable and item.attempts < MAX_ATTEMPTS:
                delay = max(exc.retry_after, min(2**item.attempts, 300)) * random.uniform(
                    1.0, 1.25
                )  # jitter never shortens a wait Meta asked for
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


FREE_FORM_EXEMPT = ("template",)


def _fits_window(item: OutboxItem, recipient_ref: str) -> bool:
    """True if the row may be sent now as it is (possibly after switching it to its template); False
    if it failed, or waits for its template's approval (then it stays queued)."""
    if item.payload.get("type") in FREE_FORM_EXEMPT or pacing.window_open(recipient_ref):
        return True
    return reengage(item) == SWITCHED


def _template_of(item: OutboxItem) -> tuple[str, str] | None:
    fallback = item.payload.get("fallback_template")
    if not fallback or item.payload.get("type") == "template":
        return None
    return str(fallback.get("name", "")), str(fallback.get("language", ""))


def reengage(item: OutboxItem) -> str:
    """The person's window is closed: switch the row to its fallback template, hold it while the template
    waits for approval, or fail it with the reason (see the module doc). Returns SWITCHED, HELD or FAILED."""
    template = _template_of(item)
    if template is None:
        item.error_code = REENGAGE_CODE
        item.last_error = "the 24-hour window is closed and the message has no template"
        _fail(item, "window closed")
        return FAILED
    verdict, state = TemplateState.verdict(*template)
    if verdict == "send" or state is None:
        switch_to_template(item)
        return SWITCHED
    why = state.describe()
    if verdict == "wait" and timezone.now() - item.created_at < TEMPLATE_MAX_WAIT:
        item.state = OutboxItem.State.QUEUED
        item.external_id = None
        item.not_before = timezone.now() + TEMPLATE_RECHECK
        item.held_for_template = TemplateState.key(*template)
        item.error_code = REENGAGE_CODE
        item.last_error = f"the 24-hour window is closed and {why}: waiting for its approval"
        item.save(update_fields=["state", "external_id", "not_before", "held_for_template", "error_code", "last_error"])
        log.info("outbox %s waits for template %s", item.pk, item.held_for_template)
        return HELD
    item.error_code = TEMPLATE_REFUSAL_CODES.get(state.status, 132001)
    if verdict == "wait":
        hours = TEMPLATE_MAX_WAIT.total_seconds() / 3600
        item.last_error = f"the 24-hour window is closed and {why}, still after {hours:.0f} hours of waiting"
    else:
        item.last_error = (
            f"the 24-hour window is closed and {why}: fix the template on the WhatsApp account "
            "and submit it again (manage.py sync_templates)"
        )
    _fail(item, "template not approved")
    return FAILED


def switch_to_template(item: OutboxItem) -> bool:
    """Replace a free-form payload by its declared fallback template (once), if that template may be sent
    now (approved, or no state recorded: `TemplateState.verdict`). Returns False otherwise."""
    template = _template_of(item)
    if template is None or TemplateState.verdict(*template)[0] != "send":
        return False
    fallback = item.payload["fallback_template"]
    item.payload = {**fallback, "type": "template", "replaces": item.payload.get("type")}
    item.state = OutboxItem.State.QUEUED
    item.external_id = None
    item.not_before = None
    item.held_for_template = ""
    # error_code/last_error keep why (e.g. Meta's 131047) for whoever looks at the row
    item.save(
        update_fields=["payload", "state", "external_id", "not_before", "held_for_template", "error_code", "last_error"]
    )
    return True


def _fail(item: OutboxItem, why: str) -> None:
    item.state = OutboxItem.State.FAILED
    item.held_for_template = ""
    item.save(update_fields=["error_code", "last_error", "state", "held_for_template"])
    log.warning("outbox %s failed permanently: %s", item.pk, why)


def record_sent(item: OutboxItem, channel_id: str) -> None:
    external_id = vault.id_digest(item.channel, channel_id)
    updated = OutboxItem.objects.filter(pk=item.pk, external_id__isnull=True).update(
        external_id=external_id, state=OutboxItem.State.SENT, held_for_template=""
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
