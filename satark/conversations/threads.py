"""Exchanges about a tip already filed, beside the questionnaire (see models.ReporterThread):

- "add" (or "jodna", "जोड़ें" ...) at any time: the reporter picks one of their open reports (or the
  only one) and sends text, photos, videos or voice notes; each item is kept as it arrives (nothing is
  lost if they go quiet), Done or a quiet hour ends it; the office sees it in the tip's timeline.
- a follow-up question from the office (tips.followups.ask): sent through the vault in the tip's
  language, as the neutral update template when the reporter's window is closed; their next message (or a
  reply quoting the question) is the answer, text or media, and lands in the timeline. Staff never learn
  who answered.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from satark.audit.actions import record
from satark.engine import Definition, matching
from satark.media.models import MediaAsset
from satark.media.sensitivity import refresh as refresh_sensitivity
from satark.messaging.models import OutboxItem
from satark.messaging.outbound import queue_message
from satark.messaging.templates import get as get_template
from satark.messaging.types import InboundMessage
from satark.tips.followups import answer as record_answer
from satark.tips.models import Addition, FollowUp, Tip

from .attachments import register_message_media
from .models import ReporterThread
from .officers import tell_officer_of_addition

T = ReporterThread.Kind
OPEN_FOR_ADDITIONS = (Tip.Status.NEW, Tip.Status.ASSIGNED, Tip.Status.ACCEPTED, Tip.Status.ACTION_REPORTED)
ACK_EVERY = timedelta(seconds=30)  # one acknowledgement per burst of media, not one per item
MAX_CHOICES = 10  # WhatsApp list rows


def _language(definition: Definition, language: str) -> str:
    return language if language in definition.languages else definition.languages[0]


def _say(reporter_ref: str, definition: Definition, language: str, key: str, **params: Any) -> OutboxItem:
    body = definition.text(_language(definition, language), key, **params)
    return queue_message(reporter_ref, {"type": "text", "body": body})


def is_command(definition: Definition, message: InboundMessage, *names: str) -> bool:
    return message.kind == "text" and any(
        matching.is_word(message.text, definition.commands.get(name, ())) for name in names
    )


def is_add_command(definition: Definition, message: InboundMessage) -> bool:
    return is_command(definition, message, "add")


def urgent_reply(reporter_ref: str, definition: Definition, message: InboundMessage, language: str) -> bool:
    """Urgent words (firing, murder happening now): "call 112" at once, whatever else is going on."""
    text = message.text or (message.media.caption if message.media else "")
    if text and matching.contains_any(text, definition.urgent_words):
        _say(reporter_ref, definition, language, "urgent_112")
        return True
    return False


def active_thread(reporter_ref: str) -> ReporterThread | None:
    return ReporterThread.objects.filter(reporter_ref=reporter_ref, active=True).order_by("-id").first()


def quoted_question(reporter_ref: str, message: InboundMessage) -> ReporterThread | None:
    """The answer thread whose question this message replies to (WhatsApp's reply/quote), if any."""
    if not message.context_id:
        return None
    item = OutboxItem.objects.filter(
        recipient_ref=reporter_ref, external_id=message.context_id, purpose="follow_up"
    ).first()
    if item is None:
        return None
    return ReporterThread.objects.filter(question_item_id=item.pk, kind=T.ANSWER).order_by("-id").first()


# --- the office asks -------------------------------------------------------------------------------


def send_question(follow_up: FollowUp, definition: Definition) -> ReporterThread:
    """Queue the office's question to the reporter and open the thread that will take the answer."""
    tip = follow_up.tip
    language = _language(definition, tip.language)
    spec = get_template("satark_reporter_update")
    ReporterThread.objects.filter(reporter_ref=tip.reporter_ref, active=True, kind=T.ANSWER, tip=tip).update(
        active=False
    )  # a newer question about the same tip replaces an unanswered one
    item = queue_message(
        tip.reporter_ref,
        {
            "type": "text",
            "body": definition.text(
                language, "followup_question", reference=tip.reference, question=follow_up.question
            ),
            "fallback_template": spec.payload(language if language in spec.bodies else "hi", [tip.reference]),
        },
        purpose="follow_up",
    )
    return ReporterThread.objects.create(
        reporter_ref=tip.reporter_ref,
        kind=T.ANSWER,
        language=language,
        tip=tip,
        follow_up=follow_up,
        question_item_id=item.pk,
    )


def _question_unread(thread: ReporterThread) -> bool:
    """True when the question went out as the neutral template: the reporter has not seen it."""
    if thread.question_shown or thread.question_item_id is None:
        return False
    item = OutboxItem.objects.filter(pk=thread.question_item_id).first()
    return item is not None and item.payload.get("type") == "template"


# --- the reporter writes ---------------------------------------------------------------------------


def start_addition(reporter_ref: str, definition: Definition, language: str) -> None:
    tips = list(
        Tip.objects.filter(reporter_ref=reporter_ref, status__in=OPEN_FOR_ADDITIONS, purged_at=None).order_by(
            "-created_at"
        )[:MAX_CHOICES]
    )
    language = _language(definition, language or (tips[0].language if tips else ""))
    ReporterThread.objects.filter(reporter_ref=reporter_ref, active=True).exclude(kind=T.ANSWER).update(active=False)
    if not tips:
        _say(reporter_ref, definition, language, "add_none")
        return
    if len(tips) == 1:
        _begin_addition(reporter_ref, definition, language, tips[0])
        return
    ReporterThread.objects.create(reporter_ref=reporter_ref, kind=T.CHOOSING, language=language)
    queue_message(
        reporter_ref,
        {
            "type": "list",
            "body": definition.text(language, "add_choose"),
            "button": definition.text(language, "choose_button"),
            "header": "",
            "footer": "",
            "options": [
                {"id": f"add:{t.reference}", "title": t.reference, "description": t.created_at.strftime("%d/%m/%Y")}
                for t in tips
            ],
        },
    )


def _begin_addition(reporter_ref: str, definition: Definition, language: str, tip: Tip) -> None:
    ReporterThread.objects.create(reporter_ref=reporter_ref, kind=T.ADDITION, language=language, tip=tip)
    queue_message(
        reporter_ref,
        {
            "type": "buttons",
            "body": definition.text(language, "add_prompt", reference=tip.reference),
            "header": "",
            "footer": "",
            "options": [{"id": "add:done", "title": definition.text(language, "done_button")}],
        },
    )


def handle(thread: ReporterThread, message: InboundMessage, definition: Definition) -> bool:
    """Give the message to the open thread. Returns False when the thread does not take it (the
    questionnaire should), e.g. a reply that is not a choice while choosing."""
    language = thread.language
    if is_command(definition, message, "cancel"):
        _close(thread)
        _say(thread.reporter_ref, definition, language, "thread_closed")
        return True
    if is_command(definition, message, "help", "language", "restart", "status"):
        # Global words keep their meaning: the questionnaire answers them. Adding stops here (what was
        # sent is saved); an unanswered question stays open for a later message.
        if thread.kind != T.ANSWER:
            _close(thread)
        return False
    if thread.kind == T.CHOOSING:
        return _choose(thread, message, definition)  # not a choice: the questionnaire (with its 112) takes it
    urgent_reply(thread.reporter_ref, definition, message, language)
    if thread.kind == T.ANSWER:
        return _answer(thread, message, definition)
    return _add(thread, message, definition)


def _choose(thread: ReporterThread, message: InboundMessage, definition: Definition) -> bool:
    reference = ""
    if message.kind == "choice" and message.choice_id.startswith("add:"):
        reference = message.choice_id.removeprefix("add:")
    elif message.kind == "text":
        reference = message.text.strip().upper()
    tip = Tip.objects.filter(
        reporter_ref=thread.reporter_ref, reference=reference, status__in=OPEN_FOR_ADDITIONS
    ).first()
    if tip is None:
        _close(thread)
        return False  # not a choice: the questionnaire (or a new one) takes the message
    _close(thread)
    _begin_addition(thread.reporter_ref, definition, thread.language, tip)
    return True


def _add(thread: ReporterThread, message: InboundMessage, definition: Definition) -> bool:
    assert thread.tip is not None
    tip = thread.tip
    if (message.kind == "choice" and message.choice_id == "add:done") or (
        message.kind == "text" and matching.is_word(message.text, definition.words.get("done", ()))
    ):
        _close(thread)
        key = "add_done" if thread.addition_id else "add_nothing"
        _say(thread.reporter_ref, definition, thread.language, key, reference=tip.reference)
        addition = Addition.objects.filter(pk=thread.addition_id).first() if thread.addition_id else None
        if addition is not None:
            tip.refresh_from_db()
            tell_officer_of_addition(tip, addition.text, addition.media_count)
        return True
    with transaction.atomic():
        addition = _addition(thread)
        if message.kind == "text" and message.text.strip():
            addition.text = f"{addition.text}\n{message.text.strip()}".strip()[:8000]
        elif message.kind == "media" and message.media is not None and message.media.kind != "sticker":
            _attach(tip, message)
            addition.media_count += 1
            if message.media.caption:
                addition.text = f"{addition.text}\n{message.media.caption.strip()}".strip()[:8000]
        elif message.kind == "location" and message.latitude is not None:
            addition.text = f"{addition.text}\n📍 {message.latitude:.6f}, {message.longitude:.6f}".strip()
        else:
            _say(thread.reporter_ref, definition, thread.language, "add_unsupported")
            return True
        addition.save()
        record("tip.addition", "tip", tip.reference, actor=None, details={"addition": addition.pk})
        now = timezone.now()
        if thread.last_ack_at is None or now - thread.last_ack_at > ACK_EVERY:
            _say(thread.reporter_ref, definition, thread.language, "add_saved", reference=tip.reference)
            thread.last_ack_at = now
        thread.save(update_fields=["last_ack_at", "updated_at"])
    return True


def _addition(thread: ReporterThread) -> Addition:
    if thread.addition_id:
        found = Addition.objects.filter(pk=thread.addition_id).first()
        if found is not None:
            return found
    assert thread.tip is not None
    addition = Addition.objects.create(tip=thread.tip)
    thread.addition = addition
    thread.save(update_fields=["addition", "updated_at"])
    return addition


def _attach(tip: Tip, message: InboundMessage) -> MediaAsset:
    asset = register_message_media(message)
    if asset.tip_id is None:
        MediaAsset.objects.filter(pk=asset.pk).update(tip=tip)
        transaction.on_commit(lambda: refresh_sensitivity(tip))  # its analysis refreshes it again later
    return asset


def _answer(thread: ReporterThread, message: InboundMessage, definition: Definition) -> bool:
    assert thread.tip is not None and thread.follow_up is not None
    tip = thread.tip
    if _question_unread(thread):
        # Their reply to the neutral template opened the window: now show the question itself.
        queue_message(
            thread.reporter_ref,
            {
                "type": "text",
                "body": definition.text(
                    thread.language, "followup_question", reference=tip.reference, question=thread.follow_up.question
                ),
            },
            purpose="follow_up",
        )
        thread.question_shown = True
        thread.save(update_fields=["question_shown", "updated_at"])
        return True
    parts: list[str] = []
    if message.kind == "text":
        parts.append(message.text.strip())
    elif message.kind == "media" and message.media is not None and message.media.kind != "sticker":
        _attach(tip, message)
        parts.append(f"[{message.media.kind}] {message.media.caption}".strip())
    elif message.kind == "location" and message.latitude is not None:
        parts.append(f"📍 {message.latitude:.6f}, {message.longitude:.6f}")
    elif message.kind == "choice":
        parts.append(message.choice_title)
    if not any(parts):
        _say(thread.reporter_ref, definition, thread.language, "add_unsupported")
        return True
    with transaction.atomic():
        record_answer(thread.follow_up, "\n".join(parts))
        _close(thread)
        _say(thread.reporter_ref, definition, thread.language, "followup_thanks", reference=tip.reference)
    return True


def _close(thread: ReporterThread) -> None:
    ReporterThread.objects.filter(pk=thread.pk).update(active=False, updated_at=timezone.now())
    thread.active = False


ANSWER_OPEN_FOR = timedelta(days=3)


def close_quiet(now: Any, after: timedelta) -> int:
    """Threads nobody wrote to for a while are closed (what was sent is already saved). A question stays
    open for its answer longer; after that the reporter's messages go to the questionnaire again."""
    quiet = ReporterThread.objects.filter(active=True, updated_at__lt=now - after).exclude(kind=T.ANSWER)
    stale = ReporterThread.objects.filter(active=True, kind=T.ANSWER, updated_at__lt=now - ANSWER_OPEN_FOR)
    return quiet.update(active=False) + stale.update(active=False)
