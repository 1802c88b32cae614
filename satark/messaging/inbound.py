"""Inbound: store every item of a webhook durably (identifiers swapped for vault references), then
process each sender's messages in order in the background."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from satark.core.redaction import redact
from satark.vault import api as vault
from satark.vault import crypto as vault_crypto

from . import pacing
from .models import InboxItem, OutboxItem, TemplateState
from .types import InboundItem, InboundMessage, StatusUpdate, TemplateStatusUpdate

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
TEMPLATE_NAME_MAX = 100  # TemplateState.name


@dataclass
class IngestReport:
    received: int = 0
    senders: int = 0
    statuses: int = 0


def _is_number_change(item: InboundItem) -> bool:
    return isinstance(item, InboundMessage) and item.raw_type == "system" and bool(item.new_phone and item.sender_phone)


def _references(items: list[InboundItem]) -> dict[int, str]:
    """Vault references for the messages of a batch, by position: one query for known senders."""
    refs: dict[int, str] = {}
    plain = [
        (i, item)
        for i, item in enumerate(items)
        if isinstance(item, InboundMessage) and (item.sender_phone or item.sender_user_id)
    ]
    for i, item in plain:  # number changes first, in order: later messages must find the new number
        if _is_number_change(item):
            assert isinstance(item, InboundMessage)
            # Meta regenerates the business-scoped id with the number: only the new one is valid.
            refs[i] = vault.change_number(item.channel, item.sender_phone, item.new_phone, item.new_user_id) or (
                vault.reference_for(item.channel, item.new_phone, item.new_user_id)
            )
    rest = [(i, item) for i, item in plain if i not in refs]
    by_channel: dict[str, list[tuple[int, InboundMessage]]] = {}
    for i, item in rest:
        by_channel.setdefault(item.channel, []).append((i, item))
    for channel, group in by_channel.items():
        found = vault.references_for(channel, [(m.sender_phone, m.sender_user_id) for _, m in group])
        refs.update({i: ref for (i, _), ref in zip(group, found, strict=True)})
    return refs


def _row_for(item: InboundItem, ref: str = "") -> InboxItem:
    if isinstance(item, InboundMessage):
        digest = vault.id_digest(item.channel, item.external_id)
        payload = {
            **item.stored(),
            "external_id": digest,
            "context_id": vault.id_digest(item.channel, item.context_id),
        }
        if not ref:  # no sender id at all: nobody to answer, keep a record
            return InboxItem(
                dedupe_key=f"msg:{digest}",
                channel=item.channel,
                kind=InboxItem.Kind.ERROR,
                payload={**payload, "error": "message without a sender id"},
                event_ts=item.timestamp,
                state=InboxItem.State.DONE,
            )
        return InboxItem(
            dedupe_key=f"msg:{digest}",
            channel=item.channel,
            kind=InboxItem.Kind.MESSAGE,
            sender_ref=ref,
            payload=payload,
            sealed_id=vault_crypto.seal({"id": item.external_id}) if settings.SATARK_MARK_READ else "",
            event_ts=item.timestamp,
        )
    if isinstance(item, StatusUpdate):
        digest = vault.id_digest(item.channel, item.external_id)
        return InboxItem(
            dedupe_key=f"status:{digest}:{item.status}",
            channel=item.channel,
            kind=InboxItem.Kind.STATUS,
            payload={**item.stored(), "external_id": digest},
            event_ts=item.timestamp,
        )
    if isinstance(item, TemplateStatusUpdate):  # applied in `ingest`; kept as a record (duplicates: once)
        return InboxItem(
            dedupe_key=f"template:{item.name}/{item.language}:{item.status}:{item.timestamp}",
            channel=item.channel,
            kind=InboxItem.Kind.TEMPLATE,
            payload=item.stored(),
            event_ts=item.timestamp,
            state=InboxItem.State.DONE,
            processed_at=timezone.now(),
        )
    return InboxItem(
        dedupe_key=f"err:{uuid.uuid4().hex}",  # account-level errors carry no id or time: keep every one
        channel=item.channel,
        kind=InboxItem.Kind.ERROR,
        payload=item.stored(),
        event_ts=item.timestamp,
        state=InboxItem.State.DONE,
    )


def ingest(items: list[InboundItem]) -> IngestReport:
    """Persist a parsed webhook body. Duplicates (same message id, same status) are ignored."""
    from . import tasks

    report = IngestReport(received=len(items))
    too_long = [i for i in items if isinstance(i, TemplateStatusUpdate) and len(i.name) > TEMPLATE_NAME_MAX]
    if too_long:  # not one of ours (our names are short): nothing to record
        log.warning(
            "ignored %d template status updates with names over %d characters", len(too_long), TEMPLATE_NAME_MAX
        )
        items = [i for i in items if i not in too_long]
    with transaction.atomic():
        refs = _references(items)
        rows = [_row_for(item, refs.get(i, "")) for i, item in enumerate(items)]
        InboxItem.objects.bulk_create(rows, ignore_conflicts=True)
        senders = sorted({r.sender_ref for r in rows if r.kind == InboxItem.Kind.MESSAGE})
        has_status = any(r.kind == InboxItem.Kind.STATUS for r in rows)
        for row in rows:
            if row.kind == InboxItem.Kind.ERROR:
                log.warning("channel error %s: %s", row.payload.get("code"), row.payload.get("title"))
        waiting = _apply_template_statuses([i for i in items if isinstance(i, TemplateStatusUpdate)])
        if senders or has_status:
            # One enqueue per committed batch keeps the webhook cheap; the consumer fans out per sender.
            transaction.on_commit(lambda: tasks.dispatch(senders, has_status))
        for ref in waiting:  # rows that waited for a template: look at them again now
            transaction.on_commit(lambda ref=ref: tasks.send_pending(ref))  # type: ignore[misc]
    report.senders = len(senders)
    report.statuses = sum(1 for r in rows if r.kind == InboxItem.Kind.STATUS)
    return report


def _apply_template_statuses(updates: list[TemplateStatusUpdate]) -> list[str]:
    """Record the channel's template decisions (in channel-time order; older ones than recorded are
    ignored). Returns the recipients with rows that were waiting for one of these templates."""
    refs: set[str] = set()
    for update in sorted(updates, key=lambda u: u.timestamp):
        key = TemplateState.key(update.name, update.language)
        held = set(
            OutboxItem.objects.filter(state=OutboxItem.State.QUEUED, held_for_template=key).values_list(
                "recipient_ref", flat=True
            )
        )
        if TemplateState.record(
            update.name,
            update.language,
            update.status,
            at=update.timestamp,
            reason=update.reason,
            remote_id=update.template_id,
        ):
            log.info("template %s is now %s", key, update.status)
            refs |= held
    return sorted(refs)


def process_sender(sender_ref: str) -> int:
    """Handle the sender's pending messages oldest first. Returns how many were handled."""
    handler = import_string(settings.SATARK_INBOUND_HANDLER)
    handled = 0
    while True:
        item = (
            InboxItem.objects.filter(sender_ref=sender_ref, kind=InboxItem.Kind.MESSAGE, state=InboxItem.State.PENDING)
            .order_by("event_ts", "id")
            .first()
        )
        if item is None:
            return handled
        message = InboundMessage.from_stored(item.payload)
        if item.sealed_id and item.attempts == 0:
            from . import tasks

            transaction.on_commit(lambda pk=item.pk: tasks.mark_read(pk))  # type: ignore[misc]
        try:
            with transaction.atomic():
                pacing.touch_inbound(sender_ref)
                handler(sender_ref, message)
                item.state = InboxItem.State.DONE
                item.processed_at = timezone.now()
                item.attempts += 1
                item.save(update_fields=["state", "processed_at", "attempts"])
        except Exception as exc:
            item.attempts += 1
            item.error = redact(f"{type(exc).__name__}: {exc}")[:1000]
            if item.attempts >= MAX_ATTEMPTS:
                item.state = InboxItem.State.FAILED
            item.save(update_fields=["attempts", "error", "state"])
            log.exception("inbox item %s failed (attempt %s)", item.pk, item.attempts)
            if item.state != InboxItem.State.FAILED:
                raise
        handled += 1


