"""Shared test helpers: named actors and Meta-shaped webhook bodies. Test-only, but importable by any
app's tests (core imports nothing of the product)."""

from __future__ import annotations

import json
import time
from itertools import count
from typing import Any

SENTINEL_PHONE = "919876543210"  # +91 98765 43210, the privacy sentinel
SENTINEL_SPELLINGS = (
    "919876543210",
    "+919876543210",
    "9876543210",
    "98765 43210",
    "98765-43210",
    "+91 98765 43210",
)
SENTINEL_NAME = "Sentinel Reporter Ramkumar"
PHONE_NUMBER_ID = "106540352242922"
# Headless Debian chromium with nothing reaching outside 127.0.0.1 on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_ids = count(1)


def wamid() -> str:
    return f"wamid.TEST{next(_ids):08d}{int(time.time() * 1000) % 100000:05d}"


def message(
    kind: str,
    body: dict[str, Any] | None = None,
    *,
    sender: str = SENTINEL_PHONE,
    ts: int | None = None,
    user_id: str = "",
    msg_id: str = "",
    **extra: Any,
) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "from": sender,
        "id": msg_id or wamid(),
        "timestamp": str(ts or int(time.time())),
        "type": kind,
    }
    if user_id:
        msg["from_user_id"] = user_id
    if body is not None:
        msg[kind] = body
    msg.update(extra)
    return msg


def text(body: str, **kw: Any) -> dict[str, Any]:
    return message("text", {"body": body}, **kw)


def button_reply(button_id: str, title: str, **kw: Any) -> dict[str, Any]:
    return message("interactive", {"type": "button_reply", "button_reply": {"id": button_id, "title": title}}, **kw)


def list_reply(row_id: str, title: str, **kw: Any) -> dict[str, Any]:
    return message("interactive", {"type": "list_reply", "list_reply": {"id": row_id, "title": title}}, **kw)


def envelope(
    *messages: dict[str, Any], statuses: list[dict[str, Any]] | None = None, profile_name: str = SENTINEL_NAME
) -> dict[str, Any]:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
    }
    if messages:
        senders = sorted({m.get("from", "") for m in messages})
        value["contacts"] = [{"profile": {"name": profile_name}, "wa_id": s} for s in senders]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }


def encode(payload: dict[str, Any]) -> bytes:
    """Meta signs an ASCII-escaped body; json.dumps' default escaping is the same."""
    return json.dumps(payload).encode()
