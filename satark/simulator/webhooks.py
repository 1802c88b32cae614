"""Building and signing Meta-shaped webhooks; the GET verification handshake.

Bodies are serialised exactly once with ``json.dumps(obj, separators=(",", ":"))``
(ASCII escaping on, i.e. non-ASCII as ``\\uXXXX``) and signed with
``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app_secret, body)>``. Delivery (thread pool,
retries, log, holds) lives in ``dispatch.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

from .config import SimulatorConfig

logger = logging.getLogger("satark.simulator")

JSONDict = dict[str, Any]
USER_AGENT = "facebookexternalua"


def serialise(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode("ascii")


def sign(app_secret: str, body: bytes) -> str:
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def envelope(config: SimulatorConfig, value: JSONDict) -> JSONDict:
    full: JSONDict = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": config.display_phone_number,
            "phone_number_id": config.phone_number_id,
        },
    }
    full.update(value)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": config.waba_id, "changes": [{"field": "messages", "value": full}]}],
    }


def message_value(contact: JSONDict | None, message: JSONDict) -> JSONDict:
    value: JSONDict = {}
    if contact is not None:
        value["contacts"] = [contact]
    value["messages"] = [message]
    return value


def status_value(status: JSONDict) -> JSONDict:
    return {"statuses": [status]}


def template_status_update(config: SimulatorConfig, template: Any, now: int) -> JSONDict:
    """Meta's ``message_template_status_update`` webhook for a template's new status: the event,
    the template's id (a number), name and language, and ``reason`` (``NONE`` unless one was given;
    a pause or disablement also carries ``other_info``)."""
    value: JSONDict = {
        "event": template.status,
        "message_template_id": int(template.template_id),
        "message_template_name": template.name,
        "message_template_language": template.language,
        "reason": template.reason or ("INVALID_FORMAT" if template.status == "REJECTED" else "NONE"),
    }
    if template.status in ("PAUSED", "DISABLED"):
        value["reason"] = "NONE"
        value["other_info"] = {
            "title": template.reason or ("FIRST_PAUSE" if template.status == "PAUSED" else "DISABLED"),
            "description": f"Your message template has been {template.status.lower()} because of low quality.",
        }
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": config.waba_id,
                "time": now,
                "changes": [{"field": "message_template_status_update", "value": value}],
            }
        ],
    }


def verify_handshake(config: SimulatorConfig, challenge: str) -> JSONDict:
    """Run Meta's GET verification handshake against the webhook URL."""
    url = urlsplit(config.webhook_url)
    query = urlencode(
        {
            "hub.mode": "subscribe",
            "hub.challenge": challenge,
            "hub.verify_token": config.verify_token,
        }
    )
    target = (url.path or "/") + "?" + (url.query + "&" if url.query else "") + query
    conn_cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    conn = conn_cls(url.hostname or "127.0.0.1", url.port, timeout=config.webhook_timeout)
    try:
        conn.request("GET", target, headers={"User-Agent": USER_AGENT})
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        verified = response.status == 200 and text == challenge
        return {"status_code": response.status, "body": text[:200], "verified": verified}
    except (OSError, http.client.HTTPException) as exc:
        return {"status_code": None, "error": str(exc), "verified": False}
    finally:
        conn.close()
