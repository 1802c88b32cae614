"""Rate limits and blocks that act on the opaque reporter reference, never on a number.

The app imports nothing of messaging, conversations, WhatsApp, tips or the dashboard: callers feed it.

- The inbound path asks `check_message(reporter_ref, now)` before handling a message and
  `check_tip(reporter_ref, now)` before submitting a tip; each returns a `Verdict` and, when allowed,
  counts the event (in the caller's transaction on "default", so a rolled-back attempt is not counted).
- Staff know a tip's reference only. A dashboard action looks the tip up server-side and calls
  `block_reporter_of(tip_reference, tip.reporter_ref, by_user=..., reason=...)`; the reporter reference
  never reaches the browser, the audit log or any page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from satark.audit.actions import record
from satark.core.redaction import redact

from .models import Block, Counter

DEFAULT_MAX_MESSAGES_PER_MINUTE = 30
DEFAULT_MAX_TIPS_PER_DAY = 5
_PHONE_LIKE = re.compile(r"[+\d\s().-]+")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = "ok"  # ok | blocked | too_many_messages | too_many_tips
    retry_after_seconds: int = 0  # when a rate limit refused: until the window ends


def _max_messages_per_minute() -> int:
    return int(getattr(settings, "SATARK_ABUSE_MAX_MESSAGES_PER_MINUTE", DEFAULT_MAX_MESSAGES_PER_MINUTE))


def _max_tips_per_day() -> int:
    return int(getattr(settings, "SATARK_ABUSE_MAX_TIPS_PER_DAY", DEFAULT_MAX_TIPS_PER_DAY))


def _checked_ref(reporter_ref: str) -> str:
    """Refuse anything that is not an opaque reference: a number must never become a key here."""
    ref = (reporter_ref or "").strip()
    if not ref or len(ref) > 40 or _PHONE_LIKE.fullmatch(ref) or redact(ref) != ref:
        raise ValueError("abuse control takes the vault's opaque reporter reference, never a number")
    return ref


def _aware(now: datetime | None) -> datetime:
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError("`now` must be timezone-aware")
    return now


def _minute(now: datetime) -> tuple[datetime, datetime]:
    start = now.replace(second=0, microsecond=0)
    return start, start + timedelta(minutes=1)


def _day(now: datetime) -> tuple[datetime, datetime]:
    """The local calendar day (settings.TIME_ZONE): "5 tips a day" means what the citizen means."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = timezone.localtime(start + timedelta(days=1, hours=2)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, end


def _consume(ref: str, kind: str, window: datetime, limit: int) -> bool:
    """Count one event in the current window if the limit allows it. The row is locked, so two
    consumers handling the same reporter never both take the last slot."""
    with transaction.atomic():
        row = Counter.objects.select_for_update().filter(reporter_ref=ref, kind=kind).first()
        if row is None:
            try:
                with transaction.atomic():
                    Counter.objects.create(reporter_ref=ref, kind=kind, window_start=window, count=min(1, limit))
                return limit >= 1
            except IntegrityError:  # created concurrently: lock theirs and go on
                row = Counter.objects.select_for_update().get(reporter_ref=ref, kind=kind)
        if row.window_start < window:  # a new window (a late, older event counts in the newer one)
            row.window_start, row.count = window, 0
        allowed = row.count < limit
        if allowed:
            row.count += 1
        row.save(update_fields=["window_start", "count"])
        return allowed


def is_blocked(reporter_ref: str) -> bool:
    return Block.objects.filter(reporter_ref=_checked_ref(reporter_ref), active=True).exists()


def check_message(reporter_ref: str, now: datetime | None = None) -> Verdict:
    """May this reporter's message be handled? Counts it when allowed (per calendar minute, UTC)."""
    ref, now = _checked_ref(reporter_ref), _aware(now)
    if is_blocked(ref):
        return Verdict(False, "blocked")
    start, end = _minute(now)
    if _consume(ref, Counter.Kind.MESSAGE, start, _max_messages_per_minute()):
        return Verdict(True)
    return Verdict(False, "too_many_messages", max(1, int((end - now).total_seconds())))


def check_tip(reporter_ref: str, now: datetime | None = None, *, consume: bool = True) -> Verdict:
    """May this reporter submit another tip? Counts it when allowed (per local calendar day).

    `consume=False` only looks (e.g. when a new conversation starts, so nobody fills in a whole
    questionnaire to be refused at the end); call it again with `consume=True` at submission."""
    ref, now = _checked_ref(reporter_ref), _aware(now)
    if is_blocked(ref):
        return Verdict(False, "blocked")
    start, end = _day(now)
    limit = _max_tips_per_day()
    if consume:
        allowed = _consume(ref, Counter.Kind.TIP, start, limit)
    else:
        row = Counter.objects.filter(reporter_ref=ref, kind=Counter.Kind.TIP).first()
        allowed = (row.count if row is not None and row.window_start >= start else 0) < limit
    if allowed:
        return Verdict(True)
    return Verdict(False, "too_many_tips", max(1, int((end - now).total_seconds())))


