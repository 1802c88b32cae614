"""The shell around the pure engine: load state, translate the message, step, save, apply effects."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from satark.abuse import actions as abuse
from satark.engine import (
    Buttons,
    Cancelled,
    CollectMedia,
    Definition,
    Event,
    ListMenu,
    LocationRequest,
    Message,
    Reply,
    State,
    StatusRequest,
    Submit,
    Text,
    step,
)
from satark.escalation.duty import duty_number_for
from satark.media.models import MediaAsset
from satark.media.pipeline import discard_unsubmitted
from satark.media.pipeline import register as register_media
from satark.messaging.outbound import queue_message
from satark.messaging.types import InboundMessage
from satark.posters.lookup import resolve_prefill
from satark.tips.models import Tip

from . import threads
from .definitions import get_definition
from .filing import file_tip
from .models import Conversation
from .officers import handle_officer, officer_for, officer_media_rejected

log = logging.getLogger(__name__)
DUTY_REPLY = {
    "hi": "सतर्क मित्र: यह कार्यालय का ड्यूटी नंबर है। यहाँ समय-सीमा पार सूचनाओं की जानकारी आती है; "
    "कार्रवाई डैशबोर्ड पर करें। नागरिक के रूप में सूचना देने के लिए किसी दूसरे नंबर का प्रयोग करें।",
    "en": "Satark Mitra: this is an office duty number. Overdue tips are reported here; act on them in the "
    "dashboard. To report something as a citizen, use another number.",
}


def to_event(message: InboundMessage) -> Event:
    media = message.media
    return Event(
        kind=message.kind if message.kind != "system" else "unsupported",
        text=message.text,
        choice_id=message.choice_id,
        choice_title=message.choice_title,
        latitude=message.latitude,
        longitude=message.longitude,
        place_name=message.place_name,
        media_id=media.id if media else "",
        media_kind=media.kind if media else "",
        mime_type=media.mime_type if media else "",
    )


def to_payload(message: Message) -> dict[str, Any]:
    if isinstance(message, Text):
        return {"type": "text", "body": message.body}
    if isinstance(message, Buttons):
        return {
            "type": "buttons",
            "body": message.body,
            "header": message.header,
            "footer": message.footer,
            "options": [{"id": o.id, "title": o.title} for o in message.options],
        }
    if isinstance(message, ListMenu):
        return {
            "type": "list",
            "body": message.body,
            "button": message.button,
            "header": message.header,
            "footer": message.footer,
            "options": [{"id": o.id, "title": o.title, "description": o.description} for o in message.options],
        }
    if isinstance(message, LocationRequest):
        return {"type": "location_request", "body": message.body}
    raise TypeError(f"unknown message {type(message).__name__}")


def status_text(definition: Definition, reporter_ref: str, language: str) -> str:
    """The reporter's own tips with a neutral status (nothing about what they were about)."""
    tips = list(Tip.objects.filter(reporter_ref=reporter_ref).order_by("-created_at")[:10])
    if language not in definition.languages:  # no language chosen yet: the one of their latest report
        language = tips[0].language if tips and tips[0].language in definition.languages else definition.languages[0]
    if not tips:
        return definition.text(language, "status_none")
    lines = [
        definition.text(
            language, "status_closed" if t.status == Tip.Status.CLOSED else "status_open", reference=t.reference
        )
        for t in tips
    ]
    return "\n".join([definition.text(language, "status_header"), *lines])


