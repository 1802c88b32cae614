"""Injected faults: Meta error envelopes, raw HTTP 429/5xx answers and slow answers (timeouts).

A fault (control API ``POST /_sim/api/faults``) is queued ``count`` times and consumed, FIFO,
by the next request of its ``target`` endpoint kind:

- ``messages``: ``POST /{phone-number-id}/messages`` (sends only; mark-as-read is never hit)
- ``media``: ``GET /{media-id}`` (resolving a media id to its URL)
- ``download``: ``GET`` of the short-lived media URL

Fields: ``code`` (Meta error code), ``http_status`` (400 by default when ``code`` is given),
``mode`` (``sync`` answers with the error; ``async``, messages only, accepts the send and
emits a ``failed`` status webhook carrying ``code``), ``title``, ``details``,
``retry_after`` (seconds, ``Retry-After`` header), ``delay_seconds`` (the answer is delayed
that long, so a client with a shorter timeout sees a timeout).

Defaults where Meta would differ from a plain 400: ``http_status`` 429 without ``code`` means
130429 on ``messages`` (code 4 elsewhere) plus ``Retry-After: 60`` and an
``X-Business-Use-Case-Usage`` header; 500 means code 1 (``is_transient``); 503 means code 2
(``is_transient``) plus ``Retry-After: 30``; 502 and 504 answer a plain-text proxy page, as
an overloaded edge would (``"raw": true`` forces that for any status). ``"retry_after": null``
suppresses the default header. A fault with only ``delay_seconds`` is a pure timeout: the
request is processed normally (a send IS recorded and its webhooks are emitted) and only the
answer is late — like a real send whose response was lost.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from .wsgiutil import Response, graph_error

JSONDict = dict[str, Any]

TARGETS = ("messages", "media", "download")
MAX_DELAY = 300.0
ERROR_TITLES = {
    1: "An unknown error occurred",
    2: "Service temporarily unavailable",
    4: "Application request limit reached",
    100: "Invalid parameter",
    130429: "Rate limit hit",
    131000: "Something went wrong",
    131016: "Service unavailable",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131048: "Spam rate limit hit",
    131049: "This message was not delivered to maintain healthy ecosystem engagement.",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
}
DEFAULT_RETRY_AFTER = {429: 60, 503: 30}
RAW_STATUSES = (502, 504)


def _int(body: JSONDict, key: str, default: int | None) -> int | None:
    value = body.get(key, default)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValueError(f"'{key}' must be an integer")
    return value


def parse_fault(body: JSONDict) -> tuple[JSONDict, int]:
    """Validate a control-API fault body; returns ``(fault, count)`` or raises ``ValueError``."""
    target = body.get("target", "messages")
    if target not in TARGETS:
        raise ValueError(f"'target' must be one of {', '.join(TARGETS)}")
    code = _int(body, "code", None)
    count = _int(body, "count", 1)
    if count is None or not 1 <= count <= 1000:
        raise ValueError("'count' must be an integer between 1 and 1000")
    mode = body.get("mode", "sync")
    if mode not in ("sync", "async"):
        raise ValueError("'mode' must be 'sync' or 'async'")
    delay = body.get("delay_seconds", 0)
    if not isinstance(delay, (int, float)) or isinstance(delay, bool) or not 0 <= delay <= MAX_DELAY:
        raise ValueError(f"'delay_seconds' must be a number between 0 and {MAX_DELAY:.0f}")
    http_status = _int(body, "http_status", None)
    if http_status is not None and not 400 <= http_status <= 599:
        raise ValueError("'http_status' must be a 4xx or 5xx status")
    if code is None and http_status is None and not delay:
        raise ValueError("give 'code', 'http_status' or 'delay_seconds'")
    if mode == "async" and (target != "messages" or code is None):
        raise ValueError("'async' faults need a 'code' and target 'messages'")
    if code is not None and http_status is None:
        http_status = 400
    if code is None and http_status is not None:
        code = {429: 130429 if target == "messages" else 4, 500: 1, 503: 2}.get(http_status, 1)
    if "retry_after" in body:
        retry_after = _int(body, "retry_after", None)
    else:
        retry_after = DEFAULT_RETRY_AFTER.get(http_status or 0)
    raw = body.get("raw", http_status in RAW_STATUSES)
    if not isinstance(raw, bool):
        raise ValueError("'raw' must be a boolean")
    title = body.get("title") or (ERROR_TITLES.get(code, "Simulated error") if code is not None else "")
    details = body.get("details") or (f"Simulated error {code}" if code is not None else "")
    fault: JSONDict = {
        "target": target,
        "code": code,
        "mode": mode,
        "http_status": http_status,
        "title": str(title),
        "details": str(details),
        "retry_after": retry_after,
        "delay_seconds": float(delay),
        "raw": raw,
    }
    return fault, count


def is_error(fault: JSONDict) -> bool:
    """True when the fault answers with an error (not a pure delay, not an async failure)."""
    return fault["http_status"] is not None and fault["mode"] == "sync"


def error_response(fault: JSONDict, waba_id: str) -> Response:
    status = int(fault["http_status"])
    if fault["raw"]:
        text = f"<html><body><h1>{status} Server Error</h1>Simulated upstream error.</body></html>"
        response = Response(status=status, body=text.encode("ascii"), content_type="text/html")
    else:
        code = int(fault["code"])
        response = graph_error(code, fault["title"], fault["details"], status=status)
        if code in (1, 2) or status >= 500:
            envelope = json.loads(response.body)
            envelope["error"]["is_transient"] = True
            response.body = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
    if fault["retry_after"] is not None:
        response.headers.append(("Retry-After", str(fault["retry_after"])))
    if status == 429:
        minutes = max(1, (int(fault["retry_after"] or 60) + 59) // 60)
        usage = {
            waba_id: [
                {
                    "type": "whatsapp",
                    "call_count": 100,
                    "total_cputime": 1,
                    "total_time": 1,
                    "estimated_time_to_regain_access": minutes,
                }
            ]
        }
        response.headers.append(("X-Business-Use-Case-Usage", json.dumps(usage, separators=(",", ":"))))
    return response


def failed_status_error(fault: JSONDict) -> JSONDict:
    """The ``errors[0]`` of the ``failed`` status webhook of an async fault."""
    return {
        "code": fault["code"],
        "title": fault["title"],
        "message": fault["title"],
        "error_data": {"details": fault["details"]},
    }


class FaultQueue:
    """Thread-safe FIFO of injected faults, consumed per target."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[JSONDict] = []

    def add(self, fault: JSONDict, count: int) -> None:
        with self._lock:
            self._faults.extend(dict(fault) for _ in range(count))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, target: str) -> JSONDict | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault["target"] == target:
                    return self._faults.pop(index)
            return None

    def as_json(self) -> list[JSONDict]:
        with self._lock:
            return [dict(f) for f in self._faults]