# --- staff actions -----------------------------------------------------------------------------------


def _audit(action: str, block: Block, by_user: Any, reason: str) -> None:
    object_type, object_id = ("tip", block.tip_reference) if block.tip_reference else ("block", str(block.pk))
    record(action, object_type, object_id, actor=by_user, details={"block": block.pk, "reason": reason})


def block(reporter_ref: str, *, by_user: Any, reason: str, tip_reference: str = "") -> Block:
    """Block a reporter: their messages are no longer handled and no tip is accepted from them.
    Idempotent: an already blocked reporter keeps the existing block (and nothing new is audited)."""
    ref = _checked_ref(reporter_ref)
    clean_reason = redact(reason.strip())[:300]
    if not clean_reason:
        raise ValueError("a block needs a reason")
    with transaction.atomic():
        existing = Block.objects.select_for_update().filter(reporter_ref=ref, active=True).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                created = Block.objects.create(
                    reporter_ref=ref,
                    tip_reference=redact(tip_reference.strip())[:20],
                    reason=clean_reason,
                    created_by=by_user if getattr(by_user, "pk", None) is not None else None,
                )
        except IntegrityError:  # blocked concurrently
            return Block.objects.get(reporter_ref=ref, active=True)
        _audit("abuse.block", created, by_user, clean_reason)
        return created


def block_reporter_of(tip_reference: str, tip_reporter_ref: str, *, by_user: Any, reason: str) -> Block:
    """The dashboard's action on a tip: the caller looks the tip up server-side (with the staff member's
    access checked) and passes its `reporter_ref`; the audit names the tip only."""
    if not tip_reference.strip():
        raise ValueError("block_reporter_of needs the tip's reference")
    return block(tip_reporter_ref, by_user=by_user, reason=reason, tip_reference=tip_reference)


def _lift(found: Block | None, by_user: Any, reason: str) -> Block | None:
    if found is None:
        return None
    found.active = False
    found.lifted_at = timezone.now()
    found.lifted_by = by_user if getattr(by_user, "pk", None) is not None else None
    found.lift_reason = redact(reason.strip())[:300]
    found.save(update_fields=["active", "lifted_at", "lifted_by", "lift_reason"])
    _audit("abuse.unblock", found, by_user, found.lift_reason)
    return found


def unblock(block_id: int, *, by_user: Any, reason: str) -> Block | None:
    """Lift a block by its id (a staff list of blocks shows ids and tip references, never reporters)."""
    with transaction.atomic():
        return _lift(Block.objects.select_for_update().filter(pk=block_id, active=True).first(), by_user, reason)


def unblock_reporter_of(tip_reference: str, tip_reporter_ref: str, *, by_user: Any, reason: str) -> Block | None:
    ref = _checked_ref(tip_reporter_ref)
    with transaction.atomic():
        found = Block.objects.select_for_update().filter(reporter_ref=ref, active=True).first()
        if found is not None and tip_reference and not found.tip_reference:
            found.tip_reference = redact(tip_reference.strip())[:20]
        return _lift(found, by_user, reason)


def blocks_for_staff(active_only: bool = True) -> list[dict[str, Any]]:
    """What a staff page may show about blocks: never the reporter reference."""
    rows = Block.objects.filter(active=True) if active_only else Block.objects.all()
    fields = ("id", "tip_reference", "reason", "created_by__username", "created_at", "active", "lifted_at")
    return [dict(row) for row in rows.order_by("-created_at").values(*fields)]


# --- housekeeping ------------------------------------------------------------------------------------


def prune_counters(now: datetime | None = None) -> int:
    """Delete counters whose window has ended (a periodic task may call this; nothing depends on it)."""
    now = _aware(now)
    minute_start, _ = _minute(now)
    day_start, _ = _day(now)
    deleted, _ = Counter.objects.filter(
        Q(kind=Counter.Kind.MESSAGE, window_start__lt=minute_start)
        | Q(kind=Counter.Kind.TIP, window_start__lt=day_start)
    ).delete()
    return deleted


def forget_reporter(reporter_ref: str) -> int:
    """Retention: delete everything held about a reporter reference (counters and blocks). Call it with
    `vault.api.forget`; the audit log keeps the staff actions, which name tips, not reporters."""
    ref = _checked_ref(reporter_ref)
    counters, _ = Counter.objects.filter(reporter_ref=ref).delete()
    blocks, _ = Block.objects.filter(reporter_ref=ref).delete()
    return counters + blocks
