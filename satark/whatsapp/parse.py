"""Meta's webhook JSON -> channel-neutral items. Every entry, change, message and status is visited;
an item we cannot understand becomes an 'unsupported' message rather than being dropped.

The input is untrusted (correctly signed, but shaped by Meta's future and by bugs): every level is
type-checked, so `parse_webhook` either returns items or raises `PayloadError`, never anything else.
Only two things are skipped, and logged: a message or status without a usable `id` (nothing to
deduplicate on) and a message without any sender identifier (nobody to answer). Third parties'
identifiers (shared contact cards, the numbers in a number-change notice, ad click ids) are never kept.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from satark.messaging.types import (
    ChannelError,
    InboundItem,
    InboundMessage,
    MediaRef,
    StatusUpdate,
    TemplateStatusUpdate,
)

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
MAX_ID = 200  # wamids are ~60 characters; the inbox dedupe key and outbox external_id have room for this
MAX_STATUS = 32
MAX_TEXT = 8192  # Meta's text limit is 4096; anything longer is cut, not refused
MAX_TIMESTAMP = 253402300799  # 9999-12-31: anything later (or negative) is not a timestamp
MAX_CODE = 2**31 - 1  # error codes end up in a 32-bit integer column


class PayloadError(ValueError):
    """The body is JSON but not a WhatsApp Business Account webhook."""


class MalformedBody(ValueError):
    """The body is not UTF-8 JSON (or is JSON Python cannot hold, e.g. nested too deeply)."""


def _clean(value: str, limit: int = MAX_TEXT) -> str:
    """A string any database can store: no NUL, no lone surrogates (PostgreSQL refuses both)."""
    if not value.isascii():
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\x00", "")[:limit]


def _str(value: Any, limit: int = MAX_TEXT) -> str:
    return _clean(value, limit) if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _int(value: Any, limit: int) -> int:
    """A non-negative integer from a JSON number or digit string; 0 when absent, malformed or out of range."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, str) and len(value) <= 32:
        try:
            value = int(value)
        except ValueError:
            return 0
    return value if isinstance(value, int) and 0 <= value <= limit else 0


