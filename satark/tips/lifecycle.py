"""The tip lifecycle as an explicit transition table. Every change goes through `transition()`, which
checks the table and writes the audit event (who, when, why)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from satark.audit.actions import record

from .models import Tip

S = Tip.Status

# (state, action) -> new state
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.NEW, "assign"): S.ASSIGNED,
    (S.ASSIGNED, "assign"): S.ASSIGNED,  # reassign to another officer
    (S.ACCEPTED, "assign"): S.ASSIGNED,
    (S.ASSIGNED, "accept"): S.ACCEPTED,
    (S.ASSIGNED, "decline"): S.NEW,  # "not my area": back to the office
    (S.ASSIGNED, "report"): S.ACTION_REPORTED,  # a report without an explicit accept
    (S.ACCEPTED, "report"): S.ACTION_REPORTED,
    (S.ACTION_REPORTED, "report"): S.ACTION_REPORTED,  # more photos, a second note
    (S.ACTION_REPORTED, "send_back"): S.ACCEPTED,  # the office wants more
    (S.ACTION_REPORTED, "close"): S.CLOSED,
    (S.NEW, "close"): S.CLOSED,  # duplicate, no substance, transferred
    (S.ASSIGNED, "close"): S.CLOSED,
    (S.ACCEPTED, "close"): S.CLOSED,
    (S.CLOSED, "reopen"): S.NEW,
    (S.NEW, "transfer"): S.NEW,  # to another district, with a reason
}
NEEDS_REASON = {"decline", "send_back", "reopen", "transfer", "close"}
NEEDS_OUTCOME = {"close"}


class TransitionRefused(ValueError):
    pass


@dataclass(frozen=True)
class Change:
    tip: Tip
    action: str
    before: str
    after: str


def allowed_actions(status: str) -> list[str]:
    return sorted({action for (state, action) in TRANSITIONS if state == status})


def transition(
    tip: Tip,
    action: str,
    *,
    actor: Any,
    reason: str = "",
    outcome: str = "",
    officer: Any = None,
    district: Any = None,
    details: dict[str, Any] | None = None,
) -> Change:
    """Apply `action` to the tip or raise TransitionRefused with a reason a person can read."""
    with transaction.atomic():
        locked = Tip.objects.select_for_update().get(pk=tip.pk)
        target = TRANSITIONS.get((locked.status, action))
        if target is None:
            raise TransitionRefused(
                f"a tip that is {locked.get_status_display().lower()} cannot be '{action}' "
                f"(possible: {', '.join(allowed_actions(locked.status)) or 'none'})"
            )
        if action in NEEDS_REASON and not reason.strip():
            raise TransitionRefused(f"'{action}' needs a reason")
        if action in NEEDS_OUTCOME and outcome not in Tip.Outcome.values:
            raise TransitionRefused(f"'{action}' needs an outcome: {', '.join(Tip.Outcome.values)}")
        if action == "assign" and officer is None:
            raise TransitionRefused("'assign' needs an officer")
        if action == "transfer" and (district is None or district.pk == locked.district_id):
            raise TransitionRefused("'transfer' needs another district")
        before = locked.status
        locked.status = target
        locked.status_changed_at = timezone.now()
        fields = ["status", "status_changed_at"]
        if action == "assign":
            locked.officer = officer
            fields.append("officer")
            if locked.first_assigned_at is None:
                locked.first_assigned_at = locked.status_changed_at
                fields.append("first_assigned_at")
        if action == "report" and locked.first_reported_at is None:
            locked.first_reported_at = locked.status_changed_at
            fields.append("first_reported_at")
        if action == "decline":
            locked.officer = None
            fields.append("officer")
        if action == "close":
            locked.outcome = outcome
            fields.append("outcome")
        if action == "reopen":
            locked.outcome = ""
            fields.append("outcome")
        transferred_from = locked.district.code if locked.district else None
        if action == "transfer":
            locked.district = district
            locked.station = None  # the receiving SP office decides where it goes within its district
            locked.officer = None
            fields += ["district", "station", "officer"]
        locked.save(update_fields=fields)
        audit = {"from": before, "to": target, "reason": reason.strip()[:500], **(details or {})}
        if outcome:
            audit["outcome"] = outcome
        if officer is not None:
            audit["officer"] = officer.pk
        if action == "transfer":
            audit["district"] = {"from": transferred_from, "to": district.code}
        record(f"tip.{action}", "tip", locked.reference, actor=actor, details=audit)
        tip.refresh_from_db()
        change = Change(tip=tip, action=action, before=before, after=target)
        # Side effects (the officer's task on WhatsApp, the reporter's notice) are wired in settings so
        # that tips never imports the channel; they queue messages in this same transaction.
        for path in settings.SATARK_CASE_EVENT_HANDLERS:
            import_string(path)(change, actor, reason)
    return change
