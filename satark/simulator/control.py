"""Control-plane JSON API under ``/_sim/api/`` (used by tests and the browser page).

Routes (``{phone}`` accepts digits, ``+``, spaces and dashes):

- ``GET  /_sim/api/config``                      public settings (no secrets)
- ``GET  /_sim/api/phones``                      ``{"phones": [...]}``
- ``POST /_sim/api/phones``                      add/update ``{"phone", "label"?, "profile_name"?}``
- ``DELETE /_sim/api/phones/{phone}``            remove a phone and its chat
- ``POST /_sim/api/phones/{phone}/send``         the phone sends a message (see inbound.py)
- ``GET  /_sim/api/phones/{phone}/messages``     the phone's chat
- ``POST /_sim/api/phones/{phone}/read``         the phone read its chat (emits ``read``)
- ``GET  /_sim/api/wait?phone=&count=&timeout=&status=``  block until >= count bot messages
- ``GET  /_sim/api/deliveries``                  webhook delivery log
- ``GET  /_sim/api/idle?timeout=``               block until no webhook is queued
- ``POST /_sim/api/reset``                       forget everything
- ``GET|POST /_sim/api/clock``                   read / ``{"advance_seconds": N}``
- ``POST /_sim/api/verify``                      run the ``hub.challenge`` handshake
- ``GET|POST|DELETE /_sim/api/faults``           inject errors into the next sends:
  ``{"code": 131056, "count"?: 1, "mode"?: "sync"|"async", "http_status"?: 400,
  "details"?: str, "title"?: str, "retry_after"?: int}``; ``sync`` answers the send with
  Meta's error envelope, ``async`` accepts it and emits a ``failed`` status with the code
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from . import webhooks
from .state import STATUS_RANK, Simulator
from .validate import ValidationError, normalise_phone
from .wsgiutil import BadRequest, Request, Response, json_response

JSONDict = dict[str, Any]

PHONE_ROUTE = re.compile(r"^/_sim/api/phones/(?P<phone>[^/]+)(?:/(?P<action>send|messages|read))?/?$")
MAX_WAIT = 60.0
ERROR_TITLES = {
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


def _phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except ValidationError as exc:
        raise BadRequest(exc.details) from None


def _body(request: Request) -> JSONDict:
    try:
        body = request.json()
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("body must be JSON") from None
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object")
    return body


def _float(query: dict[str, str], key: str, default: float) -> float:
    try:
        return float(query.get(key, default))
    except ValueError:
        raise BadRequest(f"'{key}' must be a number") from None


class ControlAPI:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def handle(self, request: Request) -> Response:
        try:
            return self._route(request)
        except BadRequest as exc:
            return json_response({"error": exc.message}, status=exc.status)

    def _route(self, request: Request) -> Response:
        path = request.path.rstrip("/")
        method = request.method
        simple = {
            ("GET", "/_sim/api/config"): self.config,
            ("GET", "/_sim/api/phones"): self.list_phones,
            ("POST", "/_sim/api/phones"): self.add_phone,
            ("GET", "/_sim/api/deliveries"): self.deliveries,
            ("GET", "/_sim/api/idle"): self.idle,
            ("POST", "/_sim/api/reset"): self.reset,
            ("GET", "/_sim/api/clock"): self.clock,
            ("POST", "/_sim/api/clock"): self.clock,
            ("GET", "/_sim/api/wait"): self.wait,
            ("POST", "/_sim/api/verify"): self.verify,
            ("GET", "/_sim/api/faults"): self.faults,
            ("POST", "/_sim/api/faults"): self.faults,
            ("DELETE", "/_sim/api/faults"): self.faults,
        }
        handler = simple.get((method, path))
        if handler is not None:
            return handler(request)
        match = PHONE_ROUTE.match(request.path)
        if match is None:
            raise BadRequest("not found", status=404)
        phone = _phone(match.group("phone"))
        action = match.group("action")
        if action is None and method == "DELETE":
            if not self.sim.remove_phone(phone):
                raise BadRequest("unknown phone", status=404)
            return json_response({"removed": phone})
        if action == "send" and method == "POST":
            return self.send(phone, request)
        if action == "messages" and method == "GET":
            return json_response(self.sim.messages_json(phone))
        if action == "read" and method == "POST":
            return json_response({"read": self.sim.phone_read(phone)})
        raise BadRequest("method not allowed", status=405)

    def config(self, request: Request) -> Response:
        cfg = self.sim.config
        return json_response(
            {
                "phone_number_id": cfg.phone_number_id,
                "display_phone_number": cfg.display_phone_number,
                "waba_id": cfg.waba_id,
                "webhook_url": cfg.webhook_url,
                "public_base_url": cfg.base_url,
                "verified_name": cfg.verified_name,
            }
        )

    def list_phones(self, request: Request) -> Response:
        return json_response({"phones": self.sim.phones_json()})

    def add_phone(self, request: Request) -> Response:
        body = _body(request)
        phone = _phone(str(body.get("phone", "")))
        label = body.get("label")
        profile_name = body.get("profile_name")
        if label is not None and not isinstance(label, str):
            raise BadRequest("'label' must be a string")
        if profile_name is not None and not isinstance(profile_name, str):
            raise BadRequest("'profile_name' must be a string")
        created = self.sim.ensure_phone(phone, label=label, profile_name=profile_name or None)
        return json_response(created.as_json(self.sim.now()), status=201)

    def send(self, phone: str, request: Request) -> Response:
        body = _body(request)
        entry = self.sim.send_inbound(phone, body)
        return json_response({"wamid": entry.wamid, "message": entry.payload})

    def deliveries(self, request: Request) -> Response:
        return json_response({"deliveries": self.sim.deliveries(), "pending": self.sim.dispatcher.pending()})

    def idle(self, request: Request) -> Response:
        timeout = min(_float(request.query, "timeout", 10.0), MAX_WAIT)
        idle = self.sim.dispatcher.wait_idle(timeout)
        return json_response({"idle": idle, "deliveries": self.sim.deliveries()})

    def reset(self, request: Request) -> Response:
        self.sim.reset()
        return json_response({"reset": True})

    def clock(self, request: Request) -> Response:
        if request.method == "POST":
            body = _body(request)
            seconds = body.get("advance_seconds", 0)
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
                raise BadRequest("'advance_seconds' must be a number")
            self.sim.advance_clock(float(seconds))
        return json_response(self.sim.clock_json())

    def wait(self, request: Request) -> Response:
        phone = _phone(request.query.get("phone", ""))
        try:
            count = int(request.query.get("count", "1"))
        except ValueError:
            raise BadRequest("'count' must be an integer") from None
        timeout = min(_float(request.query, "timeout", 10.0), MAX_WAIT)
        status = request.query.get("status") or None
        if status is not None and status not in STATUS_RANK:
            raise BadRequest("'status' must be sent, delivered, read or failed")
        ok, data = self.sim.wait_outbound(phone, count, timeout, status)
        data["timed_out"] = not ok
        return json_response(data)

    def verify(self, request: Request) -> Response:
        challenge = str(secrets.randbelow(10**10))
        return json_response(webhooks.verify_handshake(self.sim.config, challenge))

    def faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.sim.clear_faults()
        elif request.method == "POST":
            body = _body(request)
            code = body.get("code")
            count = body.get("count", 1)
            mode = body.get("mode", "sync")
            http_status = body.get("http_status", 400)
            retry_after = body.get("retry_after")
            if not isinstance(code, int) or isinstance(code, bool):
                raise BadRequest("'code' must be an integer")
            if not isinstance(count, int) or not 1 <= count <= 1000:
                raise BadRequest("'count' must be an integer between 1 and 1000")
            if mode not in ("sync", "async"):
                raise BadRequest("'mode' must be 'sync' or 'async'")
            if not isinstance(http_status, int) or not 400 <= http_status <= 599:
                raise BadRequest("'http_status' must be a 4xx or 5xx status")
            if retry_after is not None and not isinstance(retry_after, int):
                raise BadRequest("'retry_after' must be an integer")
            title = body.get("title") or ERROR_TITLES.get(code, "Simulated error")
            details = body.get("details") or f"Simulated error {code}"
            fault = {
                "code": code,
                "mode": mode,
                "http_status": http_status,
                "title": str(title),
                "details": str(details),
                "retry_after": retry_after,
            }
            self.sim.add_fault(fault, count)
        return json_response({"faults": self.sim.faults()})
