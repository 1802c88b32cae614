"""Channel-neutral outbound payloads -> Graph API message bodies, checked against Meta's limits so an
invalid message is caught here rather than refused by Meta."""

from __future__ import annotations

from typing import Any

LIMITS = {
    "text": 4096,
    "button_body": 1024,
    "button_title": 20,
    "button_id": 256,
    "header": 60,
    "footer": 60,
    "list_body": 4096,
    "list_button": 20,
    "row_title": 24,
    "row_description": 72,
    "row_id": 200,
    "location_body": 1024,
    "caption": 1024,
    "template_param": 1024,
    "button_payload": 128,
}
MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
CAPTIONED = ("image", "video", "document")


class RenderError(ValueError):
    pass


def _check(value: str, limit_name: str) -> str:
    if len(value) > LIMITS[limit_name]:
        raise RenderError(f"{limit_name} is {len(value)} characters (max {LIMITS[limit_name]})")
    return value


def _frame(interactive: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    if payload.get("header"):
        interactive["header"] = {"type": "text", "text": _check(payload["header"], "header")}
    if payload.get("footer"):
        interactive["footer"] = {"text": _check(payload["footer"], "footer")}
    return interactive


def render(payload: dict[str, Any]) -> dict[str, Any]:
    """The type-specific part of a Graph message body (without messaging_product/to), plus
    `context` when the payload quotes a message (`context_id`)."""
    rendered = _render(payload)
    if payload.get("context_id") and rendered["type"] != "reaction":
        rendered["context"] = {"message_id": str(payload["context_id"])}
    return rendered


def _render(payload: dict[str, Any]) -> dict[str, Any]:
    kind = payload.get("type")
    if kind == "text":
        body = payload.get("body") or ""
        if not body:
            raise RenderError("empty text")
        return {"type": "text", "text": {"body": _check(body, "text"), "preview_url": False}}
    if kind == "buttons":
        options = payload.get("options") or []
        if not 1 <= len(options) <= 3:
            raise RenderError(f"{len(options)} buttons (1-3 allowed)")
        titles = [o["title"] for o in options]
        if len(set(titles)) != len(titles):
            raise RenderError("button titles must be unique")
        buttons = [
            {
                "type": "reply",
                "reply": {"id": _check(o["id"], "button_id"), "title": _check(o["title"], "button_title")},
            }
            for o in options
        ]
        interactive = {
            "type": "button",
            "body": {"text": _check(payload["body"], "button_body")},
            "action": {"buttons": buttons},
        }
        return {"type": "interactive", "interactive": _frame(interactive, payload)}
    if kind == "list":
        options = payload.get("options") or []
        if not 1 <= len(options) <= 10:
            raise RenderError(f"{len(options)} list rows (1-10 allowed)")
        rows = []
        for o in options:
            row = {"id": _check(o["id"], "row_id"), "title": _check(o["title"], "row_title")}
            if o.get("description"):
                row["description"] = _check(o["description"], "row_description")
            rows.append(row)
        interactive = {
            "type": "list",
            "body": {"text": _check(payload["body"], "list_body")},
            "action": {"button": _check(payload["button"], "list_button"), "sections": [{"rows": rows}]},
        }
        return {"type": "interactive", "interactive": _frame(interactive, payload)}
    if kind == "location_request":
        return {
            "type": "interactive",
            "interactive": {
                "type": "location_request_message",
                "body": {"text": _check(payload["body"], "location_body")},
                "action": {"name": "send_location"},
            },
        }
    if kind in MEDIA_TYPES:
        media: dict[str, Any] = {}
        if payload.get("media_id"):
            media["id"] = str(payload["media_id"])
        elif payload.get("link"):
            media["link"] = str(payload["link"])
        else:
            raise RenderError(f"{kind} needs a media_id (uploaded) or a link")
        if payload.get("caption"):
            if kind not in CAPTIONED:
                raise RenderError(f"{kind} messages take no caption")
            media["caption"] = _check(str(payload["caption"]), "caption")
        if kind == "document" and payload.get("filename"):
            media["filename"] = str(payload["filename"])
        if kind == "audio" and payload.get("voice"):
            media["voice"] = True
        return {"type": kind, kind: media}
    if kind == "template":
        return {"type": "template", "template": render_template(payload)}
    if kind == "reaction":
        if not payload.get("message_id"):
            raise RenderError("a reaction needs the message_id it reacts to")
        return {
            "type": "reaction",
            "reaction": {"message_id": payload["message_id"], "emoji": payload.get("emoji", "")},
        }
    raise RenderError(f"unknown outbound type {kind!r}")


def render_template(payload: dict[str, Any]) -> dict[str, Any]:
    """{"name", "language", "body_params": [...], "header_params"?: [...], "buttons"?: [{"index", "payload"}]}.
    Parameters are positional ({{1}}, {{2}}...), in the order the template declares them."""
    name = payload.get("name")
    language = payload.get("language")
    if not name or not language:
        raise RenderError("a template needs a name and a language")
    components: list[dict[str, Any]] = []
    for component, key in (("header", "header_params"), ("body", "body_params")):
        params = payload.get(key) or []
        if params:
            components.append(
                {
                    "type": component,
                    "parameters": [{"type": "text", "text": _check(str(p), "template_param")} for p in params],
                }
            )
    for button in payload.get("buttons") or []:
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(button["index"]),
                "parameters": [{"type": "payload", "payload": _check(str(button["payload"]), "button_payload")}],
            }
        )
    template: dict[str, Any] = {"name": str(name), "language": {"code": str(language)}}
    if components:
        template["components"] = components
    return template