def handle_inbound(sender_ref: str, message: InboundMessage) -> None:
    if message.kind == "system":
        return  # number changes are applied by the vault on receipt; nothing to say to anyone
    officer = officer_for(sender_ref)
    if officer is not None:  # only numbers on the roster reach the officer flow
        handle_officer(officer, message)
        return
    duty = duty_number_for(sender_ref)
    if duty is not None:  # an office's duty phone: it receives escalations, it does not file reports
        language = duty.language if duty.language in ("hi", "en") else "hi"
        queue_message(sender_ref, {"type": "text", "body": DUTY_REPLY[language]})
        return
    now = datetime.fromtimestamp(message.timestamp, tz=UTC) if message.timestamp else timezone.now()
    if not abuse.check_message(sender_ref, now).allowed:
        log.info("message dropped: sender blocked or over the per-minute limit")
        return
    definition = get_definition()
    conversation = Conversation.objects.filter(reporter_ref=sender_ref, active=True).order_by("-id").first()
    language = State.from_json(conversation.state).language if conversation else ""
    # About a report already sent: "add", an open exchange (adding, answering the office's question).
    if threads.is_add_command(definition, message):
        threads.start_addition(sender_ref, definition, language)
        return
    thread = threads.quoted_question(sender_ref, message) or threads.active_thread(sender_ref)
    if thread is not None and threads.handle(thread, message, definition):
        return
    if conversation is None and message.kind == "reaction":
        return  # a 👍 on the bot's last message (the reference, a notice) is not a new report
    if conversation is None and threads.is_command(definition, message, "status"):
        # "status" with no report under way: the answer alone, not a new questionnaire.
        queue_message(sender_ref, {"type": "text", "body": status_text(definition, sender_ref, language)})
        return
    if conversation is None and not abuse.check_tip(sender_ref, now, consume=False).allowed:
        # Over today's limit of reports: say so before they answer a whole questionnaire for nothing,
        # but an emergency still gets "call 112" first.
        threads.urgent_reply(sender_ref, definition, message, language)
        queue_message(sender_ref, {"type": "text", "body": definition.text("", "limit_reached")})
        return
    state = State.from_json(conversation.state) if conversation else None
    hint = resolve_prefill(message.text) if conversation is None and message.text else None
    hints = {"district": hint[0].code, **({"station": hint[1].code} if hint[1] else {})} if hint else None
    new_state, effects = step(definition, state, to_event(message), timezone.now(), hints)
    if conversation is None:
        conversation = Conversation(
            reporter_ref=sender_ref, questionnaire=f"{new_state.questionnaire}.v{new_state.version}"
        )
        if hint is not None:  # the reporter scanned a poster: remember where it hangs
            conversation.prefill_district = hint[0].code
            conversation.prefill_station = hint[1].code if hint[1] else ""
    conversation.state = new_state.to_json()
    conversation.active = not new_state.finished
    conversation.reminded_at = None  # they are back: if they go quiet again, one more reminder
    conversation.save()

    # A status request is answered before the question the engine repeats after it.
    effects = tuple(sorted(effects, key=lambda e: not isinstance(e, StatusRequest)))
    for effect in effects:
        if isinstance(effect, Reply):
            queue_message(sender_ref, to_payload(effect.message))
        elif isinstance(effect, CollectMedia):
            register_media(
                channel=message.channel,
                external_id=effect.media_id,
                kind=effect.kind,
                mime=effect.mime_type,
                sha256=message.media.sha256 if message.media and message.media.id == effect.media_id else "",
                caption=effect.caption,
                conversation_id=conversation.pk,
            )
        elif isinstance(effect, Submit):
            if not abuse.check_tip(sender_ref, now).allowed:
                queue_message(sender_ref, {"type": "text", "body": definition.text(effect.language, "limit_reached")})
                continue
            tip = file_tip(conversation, effect.answers, effect.media, effect.language)
            queue_message(
                sender_ref,
                {"type": "text", "body": definition.text(effect.language, "submitted", reference=tip.reference)},
            )
        elif isinstance(effect, Cancelled):
            discard_unsubmitted(conversation.pk)
        elif isinstance(effect, StatusRequest):
            queue_message(sender_ref, {"type": "text", "body": status_text(definition, sender_ref, new_state.language)})


def on_case_event(change: Any, actor: Any, reason: str) -> None:
    """Case events that concern the reporter's side (settings.SATARK_CASE_EVENT_HANDLERS): the office's
    follow-up question goes out through the bot."""
    if change.action == "ask_reporter":
        follow_up = change.tip.follow_ups.filter(answered_at=None).order_by("-id").first()
        if follow_up is not None:
            threads.send_question(follow_up, get_definition())


def media_rejected(asset: MediaAsset) -> None:
    """Tell the sender, in their language, that a file could not be used and what to do instead: the
    reporter in a questionnaire, the reporter adding to a sent report, or the officer reporting."""
    # too_large | unreadable | not_received (the download failed for good): the last two ask to resend.
    key = "media_too_large" if asset.reject_reason == "too_large" else "media_unreadable"
    if asset.conversation_id is None and asset.report_id is None and asset.tip_id is None:
        return  # nobody to tell (a file nothing refers to)
    if asset.report_id is not None and asset.report is not None:
        officer_media_rejected(asset.report.officer, key)
        return
    definition = get_definition()
    if asset.conversation_id is not None:
        conversation = Conversation.objects.filter(pk=asset.conversation_id).first()
        if conversation is None:
            return
        language = State.from_json(conversation.state).language or definition.languages[0]
        queue_message(conversation.reporter_ref, {"type": "text", "body": definition.text(language, key)})
    elif asset.tip_id is not None and asset.tip is not None and asset.tip.reporter_ref:
        language = asset.tip.language if asset.tip.language in definition.languages else definition.languages[0]
        queue_message(asset.tip.reporter_ref, {"type": "text", "body": definition.text(language, key)})