def _number(value: Any, bound: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and -bound <= number <= bound else None


def _id(value: Any, limit: int = MAX_ID) -> str:
    """A string usable in a dedupe key as it is (an id, a status), or '' if there is none."""
    return value if isinstance(value, str) and 0 < len(value) <= limit and _clean(value) == value else ""


def _errors(obj: dict[str, Any]) -> tuple[int, ...]:
    return tuple(_int(e.get("code"), MAX_CODE) for e in _dicts(obj.get("errors")))


def _error_title(obj: dict[str, Any]) -> str:
    for err in _dicts(obj.get("errors")):
        return _str(err.get("title"), 500) or _str(err.get("message"), 500)
    return ""


def _sender(msg: dict[str, Any], contacts: list[dict[str, Any]]) -> tuple[str, str]:
    """(phone, business-scoped user id). `from_user_id` wins; otherwise the matching `contacts` entry."""
    phone = _str(msg.get("from"), MAX_ID)
    user_id = _str(msg.get("from_user_id"), MAX_ID)
    if not user_id:
        if phone:
            matching = [c for c in contacts if c.get("wa_id") == phone]
        else:  # a username user without a phone: only an unambiguous single contact can be theirs
            matching = contacts if len(contacts) == 1 else []
        for contact in matching:
            user_id = _str(contact.get("user_id"), MAX_ID)
    return phone, user_id


def _media(mtype: str, body: dict[str, Any]) -> MediaRef | None:
    media_id = _str(body.get("id"), MAX_ID)
    if not media_id:
        return None
    return MediaRef(
        id=media_id,
        kind=mtype,
        mime_type=_str(body.get("mime_type"), 200),
        sha256=_str(body.get("sha256"), 200),
        caption=_str(body.get("caption")),
        filename=_str(body.get("filename"), 500),
        voice=body.get("voice") is True,
        url=_str(body.get("url"), 2000),
    )


def _content(mtype: str, body: dict[str, Any], msg: dict[str, Any]) -> dict[str, Any]:
    """The kind and kind-specific fields of one message; kind 'unsupported' when the shape is wrong."""
    unsupported: dict[str, Any] = {"kind": "unsupported"}
    if mtype == "text":
        text = body.get("body")
        return {"kind": "text", "text": _clean(text)} if isinstance(text, str) else unsupported
    if mtype == "interactive":
        itype = body.get("type")
        reply = _dict(body.get(itype)) if isinstance(itype, str) else {}
        if itype in ("button_reply", "list_reply") and _str(reply.get("id"), 256):
            return {"kind": "choice", "choice_id": _str(reply.get("id"), 256), "choice_title": _str(reply.get("title"))}
        # nfm_reply (a WhatsApp Flow or address form) and anything newer: the bot sends neither, and a
        # flow's response_json holds whatever the user typed into it, so none of it is kept.
        return unsupported
    if mtype == "button":  # a template's quick-reply button
        payload, label = _str(body.get("payload"), 256), _str(body.get("text"))
        if not (payload or label):
            return unsupported
        return {"kind": "choice", "choice_id": payload or label, "choice_title": label or payload}
    if mtype == "location":
        lat, lon = _number(body.get("latitude"), 90), _number(body.get("longitude"), 180)
        if lat is None or lon is None:
            return unsupported
        return {
            "kind": "location",
            "latitude": lat,
            "longitude": lon,
            "place_name": _str(body.get("name"), 500),
            "place_address": _str(body.get("address"), 1000),
        }
    if mtype in MEDIA_TYPES:
        media = _media(mtype, body)
        if media is None:
            return unsupported
        return {"kind": "sticker" if mtype == "sticker" else "media", "media": media, "text": media.caption}
    if mtype == "reaction":
        # An empty or absent emoji is the removal of an earlier reaction.
        return {"kind": "reaction", "emoji": _str(body.get("emoji"), 64), "context_id": _id(body.get("message_id"))}
    if mtype == "contacts":  # shared contact cards: a count only, never the third parties' numbers
        shared = msg.get("contacts")
        return {"kind": "contacts", "contacts_count": len(shared)} if isinstance(shared, list) else unsupported
    if mtype == "system":
        # `body` reads "User A changed from <old number> to <new number>": never kept.
        return {
            "kind": "system",
            "text": _str(body.get("type"), 64),
            "new_phone": _str(body.get("wa_id"), MAX_ID) or _str(body.get("new_wa_id"), MAX_ID),
            "new_user_id": _str(body.get("user_id"), MAX_ID),
        }
    if mtype == "order":
        return {"kind": "unsupported", "order_items": len(_dicts(body.get("product_items")))}
    return unsupported


def parse_message(msg: dict[str, Any], contacts: list[dict[str, Any]]) -> InboundMessage | None:
    """One `value.messages[]` object, or None (logged) when it has no usable id or no sender."""
    external_id = _id(msg.get("id"))
    phone, user_id = _sender(msg, contacts)
    if not external_id or not (phone or user_id):
        log.warning("skipped a webhook message without %s", "an id" if not external_id else "a sender")
        return None
    mtype = _str(msg.get("type"), 64) or "unsupported"
    context = _dict(msg.get("context"))
    referral = _dict(msg.get("referral"))
    fields: dict[str, Any] = {
        "context_id": _id(context.get("id")),
        "forwarded": context.get("forwarded") is True or context.get("frequently_forwarded") is True,
        "referral_source_type": _str(referral.get("source_type"), 32),
        "referral_source_id": _str(referral.get("source_id"), MAX_ID),
        "referral_headline": _str(referral.get("headline"), 500),
    }
    content = _content(mtype, _dict(msg.get(mtype)), msg)
    if not content.get("context_id"):
        content.pop("context_id", None)
    fields.update(content)
    return InboundMessage(
        channel=CHANNEL,
        external_id=external_id,
        timestamp=_int(msg.get("timestamp"), MAX_TIMESTAMP),
        sender_phone=phone,
        sender_user_id=user_id,
        raw_type=mtype,
        error_codes=_errors(msg),
        **fields,
    )


def parse_status(status: dict[str, Any]) -> StatusUpdate | None:
    """One `value.statuses[]` object (recipient ids and pricing are not kept), or None without an id."""
    external_id = _id(status.get("id"))
    state = _id(status.get("status"), MAX_STATUS)
    if not external_id or not state:
        log.warning("skipped a webhook status without %s", "an id" if not external_id else "a status")
        return None
    return StatusUpdate(
        channel=CHANNEL,
        external_id=external_id,
        status=state,
        timestamp=_int(status.get("timestamp"), MAX_TIMESTAMP),
        error_codes=_errors(status),
        error_title=_error_title(status),
        callback_data=_str(status.get("biz_opaque_callback_data"), 512),
    )


def parse_value(value: dict[str, Any]) -> list[InboundItem]:
    """One `changes[].value` of the `messages` field: its messages, then statuses, then errors."""
    items: list[InboundItem] = []
    contacts = _dicts(value.get("contacts"))
    for msg in _dicts(value.get("messages")):
        message = parse_message(msg, contacts)
        if message is not None:
            items.append(message)
    for raw_status in _dicts(value.get("statuses")):
        status = parse_status(raw_status)
        if status is not None:
            items.append(status)
    for err in _dicts(value.get("errors")):
        items.append(
            ChannelError(
                channel=CHANNEL,
                code=_int(err.get("code"), MAX_CODE),
                title=_str(err.get("title"), 500) or _str(err.get("message"), 500),
                timestamp=_int(value.get("timestamp"), MAX_TIMESTAMP),
            )
        )
    return items


# Meta's template events that mean "sendable again" under another name.
_TEMPLATE_EVENT_ALIASES = {"REINSTATED": "APPROVED"}


def parse_template_status(value: dict[str, Any], entry_time: Any) -> TemplateStatusUpdate | None:
    """One `message_template_status_update` change: {"event", "message_template_id",
    "message_template_name", "message_template_language", "reason", "other_info"?: {"title",
    "description"}}; the time is the entry's `time`. None (logged) without a name, language or event."""
    name = _id(value.get("message_template_name"), 512)
    language = _id(value.get("message_template_language"), 16)
    event = _id(value.get("event"), 32).upper()
    if not (name and language and event):
        log.warning("skipped a template status update without a name, language or event")
        return None
    template_id = value.get("message_template_id")
    reason = _str(value.get("reason"), 200)
    other = _dict(value.get("other_info"))
    detail = _str(other.get("title"), 200) or _str(other.get("description"), 300)
    if reason.upper() == "NONE":
        reason = ""
    return TemplateStatusUpdate(
        channel=CHANNEL,
        name=name,
        language=language,
        status=_TEMPLATE_EVENT_ALIASES.get(event, event),
        timestamp=_int(entry_time, MAX_TIMESTAMP),
        template_id=str(template_id)
        if isinstance(template_id, int) and not isinstance(template_id, bool)
        else _id(template_id, 64),
        reason="; ".join(r for r in (reason, detail) if r)[:500],
    )


def parse_webhook(data: Any) -> list[InboundItem]:
    if not isinstance(data, dict) or data.get("object") != "whatsapp_business_account":
        raise PayloadError("not a whatsapp_business_account webhook")
    if not isinstance(data.get("entry"), list):
        raise PayloadError("no entry list")
    items: list[InboundItem] = []
    for entry in _dicts(data["entry"]):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            if change.get("field") == "messages":
                items.extend(parse_value(value))
            elif change.get("field") == "message_template_status_update":
                update = parse_template_status(value, entry.get("time"))
                if update is not None:
                    items.append(update)
    return items


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(body: bytes) -> Any:
    """The decoded body, or MalformedBody. NaN/Infinity and absurdly deep nesting are refused."""
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise MalformedBody(type(exc).__name__) from exc
