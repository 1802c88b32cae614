"""Turn control-plane "the phone sends X" requests into Meta inbound message objects."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from .wsgiutil import BadRequest

JSONDict = dict[str, Any]

# store(data, mime_type, filename) -> (media_id, sha256_base64, url or None)
StoreMedia = Callable[[bytes, str, "str | None"], tuple[str, str, "str | None"]]

MEDIA_KINDS = ("image", "video", "audio", "document", "sticker")
DEFAULT_MIME = {
    "image": "image/jpeg",
    "video": "video/mp4",
    "audio": "audio/ogg; codecs=opus",
    "document": "application/pdf",
    "sticker": "image/webp",
}
INBOUND_TYPES = (
    "text",
    "button_reply",
    "list_reply",
    "button",
    "location",
    "reaction",
    "contacts",
    "unsupported",
    "system",
    *MEDIA_KINDS,
)


def _str(req: JSONDict, key: str, *, required: bool = True) -> str | None:
    value = req.get(key)
    if value is None:
        if required:
            raise BadRequest(f"'{key}' is required")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"'{key}' must be a string")
    return value


def _number(req: JSONDict, key: str) -> float:
    value = req.get(key)
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise BadRequest(f"'{key}' must be a number") from None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise BadRequest(f"'{key}' must be a number")
    return float(value)


def build_message(
    req: JSONDict,
    *,
    phone: str,
    user_id: str,
    wamid: str,
    timestamp: str,
    business_number: str,
    store_media: StoreMedia,
    include_from: bool = True,
) -> JSONDict:
    """Build the ``value.messages[]`` object for one inbound message."""
    kind = req.get("type")
    if kind not in INBOUND_TYPES:
        raise BadRequest(f"'type' must be one of {', '.join(INBOUND_TYPES)}")
    message: JSONDict = {}
    if include_from:
        message["from"] = phone
    message["from_user_id"] = user_id
    message["id"] = wamid
    message["timestamp"] = timestamp
    context_id = _str(req, "context_id", required=False)
    if context_id:
        message["context"] = {"from": business_number, "id": context_id}
    if req.get("forwarded"):
        message.setdefault("context", {})["forwarded"] = True

    if kind == "text":
        message["type"] = "text"
        message["text"] = {"body": _str(req, "text")}
    elif kind in ("button_reply", "list_reply"):
        reply: JSONDict = {"id": _str(req, "id"), "title": _str(req, "title")}
        if kind == "list_reply":
            description = _str(req, "description", required=False)
            if description is not None:
                reply["description"] = description
        message["type"] = "interactive"
        message["interactive"] = {"type": kind, kind: reply}
    elif kind == "button":
        # Quick-reply button of a template message.
        payload = _str(req, "payload")
        message["type"] = "button"
        message["button"] = {"payload": payload, "text": _str(req, "text", required=False) or payload}
    elif kind == "location":
        location: JSONDict = {"latitude": _number(req, "latitude"), "longitude": _number(req, "longitude")}
        for key in ("name", "address", "url"):
            value = _str(req, key, required=False)
            if value:
                location[key] = value
        message["type"] = "location"
        message["location"] = location
    elif kind == "reaction":
        reaction: JSONDict = {"message_id": _str(req, "message_id")}
        emoji = _str(req, "emoji", required=False)
        if emoji:
            reaction["emoji"] = emoji
        message["type"] = "reaction"
        message["reaction"] = reaction
    elif kind == "contacts":
        message["type"] = "contacts"
        message["contacts"] = _contacts(req)
    elif kind == "unsupported":
        message["type"] = "unsupported"
        message["unsupported"] = {"type": _str(req, "unsupported_type", required=False) or "unknown"}
        message["errors"] = [
            {
                "code": 131051,
                "title": "Message type unknown",
                "message": "Message type unknown",
                "error_data": {"details": "Message type is currently not supported."},
            }
        ]
    elif kind == "system":
        new_phone = _str(req, "new_phone")
        message["type"] = "system"
        message["system"] = {
            "body": f"User {phone} changed from {phone} to {new_phone}",
            "wa_id": new_phone,
            "type": "user_changed_number",
        }
    else:
        message["type"] = kind
        message[kind] = _media(kind, req, store_media)
    return message


def _contacts(req: JSONDict) -> list[JSONDict]:
    given = req.get("contacts")
    if isinstance(given, list) and given:
        return given
    name = _str(req, "name", required=False) or "Contact"
    number = _str(req, "phone", required=False) or "+919999999999"
    digits = "".join(ch for ch in number if ch.isdigit())
    return [
        {
            "name": {"formatted_name": name, "first_name": name},
            "phones": [{"phone": number, "wa_id": digits, "type": "CELL"}],
        }
    ]


def _media(kind: str, req: JSONDict, store_media: StoreMedia) -> JSONDict:
    encoded = _str(req, "data_base64")
    assert encoded is not None
    try:
        data = base64.b64decode(encoded, validate=False)
    except (binascii.Error, ValueError):
        raise BadRequest("'data_base64' is not valid base64") from None
    mime_type = _str(req, "mime_type", required=False) or DEFAULT_MIME[kind]
    filename = _str(req, "filename", required=False)
    if kind == "document" and not filename:
        filename = "document"
    media_id, sha256_b64, url = store_media(data, mime_type, filename)
    obj: JSONDict = {}
    caption = _str(req, "caption", required=False)
    if caption and kind in ("image", "video", "document"):
        obj["caption"] = caption
    if kind == "document":
        obj["filename"] = filename
    obj["mime_type"] = mime_type
    obj["sha256"] = sha256_b64
    obj["id"] = media_id
    if url:
        obj["url"] = url
    if kind == "audio":
        obj["voice"] = bool(req.get("voice", False))
    if kind == "sticker":
        obj["animated"] = bool(req.get("animated", False))
    return obj
