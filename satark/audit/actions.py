"""Recording audit events. Each event's hash covers the previous event's hash (tamper evidence)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from satark.core.redaction import redact

from .models import AuditEvent, ChainHead

GENESIS = "0" * 64


def _digest(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def record(
    action: str, object_type: str, object_id: str, *, actor: Any = None, details: dict[str, Any] | None = None
) -> AuditEvent:
    clean = json.loads(redact(json.dumps(details or {}, ensure_ascii=False, default=str)))
    label = "system" if actor is None else getattr(actor, "username", str(actor))
    user = actor if getattr(actor, "pk", None) is not None and hasattr(actor, "username") else None
    with transaction.atomic():
        ChainHead.objects.get_or_create(pk=1, defaults={"hash": GENESIS})
        head = ChainHead.objects.select_for_update().get(pk=1)
        prev = head.hash
        now = timezone.now()
        payload = {
            "at": now.isoformat(),
            "actor": label,
            "action": action,
            "object": f"{object_type}:{object_id}",
            "details": clean,
        }
        event = AuditEvent.objects.create(
            created_at=now,
            actor=user,
            actor_label=label,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            details=clean,
            prev_hash=prev,
            hash=_digest(prev, payload),
        )
        head.hash = event.hash
        head.count += 1
        head.save(update_fields=["hash", "count"])
        return event


def verify_chain() -> tuple[bool, int | None]:
    """Recompute every hash; returns (ok, id of the first broken event)."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator():
        payload = {
            "at": event.created_at.isoformat(),
            "actor": event.actor_label,
            "action": event.action,
            "object": f"{event.object_type}:{event.object_id}",
            "details": event.details,
        }
        if event.prev_hash != prev or event.hash != _digest(prev, payload):
            return False, event.id
        prev = event.hash
    return True, None
