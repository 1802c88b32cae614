"""Validation of ``POST /{phone-number-id}/messages`` bodies against Meta's limits.

Lengths are counted in Unicode code points (``len(str)``), so Devanagari titles count
each letter and each combining sign, the way Meta's validators count characters.

Error codes follow Meta's habits: schema-level problems (wrong type, field too long,
too many elements) are ``(#100) Invalid parameter``; semantically invalid values
(button title length, duplicate titles/ids, row totals, missing section titles) are
``(#131009) Parameter value is not valid``; missing required fields are
``(#131008) Required parameter is missing``.
"""

from __future__ import annotations

import re
from typing import Any

JSONDict = dict[str, Any]

MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
MESSAGE_TYPES: tuple[str, ...] = (
    "text",
    "interactive",
    "location",
    "template",
    "reaction",
    "contacts",
    *MEDIA_TYPES,
)
INTERACTIVE_TYPES = ("button", "list", "location_request_message")


class ValidationError(Exception):
    def __init__(self, code: int, details: str) -> None:
        super().__init__(details)
        self.code = code
        self.details = details

    @property
    def title(self) -> str:
        return {
            100: "Invalid parameter",
            131008: "Required parameter is missing",
            131009: "Parameter value is not valid",
            132012: "Parameter format does not match format in the created template",
        }.get(self.code, "Invalid parameter")


def invalid(details: str) -> ValidationError:
    return ValidationError(100, details)


def not_valid(details: str) -> ValidationError:
    return ValidationError(131009, details)


def missing(details: str) -> ValidationError:
    return ValidationError(131008, details)


_PHONE_CHARS = re.compile(r"[\s\-().+]")


