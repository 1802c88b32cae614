"""The officer's side on WhatsApp: tasks arrive, the officer accepts or says "not my area", and sends an
action-taken report (text, photos, videos, voice) finished with a Send-report button. Messages from
numbers not on the roster never reach this module (see handler.handle_inbound)."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from satark.media.models import MediaAsset
from satark.messaging.models import OutboxItem
from satark.messaging.outbound import queue_message
from satark.messaging.templates import get as get_template
from satark.messaging.types import InboundMessage
from satark.people.models import Officer
from satark.tips.lifecycle import Change, TransitionRefused, transition
from satark.tips.models import ActionReport, Tip

from .attachments import register_message_media
from .models import OfficerSession
from .notices import notify_reporter

OPEN = (Tip.Status.ASSIGNED, Tip.Status.ACCEPTED, Tip.Status.ACTION_REPORTED)
TASK_WORDS = {"tasks", "task", "kaam", "karya", "kary", "कार्य", "काम"}
HELP_WORDS = {"help", "madad", "मदद", "सहायता"}
BURST = timedelta(seconds=60)


@lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = json.loads(
        (Path(__file__).with_name("officer_texts.json")).read_text(encoding="utf-8")
    )
    return texts


def say(officer: Officer, key: str, **params: Any) -> str:
    entry = _texts()[key]
    return entry.get(officer.language, entry["en"]).format(**params)


def _send(officer: Officer, payload: dict[str, Any], purpose: str = "officer") -> OutboxItem:
    return queue_message(officer.contact_ref, payload, purpose=purpose)


def _text(officer: Officer, key: str, **params: Any) -> None:
    _send(officer, {"type": "text", "body": say(officer, key, **params)})


def _actor(officer: Officer) -> str:
    return f"officer:{officer.pk}"


# --- tasks going out -------------------------------------------------------------------------------


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def send_task(tip: Tip, officer: Officer, *, resend: bool = False) -> None:
    lang = officer.language
    place = " · ".join(
        p
        for p in (
            tip.station.label(lang) if tip.station else "",
            tip.place_text,
            tip.district.label(lang) if tip.district else "",
        )
        if p
    ) or say(officer, "not_given")
    when = tip.occurred_text or (f"{tip.occurred_at:%d-%m-%Y %H:%M}" if tip.occurred_at else say(officer, "not_given"))
    images, withheld = _task_media(tip)
    note = say(officer, "media_note", count=len(images)) if images else ""
    if withheld:
        note += say(officer, "media_withheld", count=withheld)
    body = say(
        officer,
        "task_body",
        reference=tip.reference,
        category=tip.category.label(lang),
        place=_shorten(place, 120),
        when=_shorten(when, 60),
        description=_shorten(tip.description, 500),
        media_note=note,
    )
    spec = get_template("satark_officer_task")
    fallback = spec.payload(
        lang if lang in spec.bodies else "en",
        [tip.reference, tip.category.label(lang), _shorten(place, 60)],
        [f"task:accept:{tip.reference}", f"task:decline:{tip.reference}"],
    )
    payload: dict[str, Any] = {
        "type": "buttons",
        "body": _shorten(body, 1024),
        "options": [
            {"id": f"task:accept:{tip.reference}", "title": say(officer, "accept_button")},
            {"id": f"task:decline:{tip.reference}", "title": say(officer, "decline_button")},
        ],
    }
    if resend:  # they already answered the template's buttons: the details, without buttons again
        payload = {"type": "text", "body": _shorten(body, 4096), "resent": True}
    else:
        payload["fallback_template"] = fallback
    _send(officer, payload, purpose=f"task:{tip.reference}")
    for n, asset in enumerate(images, start=1):  # sanitised derivatives only, never the sealed original
        _send(
            officer,
            {
                "type": "image",
                "caption": f"{tip.reference} {n}/{len(images)}",
                "upload": {"path": str(Path(settings.MEDIA_ROOT) / asset.derivative_path), "mime_type": "image/jpeg"},
            },
            purpose=f"task:{tip.reference}",
        )


def _task_media(tip: Tip) -> tuple[list[MediaAsset], int]:
    """Images safe to forward to the officer, and how many were withheld as explicit (restricted)."""
    ready = [a for a in MediaAsset.objects.filter(tip=tip, state="ready").exclude(derivative_path="")]
    shareable = [a for a in ready if a.kind == "image" and not a.restricted]
    return shareable, sum(1 for a in ready if a.restricted)


def resend_unseen_task(officer: Officer, tip: Tip) -> bool:
    """If the task went out while the officer's 24-hour window was closed, they saw only the short
    template and its photos could not go at all. Now that they have written (the window is open),
    send the full task and its photos once."""
    items = OutboxItem.objects.filter(recipient_ref=officer.contact_ref, purpose=f"task:{tip.reference}")
    unseen = items.filter(payload__type="template").exists() or items.filter(state=OutboxItem.State.FAILED).exists()
    if not unseen or items.filter(payload__resent=True).exists():
        return False
    send_task(tip, officer, resend=True)
    return True


def on_case_event(change: Change, actor: Any, reason: str) -> None:
    """Called by tips.lifecycle after every transition (settings.SATARK_CASE_EVENT_HANDLERS)."""
    tip = change.tip
    if change.action == "assign" and tip.officer is not None:
        send_task(tip, tip.officer)
    elif change.action == "send_back" and tip.officer is not None:
        _text(tip.officer, "sent_back", reference=tip.reference, remark=_shorten(reason, 300))
        _session(tip.officer, tip)
    elif change.action == "close":
        if tip.officer is not None:
            _text(tip.officer, "closed", reference=tip.reference)
        notice = settings.SATARK_REPORTER_NOTICE_ON_OUTCOME.get(tip.outcome)
        if notice:
            notify_reporter(tip, notice)


# --- officer messages coming in --------------------------------------------------------------------


def _session(officer: Officer, tip: Tip | None = None) -> OfficerSession:
    session, _ = OfficerSession.objects.get_or_create(officer=officer)
    if tip is not None and session.current_tip_id != tip.pk:
        session.current_tip = tip
        session.draft = None
        session.save(update_fields=["current_tip", "draft", "updated_at"])
    return session


def _open_tasks(officer: Officer) -> list[Tip]:
    return list(Tip.objects.filter(officer=officer, status__in=OPEN).select_related("category").order_by("created_at"))


def _own_task(officer: Officer, reference: str) -> Tip | None:
    return Tip.objects.filter(officer=officer, reference=reference, status__in=OPEN).first()


def _task_of_quoted(officer: Officer, context_digest: str) -> Tip | None:
    if not context_digest:
        return None
    quoted = OutboxItem.objects.filter(
        recipient_ref=officer.contact_ref, external_id=context_digest, purpose__startswith="task:"
    ).first()
    return _own_task(officer, quoted.purpose.removeprefix("task:")) if quoted else None


def _list_tasks(officer: Officer) -> None:
    tasks = _open_tasks(officer)
    if not tasks:
        _text(officer, "no_task")
        return
    _send(
        officer,
        {
            "type": "list",
            "body": say(officer, "tasks_body"),
            "button": say(officer, "tasks_button"),
            "options": [
                {
                    "id": f"task:pick:{t.reference}",
                    "title": t.reference,
                    "description": _shorten(f"{t.category.label(officer.language)} · {t.get_status_display()}", 72),
                }
                for t in tasks[:10]
            ],
        },
    )


def _current(officer: Officer, message: InboundMessage) -> Tip | None:
    quoted = _task_of_quoted(officer, message.context_id)
    if quoted is not None:
        return _session(officer, quoted).current_tip
    session = _session(officer)
    if session.current_tip_id and _own_task(officer, session.current_tip.reference if session.current_tip else ""):
        return session.current_tip
    tasks = _open_tasks(officer)
    if len(tasks) == 1:
        return _session(officer, tasks[0]).current_tip
    return None


def handle_officer(officer: Officer, message: InboundMessage) -> None:
    choice = message.choice_id
    words = message.text.strip().lower()
    if choice.startswith("task:"):
        _, action, reference = [*choice.split(":", 2), "", ""][:3]
        tip = _own_task(officer, reference)
        if tip is None:
            _text(officer, "no_task")
            return
        try:
            if action == "accept":
                if tip.status == Tip.Status.ASSIGNED:
                    transition(tip, "accept", actor=_actor(officer))
                _session(officer, tip)
                _text(officer, "accepted", reference=tip.reference)
                resend_unseen_task(officer, tip)
            elif action == "decline":
                transition(tip, "decline", actor=_actor(officer), reason="not my area (officer)")
                _text(officer, "declined", reference=tip.reference)
            elif action == "pick":
                _session(officer, tip)
                _text(officer, "task_selected", reference=tip.reference)
                resend_unseen_task(officer, tip)
        except TransitionRefused:
            _text(officer, "no_task")
        return
    if choice == "report:submit":
        _submit(officer)
        return
    if message.kind == "text" and words in TASK_WORDS:
        _list_tasks(officer)
        return
    if message.kind == "text" and words in HELP_WORDS:
        _text(officer, "help")
        return
    if message.kind in ("text", "media"):
        tip = _current(officer, message)
        if tip is None:
            _list_tasks(officer)
            return
        _add_to_report(officer, tip, message)
        return
    _text(officer, "help")  # stickers, reactions, pins without a task: say what works


def _add_to_report(officer: Officer, tip: Tip, message: InboundMessage) -> None:
    session = _session(officer, tip)
    report = session.draft
    new_report = report is None or report.submitted_at is not None
    if report is None or new_report:
        report = ActionReport.objects.create(tip=tip, officer=officer)
        session.draft = report
    if message.text:
        report.text = (report.text + "\n" + message.text).strip()
        report.save(update_fields=["text"])
    if message.kind == "media" and message.media is not None:
        asset = register_message_media(message)
        MediaAsset.objects.filter(pk=asset.pk).update(report=report)
    now = timezone.now()
    # One acknowledgement per burst of photos — but always for the first item of a new report, so the
    # officer always has a Send-report button (e.g. after the office sent a report back).
    quiet = new_report or session.last_ack_at is None or now - session.last_ack_at > BURST
    session.last_ack_at = now
    session.save(update_fields=["draft", "last_ack_at", "updated_at"])
    if quiet:  # one acknowledgement per burst of photos, not one per photo
        _send(
            officer,
            {
                "type": "buttons",
                "body": say(officer, "report_ack", reference=tip.reference),
                "options": [{"id": "report:submit", "title": say(officer, "submit_button")}],
            },
        )


def _submit(officer: Officer) -> None:
    session = _session(officer)
    report = session.draft
    if report is None or report.submitted_at is not None or (not report.text and not report.media.exists()):
        _text(officer, "report_empty")
        return
    tip = report.tip
    try:
        transition(tip, "report", actor=_actor(officer), details={"report": report.pk})
    except TransitionRefused:
        _text(officer, "no_task")
        return
    report.submitted_at = timezone.now()
    report.save(update_fields=["submitted_at"])
    session.draft = None
    session.save(update_fields=["draft", "updated_at"])
    _text(officer, "report_submitted", reference=tip.reference)


def officer_for(sender_ref: str) -> Officer | None:
    return Officer.objects.filter(Q(contact_ref=sender_ref) & Q(active=True)).first()


def officer_media_rejected(officer: Officer, key: str) -> None:
    """A photo or video the officer sent with a report could not be used: say so, and what to do."""
    _text(officer, "media_too_large" if key == "media_too_large" else "media_unreadable")


def tell_officer_of_addition(tip: Tip, text: str, media_count: int) -> None:
    """The reporter added to a tip an officer is working on: the officer hears of it on WhatsApp (the text,
    shortened, and how many files; the files themselves are on the dashboard)."""
    officer = tip.officer
    if officer is None or tip.status not in OPEN:
        return
    _text(
        officer,
        "reporter_added",
        reference=tip.reference,
        text=_shorten(text, 600) or "-",
        count=media_count,
    )
