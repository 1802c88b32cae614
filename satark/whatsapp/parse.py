"""Meta's webhook JSON -> channel-neutral items. Every entry, change, message and status is visited;
an item we cannot understand becomes an 'unsupported' message rather than being dropped."""

from __future__ import annotations

import json
from typing import Any

from satark.messaging.types import ChannelError, InboundItem, InboundMessage, MediaRef, StatusUpdate

CHANNEL = "whatsapp"
MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")


class PayloadError(ValueError):
    """The body is JSON but not a WhatsApp Business Account webhook."""


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _errors(obj: dict[str, Any]) -> tuple[int, ...]:
    return tuple(_int(e.get("code")) for e in obj.get("errors") or [] if isinstance(e, dict))


def parse_message(msg: dict[str, Any], contacts: list[dict[str, Any]]) -> InboundMessage:
    mtype = str(msg.get("type") or "unsupported")
    phone = str(msg.get("from") or "")
    user_id = str(msg.get("from_user_id") or "")
    if not user_id:
        for contact in contacts:
            if phone and contact.get("wa_id") == phone:
                user_id = str(contact.get("user_id") or "")
        if not phone and len(contacts) == 1:
            user_id = str(contacts[0].get("user_id") or "")
    context = msg.get("context") or {}
    base: dict[str, Any] = {
        "channel": CHANNEL,
        "external_id": str(msg.get("id") or ""),
        "timestamp": _int(msg.get("timestamp")),
        "sender_phone": phone,
        "sender_user_id": user_id,
        "context_id": str(context.get("id") or ""),
        "forwarded": bool(context.get("forwarded") or context.get("frequently_forwarded")),
        "raw_type": mtype,
        "error_codes": _errors(msg),
    }
    raw_body = msg.get(mtype)
    body: dict[str, Any] = raw_body if isinstance(raw_body, dict) else {}
    if mtype == "text":
        return InboundMessage(kind="text", text=str(body.get("body") or ""), **base)
    if mtype == "interactive":
        itype = body.get("type")
        raw_reply = body.get(str(itype))
        reply: dict[str, Any] = raw_reply if isinstance(raw_reply, dict) else {}
        if itype in ("button_reply", "list_reply"):
            return InboundMessage(
                kind="choice", choice_id=str(reply.get("id") or ""), choice_title=str(reply.get("title") or ""), **base
            )
        if itype == "nfm_reply":
            return InboundMessage(kind="text", text=str(reply.get("body") or ""), **base)
        return InboundMessage(kind="unsupported", **base)
    if mtype == "button":  # a template's quick-reply button
        return InboundMessage(
            kind="choice", choice_id=str(body.get("payload") or ""), choice_title=str(body.get("text") or ""), **base
        )
    if mtype == "location":
        try:
            lat, lon = float(body["latitude"]), float(body["longitude"])
        except (KeyError, TypeError, ValueError):
            return InboundMessage(kind="unsupported", **base)
        return InboundMessage(
            kind="location",
            latitude=lat,
            longitude=lon,
            place_name=str(body.get("name") or ""),
            place_address=str(body.get("address") or ""),
            **base,
        )
    if mtype in MEDIA_TYPES:
        media = MediaRef(
            id=str(body.get("id") or ""),
            kind=mtype,
            mime_type=str(body.get("mime_type") or ""),
            sha256=str(body.get("sha256") or ""),
            caption=str(body.get("caption") or ""),
            filename=str(body.get("filename") or ""),
            voice=bool(body.get("voice")),
            url=str(body.get("url") or ""),
        )
        kind = "sticker" if mtype == "sticker" else "media"
        return InboundMessage(kind=kind, media=media, text=media.caption, **base)
    if mtype == "reaction":
        return InboundMessage(kind="reaction", emoji=str(body.get("emoji") or ""), **base)
    if mtype == "contacts":
        raw_shared = msg.get("contacts")
        shared: list[Any] = raw_shared if isinstance(raw_shared, list) else []
        return InboundMessage(kind="contacts", contacts_count=len(shared), **base)
    if mtype == "system":
        return InboundMessage(
            kind="system",
            text=str(body.get("type") or ""),
            new_phone=str(body.get("wa_id") or body.get("new_wa_id") or ""),
            new_user_id=str(body.get("user_id") or ""),
            **base,
        )
    return InboundMessage(kind="unsupported", **base)


def parse_status(status: dict[str, Any]) -> StatusUpdate:
    errors = status.get("errors") or []
    title = ""
    if errors and isinstance(errors[0], dict):
        title = str(errors[0].get("title") or errors[0].get("message") or "")
    return StatusUpdate(
        channel=CHANNEL,
        external_id=str(status.get("id") or ""),
        status=str(status.get("status") or ""),
        timestamp=_int(status.get("timestamp")),
        error_codes=_errors(status),
        error_title=title,
        callback_data=str(status.get("biz_opaque_callback_data") or ""),
    )


def parse_webhook(data: Any) -> list[InboundItem]:
    if not isinstance(data, dict) or data.get("object") != "whatsapp_business_account":
        raise PayloadError("not a whatsapp_business_account webhook")
    items: list[InboundItem] = []
    for entry in data.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value") or {}
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            contacts = [c for c in value.get("contacts") or [] if isinstance(c, dict)]
            for msg in value.get("messages") or []:
                if isinstance(msg, dict) and msg.get("id"):
                    items.append(parse_message(msg, contacts))
            for status in value.get("statuses") or []:
                if isinstance(status, dict) and status.get("id"):
                    items.append(parse_status(status))
            for err in value.get("errors") or []:
                if isinstance(err, dict):
                    items.append(
                        ChannelError(
                            channel=CHANNEL,
                            code=_int(err.get("code")),
                            title=str(err.get("title") or err.get("message") or ""),
                            timestamp=_int(value.get("timestamp")),
                        )
                    )
    return items


def loads(body: bytes) -> Any:
    return json.loads(body.decode("utf-8"))