_RANK = {"queued": 0, "sending": 0, "sent": 1, "delivered": 2, "read": 3, "played": 3}


def apply_status(outbox: OutboxItem, status: StatusUpdate) -> None:
    when = datetime.fromtimestamp(status.timestamp, tz=UTC) if status.timestamp else timezone.now()
    if status.status == "failed" and 131047 in status.error_codes and outbox.payload.get("fallback_template"):
        from . import outbound, tasks

        # The window closed before delivery: the template (now, or once approved), or a clear failure.
        outbox.error_code = 131047
        outbox.last_error = redact(status.error_title)[:500]
        if outbound.reengage(outbox) == outbound.SWITCHED:
            transaction.on_commit(lambda ref=outbox.recipient_ref: tasks.send_pending(ref))  # type: ignore[misc]
        return
    if status.status == "failed":
        if outbox.state not in (OutboxItem.State.DELIVERED, OutboxItem.State.READ):
            outbox.state = OutboxItem.State.FAILED
            outbox.error_code = status.error_codes[0] if status.error_codes else None
            outbox.last_error = redact(status.error_title)[:500]
    else:
        if status.status == "delivered" and outbox.delivered_at is None:
            outbox.delivered_at = when
        if status.status in ("read", "played"):
            outbox.read_at = outbox.read_at or when
            outbox.delivered_at = outbox.delivered_at or when
        target = "read" if status.status == "played" else status.status
        if outbox.state != OutboxItem.State.FAILED and _RANK.get(target, 0) > _RANK.get(outbox.state, 0):
            outbox.state = target
    outbox.save(update_fields=["state", "delivered_at", "read_at", "error_code", "last_error"])