def normalise_phone(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid("Param to must be a non-empty string")
    digits = _PHONE_CHARS.sub("", value)
    if not digits.isdigit() or not 7 <= len(digits) <= 15:
        raise invalid(f"Invalid parameter: to '{value}' is not a valid phone number")
    return digits


def _obj(parent: JSONDict, key: str, path: str, *, required: bool = True) -> JSONDict | None:
    value = parent.get(key)
    if value is None:
        if required:
            raise missing(f"Param {path} is required")
        return None
    if not isinstance(value, dict):
        raise invalid(f"Param {path} must be a JSON object")
    return value


def _text(
    parent: JSONDict,
    key: str,
    path: str,
    limit: int,
    *,
    required: bool = True,
    code: int = 100,
    allow_empty: bool = False,
) -> str | None:
    value = parent.get(key)
    if value is None:
        if required:
            raise missing(f"Param {path} is required")
        return None
    if not isinstance(value, str):
        raise invalid(f"Param {path} must be a string")
    if not value.strip() and not allow_empty:
        if required:
            raise missing(f"Param {path} is required")
        raise invalid(f"Param {path} must not be empty")
    if len(value) > limit:
        if code == 100:
            raise invalid(f"Param {path} must be at most {limit} characters long.")
        raise ValidationError(code, f"{path} length invalid. Min length: 1, Max length: {limit}")
    return value


def _list(parent: JSONDict, key: str, path: str) -> list[Any]:
    value = parent.get(key)
    if value is None:
        raise missing(f"Param {path} is required")
    if not isinstance(value, list):
        raise invalid(f"Param {path} must be an array")
    return value


def validate_send(body: Any, known_media: set[str]) -> tuple[str, str]:
    """Validate a send body. Returns ``(message type, to-as-given)``.

    ``known_media`` are the media ids the simulator knows (uploaded or received).
    """
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object")
    if body.get("messaging_product") != "whatsapp":
        raise invalid("The parameter messaging_product is required and must be 'whatsapp'.")
    recipient_type = body.get("recipient_type", "individual")
    if recipient_type != "individual":
        raise invalid("Param recipient_type must be 'individual'")
    if "to" not in body and "recipient" not in body:
        raise missing("The parameter to is required.")
    if "to" in body:
        normalise_phone(body["to"])
    elif not isinstance(body["recipient"], str) or not body["recipient"]:
        raise invalid("Param recipient must be a non-empty string")
    msg_type = body.get("type", "text")
    if msg_type not in MESSAGE_TYPES:
        raise invalid(f"Param type must be one of {{{', '.join(MESSAGE_TYPES)}}}")
    opaque = body.get("biz_opaque_callback_data")
    if opaque is not None and (not isinstance(opaque, str) or len(opaque) > 512):
        raise invalid("Param biz_opaque_callback_data must be a string of at most 512 characters")
    context = body.get("context")
    if context is not None:
        if not isinstance(context, dict) or not isinstance(context.get("message_id"), str):
            raise invalid("Param context['message_id'] must be a string")
        if msg_type == "reaction":
            raise not_valid("Reaction messages cannot be contextual replies")
    payload = _obj(body, msg_type, msg_type)
    assert payload is not None
    if msg_type == "text":
        _text(payload, "body", "text['body']", 4096)
        if "preview_url" in payload and not isinstance(payload["preview_url"], bool):
            raise invalid("Param text['preview_url'] must be a boolean")
    elif msg_type in MEDIA_TYPES:
        _validate_media(msg_type, payload, msg_type, known_media)
    elif msg_type == "interactive":
        _validate_interactive(payload, known_media)
    elif msg_type == "location":
        _validate_location(payload)
    elif msg_type == "template":
        _validate_template(payload)
    elif msg_type == "reaction":
        _text(payload, "message_id", "reaction['message_id']", 512)
        emoji = payload.get("emoji", "")
        if not isinstance(emoji, str) or len(emoji) > 16:
            raise invalid("Param reaction['emoji'] must be a single emoji")
    elif msg_type == "contacts":
        if not isinstance(body.get("contacts"), list) or not body["contacts"]:
            raise invalid("Param contacts must be a non-empty array")
    to_given = body.get("to", body.get("recipient"))
    return msg_type, str(to_given)


def _validate_media(kind: str, payload: JSONDict, path: str, known_media: set[str]) -> None:
    media_id = payload.get("id")
    link = payload.get("link")
    if media_id is None and link is None:
        raise missing(f"Param {path}['id'] or {path}['link'] is required")
    if media_id is not None:
        if not isinstance(media_id, str) or media_id not in known_media:
            raise not_valid(f"Param {path}['id'] is not a valid media id")
    if link is not None and (not isinstance(link, str) or not link.startswith(("http://", "https://"))):
        raise invalid(f"Param {path}['link'] must be a http(s) URL")
    if "caption" in payload:
        if kind in ("audio", "sticker"):
            raise invalid(f"Param {path}['caption'] is not supported for {kind}")
        _text(payload, "caption", f"{path}['caption']", 1024, required=False, allow_empty=True)
    if "filename" in payload:
        if kind != "document":
            raise invalid(f"Param {path}['filename'] is only allowed for documents")
        _text(payload, "filename", f"{path}['filename']", 240, required=False)


def _validate_location(payload: JSONDict) -> None:
    for key, low, high in (("latitude", -90.0, 90.0), ("longitude", -180.0, 180.0)):
        value = payload.get(key)
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise invalid(f"Param location['{key}'] must be a number") from None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise missing(f"Param location['{key}'] is required")
        if not low <= float(value) <= high:
            raise not_valid(f"Param location['{key}'] is out of range")
    _text(payload, "name", "location['name']", 1000, required=False)
    _text(payload, "address", "location['address']", 1000, required=False)


def _validate_header(header: JSONDict, kind: str, known_media: set[str]) -> None:
    header_type = header.get("type")
    if kind == "list":
        if header_type != "text":
            raise invalid("Param interactive['header']['type'] must be 'text' for list messages")
    if header_type == "text":
        _text(header, "text", "interactive['header']['text']", 60)
    elif header_type in ("image", "video", "document"):
        media = _obj(header, header_type, f"interactive['header']['{header_type}']")
        assert media is not None
        _validate_media(header_type, media, f"interactive['header']['{header_type}']", known_media)
    else:
        raise invalid("Param interactive['header']['type'] must be one of {text, image, video, document}")


def _validate_interactive(payload: JSONDict, known_media: set[str]) -> None:
    kind = payload.get("type")
    if kind not in INTERACTIVE_TYPES:
        raise invalid(f"Param interactive['type'] must be one of {{{', '.join(INTERACTIVE_TYPES)}}}")
    header = _obj(payload, "header", "interactive['header']", required=False)
    if header is not None:
        if kind == "location_request_message":
            raise invalid("Param interactive['header'] is not allowed for location requests")
        _validate_header(header, kind, known_media)
    body_obj = _obj(payload, "body", "interactive['body']")
    assert body_obj is not None
    body_limit = 4096 if kind == "list" else 1024
    _text(body_obj, "text", "interactive['body']['text']", body_limit)
    footer = _obj(payload, "footer", "interactive['footer']", required=False)
    if footer is not None:
        if kind == "location_request_message":
            raise invalid("Param interactive['footer'] is not allowed for location requests")
        _text(footer, "text", "interactive['footer']['text']", 60)
    action = _obj(payload, "action", "interactive['action']")
    assert action is not None
    if kind == "button":
        _validate_buttons(action)
    elif kind == "list":
        _validate_list(action)
    elif action.get("name") != "send_location":
        raise invalid("Param interactive['action']['name'] must be 'send_location'")


def _validate_buttons(action: JSONDict) -> None:
    buttons = _list(action, "buttons", "interactive['action']['buttons']")
    if not 1 <= len(buttons) <= 3:
        raise invalid("Param interactive['action']['buttons'] must contain at least 1 and at most 3 elements")
    titles: set[str] = set()
    ids: set[str] = set()
    for index, button in enumerate(buttons):
        path = f"interactive['action']['buttons'][{index}]"
        if not isinstance(button, dict) or button.get("type") != "reply":
            raise invalid(f"Param {path}['type'] must be 'reply'")
        reply = _obj(button, "reply", f"{path}['reply']")
        assert reply is not None
        title = _text(reply, "title", "Button title", 20, code=131009)
        button_id = _text(reply, "id", f"{path}['reply']['id']", 256)
        assert title is not None and button_id is not None
        if title in titles:
            raise not_valid("Button title is not unique")
        if button_id in ids:
            raise not_valid("Button id is not unique")
        titles.add(title)
        ids.add(button_id)


def _validate_list(action: JSONDict) -> None:
    _text(action, "button", "interactive['action']['button']", 20)
    sections = _list(action, "sections", "interactive['action']['sections']")
    if not sections:
        raise invalid("Param interactive['action']['sections'] must contain at least 1 element")
    if len(sections) > 10:
        raise invalid("Param interactive['action']['sections'] must contain at most 10 elements")
    total_rows = 0
    row_ids: set[str] = set()
    for s_index, section in enumerate(sections):
        s_path = f"interactive['action']['sections'][{s_index}]"
        if not isinstance(section, dict):
            raise invalid(f"Param {s_path} must be a JSON object")
        title = _text(section, "title", f"{s_path}['title']", 24, required=False)
        if title is None and len(sections) > 1:
            raise not_valid("Section title is required when there is more than one section")
        rows = _list(section, "rows", f"{s_path}['rows']")
        if not rows:
            raise invalid(f"Param {s_path}['rows'] must contain at least 1 element")
        for r_index, row in enumerate(rows):
            r_path = f"{s_path}['rows'][{r_index}]"
            if not isinstance(row, dict):
                raise invalid(f"Param {r_path} must be a JSON object")
            row_id = _text(row, "id", f"{r_path}['id']", 200)
            _text(row, "title", f"{r_path}['title']", 24)
            _text(row, "description", f"{r_path}['description']", 72, required=False)
            assert row_id is not None
            if row_id in row_ids:
                raise not_valid("Row id is not unique")
            row_ids.add(row_id)
        total_rows += len(rows)
    if total_rows > 10:
        raise not_valid(f"Total row count exceed max allowed count: 10 (got {total_rows})")


_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
_LANG_CODE = re.compile(r"^[a-z]{2,3}(_[A-Za-z]{2,4})?$")


def _validate_template(payload: JSONDict) -> None:
    name = _text(payload, "name", "template['name']", 512)
    assert name is not None
    if not _TEMPLATE_NAME.match(name):
        raise invalid("Param template['name'] must contain only lowercase letters, digits and _")
    language = _obj(payload, "language", "template['language']")
    assert language is not None
    code = _text(language, "code", "template['language']['code']", 16)
    assert code is not None
    if not _LANG_CODE.match(code):
        raise invalid(f"Param template['language']['code'] '{code}' is not a valid language code")
    components = payload.get("components", [])
    if not isinstance(components, list):
        raise invalid("Param template['components'] must be an array")
    for index, component in enumerate(components):
        path = f"template['components'][{index}]"
        if not isinstance(component, dict):
            raise invalid(f"Param {path} must be a JSON object")
        comp_type = component.get("type")
        if comp_type not in ("header", "body", "button", "footer"):
            raise invalid(f"Param {path}['type'] must be one of {{header, body, button}}")
        if comp_type == "button":
            if component.get("sub_type") not in ("quick_reply", "url", "copy_code", "flow"):
                raise invalid(f"Param {path}['sub_type'] is invalid")
            if "index" not in component:
                raise missing(f"Param {path}['index'] is required")
        params = component.get("parameters", [])
        if not isinstance(params, list):
            raise invalid(f"Param {path}['parameters'] must be an array")
        for p_index, param in enumerate(params):
            p_path = f"{path}['parameters'][{p_index}]"
            if not isinstance(param, dict) or not isinstance(param.get("type"), str):
                raise invalid(f"Param {p_path}['type'] is required")
            p_type = param["type"]
            if p_type == "text" and not isinstance(param.get("text"), str):
                raise ValidationError(132012, f"{p_path}['text'] must be a string")
            if p_type == "payload" and not isinstance(param.get("payload"), str):
                raise ValidationError(132012, f"{p_path}['payload'] must be a string")
