"""A tip's timeline: filing, the reporter's media and additions, follow-up questions and answers,
assignments and other case actions, officers' reports and audit events, in time order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from satark.audit.models import AuditEvent
from satark.media.models import MediaAsset
from satark.people.models import Officer
from satark.tips.models import ActionReport, Tip

from .labels import EVENT_LABELS, KIND_LABELS, OUTCOME_LABELS

# Views are audited but are not events of the case; follow-up questions have their own entries.
NOT_IN_TIMELINE = ("tip.viewed", "media.viewed", "tip.follow_up_asked", "tip.follow_up_answered", "tip.submitted")


@dataclass
class Entry:
    at: datetime
    kind: str  # filed | media | follow_up | answer | addition | case | report | audit
    title: str
    who: str = ""
    text: str = ""
    extra: list[str] = field(default_factory=list)


def build(tip: Tip, media: list[MediaAsset], reports: list[ActionReport] | None = None) -> list[Entry]:
    entries = [
        Entry(
            tip.created_at,
            "filed",
            _("Tip received"),
            _("reporter (anonymous)"),
            extra=[_("%(n)s answers") % {"n": len(tip.answers)}],
        )
    ]
    for asset in media:
        entries.append(Entry(asset.created_at, "media", str(KIND_LABELS.get(asset.kind, asset.kind)), _("reporter")))
    for follow_up in tip.follow_ups.select_related("asked_by").all():
        entries.append(
            Entry(
                follow_up.asked_at,
                "follow_up",
                _("Question to the reporter"),
                follow_up.asked_by.username,
                follow_up.question,
            )
        )
        if follow_up.answered_at is not None:
            entries.append(
                Entry(follow_up.answered_at, "answer", _("The reporter answered"), _("reporter"), follow_up.answer)
            )
    for addition in tip.additions.all():
        counted = [_("%(n)s media") % {"n": addition.media_count}] if addition.media_count else []
        entries.append(
            Entry(
                addition.created_at,
                "addition",
                _("The reporter added information"),
                _("reporter"),
                addition.text,
                counted,
            )
        )
    # The tip page has loaded the reports already; pass them to avoid a second query.
    for report in reports if reports is not None else tip.reports.select_related("officer").all():
        if report.submitted_at is not None:
            entries.append(
                Entry(report.submitted_at, "report", _("Action-taken report"), str(report.officer), report.text)
            )
    officers: dict[int, str] = {}
    events = list(
        AuditEvent.objects.filter(object_type="tip", object_id=tip.reference).exclude(action__in=NOT_IN_TIMELINE)
    )
    officer_ids = {e.details.get("officer") for e in events if isinstance(e.details.get("officer"), int)}
    if officer_ids:
        officers = {o.pk: str(o) for o in Officer.objects.filter(pk__in=officer_ids)}
    for event in events:
        details: dict[str, Any] = event.details or {}
        extra: list[str] = []
        if isinstance(details.get("officer"), int):
            extra.append(officers.get(details["officer"], "?"))
        if details.get("outcome"):
            extra.append(str(OUTCOME_LABELS.get(details["outcome"], details["outcome"])))
        if isinstance(details.get("district"), dict):
            extra.append(f"{details['district'].get('from') or '—'} → {details['district'].get('to')}")
        kind = "case" if event.action.startswith("tip.") else "audit"
        label = EVENT_LABELS.get(event.action)
        title = str(label) if label else event.action.split(".", 1)[-1].replace("_", " ")
        entries.append(Entry(event.created_at, kind, title, event.actor_label, str(details.get("reason") or ""), extra))
    entries.sort(key=lambda e: e.at)
    return entries