def process_statuses(external_id: str = "") -> int:
    """Apply pending status rows to their outbox rows. A status whose send has not been recorded yet
    (it raced the send's own response) stays pending and is applied when the send is recorded."""
    pending = InboxItem.objects.filter(kind=InboxItem.Kind.STATUS, state=InboxItem.State.PENDING)
    if external_id:
        pending = pending.filter(payload__external_id=external_id)
    applied = 0
    stale = timezone.now() - timedelta(days=30)
    for item in pending.order_by("event_ts", "id"):
        status = StatusUpdate(**{**item.payload, "error_codes": tuple(item.payload.get("error_codes", ()))})
        outbox = OutboxItem.objects.filter(external_id=status.external_id).first()
        if outbox is None and status.callback_data.startswith("out:") and status.callback_data[4:].isdigit():
            # The send's own response was never recorded (a crash after the channel accepted it):
            # the status names our row, so record its id now instead of ever sending it again.
            OutboxItem.objects.filter(pk=int(status.callback_data[4:]), external_id__isnull=True).update(
                external_id=status.external_id
            )
            outbox = OutboxItem.objects.filter(external_id=status.external_id).first()
        if outbox is None:
            if item.received_at < stale:  # Meta's message TTL is 30 days: nothing will ever match it
                item.state = InboxItem.State.DONE
                item.error = "no matching outbound message"
                item.save(update_fields=["state", "error"])
            continue
        with transaction.atomic():
            outbox = OutboxItem.objects.select_for_update().get(pk=outbox.pk)
            apply_status(outbox, status)
            item.state = InboxItem.State.DONE
            item.processed_at = timezone.now()
            item.save(update_fields=["state", "processed_at"])
        applied += 1
    return applied
