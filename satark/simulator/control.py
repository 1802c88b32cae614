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
- ``GET  /_sim/api/deliveries``                  webhook delivery log (one entry per attempt,
  with ``round_trip_ms``; batches have ``kind`` ``batch:<grouping>`` and ``wamids``),
  ``pending`` and ``held`` counts
- ``GET  /_sim/api/idle?timeout=``               block until no webhook is queued (webhooks
  held by a delivery mode do not count)
- ``POST /_sim/api/reset``                       forget phones, chats, media, faults, holds,
  pacing, the clock offset; ``{"full": true}`` also forgets templates and QR codes
- ``GET|POST /_sim/api/clock``                   read / ``{"advance_seconds": N}``
- ``POST /_sim/api/verify``                      run the ``hub.challenge`` handshake
- ``GET|POST|DELETE /_sim/api/faults``           inject errors into the next requests:
  ``{"target"?: "messages"|"media"|"download", "code"?: 131056, "count"?: 1,
  "mode"?: "sync"|"async", "http_status"?: 400|429|5xx, "retry_after"?: int|null,
  "delay_seconds"?: N, "raw"?: bool, "details"?: str, "title"?: str}``; ``sync`` answers
  with Meta's error envelope (or a raw 502/504 page), ``async`` accepts the send and emits
  a ``failed`` status with the code, ``delay_seconds`` answers late (a timeout for a client
  with a shorter timeout). Defaults per status and the exact rules: ``faults.py``
- ``GET|POST|DELETE /_sim/api/delivery-mode``    hold webhooks, then deliver them batched
  and/or reordered: ``{"count": N, "grouping"?: "value"|"changes"|"entries"|"none",
  "order"?: "fifo"|"reverse"|"shuffle", "seed"?: 0, "kinds"?: ["message", "status"],
  "max_wait"?: seconds, "repeat"?: false}`` (``holding.py``); GET shows it and how many
  are held; DELETE releases what is held and ends the mode
- ``POST /_sim/api/delivery-mode/release``       release what is held now, keep the mode
- ``GET|POST|DELETE /_sim/api/templates``        list all (with review state) / create one
  directly (Graph create body + ``"status"?``, default ``APPROVED``) / delete all
- ``POST /_sim/api/templates/{id-or-name}/status`` ``{"status": "APPROVED"|"REJECTED"|
  "PAUSED"|"DISABLED"|"PENDING", "language"?: code, "reason"?: str}``
- ``POST /_sim/api/load``                        ``{"messages": N, "phones"?: M, "rate"?: per s,
  "timeout"?: 60, "text"?: "... {i}"}``: fire N inbound texts from M phones and report
  acknowledged/failed/pending and ack latency p50/p90/p99 (``load.py``); ``GET`` = last report

Inbound ``send`` bodies may carry ``"duplicate": true`` (the webhook is delivered twice).
"""

from __future__ import annotations

import re
import secrets
import threading
from typing import Any

from . import webhooks
from .faults import parse_fault
from .holding import HoldSpec
from .load import parse_load, run_load
from .state import STATUS_RANK, Simulator
from .templates import STATUSES, TemplateError
from .validate import ValidationError, normalise_phone
from .wsgiutil import BadRequest, Request, Response, json_response

JSONDict = dict[str, Any]

PHONE_ROUTE = re.compile(r"^/_sim/api/phones/(?P<phone>[^/]+)(?:/(?P<action>send|messages|read))?/?$")
TEMPLATE_STATUS_ROUTE = re.compile(r"^/_sim/api/templates/(?P<key>[^/]+)/status/?$")
MAX_WAIT = 60.0


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
        self._last_load: JSONDict | None = None
        self._load_lock = threading.Lock()

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
            ("GET", "/_sim/api/delivery-mode"): self.delivery_mode,
            ("POST", "/_sim/api/delivery-mode"): self.delivery_mode,
            ("DELETE", "/_sim/api/delivery-mode"): self.delivery_mode,
            ("POST", "/_sim/api/delivery-mode/release"): self.release_held,
            ("GET", "/_sim/api/templates"): self.templates,
            ("POST", "/_sim/api/templates"): self.templates,
            ("DELETE", "/_sim/api/templates"): self.templates,
            ("GET", "/_sim/api/load"): self.load,
            ("POST", "/_sim/api/load"): self.load,
        }
        handler = simple.get((method, path))
        if handler is not None:
            return handler(request)
        status_match = TEMPLATE_STATUS_ROUTE.match(request.path)
        if status_match is not None and method == "POST":
            return self.template_status(status_match.group("key"), request)
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
                "strict_templates": cfg.strict_templates,
                "template_approval_delay": cfg.template_approval_delay,
                "pair_rate_burst": cfg.pair_rate_burst,
                "pair_rate_interval": cfg.pair_rate_interval,
                "webhook_workers": cfg.webhook_workers,
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
        hold = self.sim.dispatcher.hold_json()
        return json_response(
            {
                "deliveries": self.sim.deliveries(),
                "pending": self.sim.dispatcher.pending(),
                "held": hold["held"] if hold else 0,
            }
        )

    def idle(self, request: Request) -> Response:
        timeout = min(_float(request.query, "timeout", 10.0), MAX_WAIT)
        idle = self.sim.dispatcher.wait_idle(timeout)
        return json_response({"idle": idle, "deliveries": self.sim.deliveries()})

    def reset(self, request: Request) -> Response:
        full = _body(request).get("full", False)
        if not isinstance(full, bool):
            raise BadRequest("'full' must be a boolean")
        self.sim.reset(full=full)
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
            try:
                fault, count = parse_fault(_body(request))
            except ValueError as exc:
                raise BadRequest(str(exc)) from None
            self.sim.add_fault(fault, count)
        return json_response({"faults": self.sim.faults()})

    def delivery_mode(self, request: Request) -> Response:
        dispatcher = self.sim.dispatcher
        if request.method == "POST":
            try:
                spec = HoldSpec.from_json(_body(request))
            except ValueError as exc:
                raise BadRequest(str(exc)) from None
            return json_response({"mode": dispatcher.set_hold(spec), "released": 0})
        released = dispatcher.release_hold(stop=True) if request.method == "DELETE" else 0
        return json_response({"mode": dispatcher.hold_json(), "released": released})

    def release_held(self, request: Request) -> Response:
        released = self.sim.dispatcher.release_hold(stop=False)
        return json_response({"mode": self.sim.dispatcher.hold_json(), "released": released})

    def templates(self, request: Request) -> Response:
        store = self.sim.templates
        if request.method == "DELETE":
            store.clear()
        elif request.method == "POST":
            body = _body(request)
            status = body.pop("status", "APPROVED")
            if status not in STATUSES:
                raise BadRequest(f"'status' must be one of {', '.join(STATUSES)}")
            try:
                template = store.create(body, status=status)
            except TemplateError as exc:
                raise BadRequest(exc.details) from None
            return json_response(self._template_json(template), status=201)
        return json_response({"templates": [self._template_json(t) for t in store.all()]})

    @staticmethod
    def _template_json(template: Any) -> JSONDict:
        return {**template.as_json(), "body_parameters": template.body_params}

    def template_status(self, key: str, request: Request) -> Response:
        body = _body(request)
        status = body.get("status")
        if status not in STATUSES:
            raise BadRequest(f"'status' must be one of {', '.join(STATUSES)}")
        language = body.get("language")
        reason = body.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise BadRequest("'reason' must be a string")
        found = self.sim.templates.find(key, language if isinstance(language, str) else None)
        if not found:
            raise BadRequest("unknown template", status=404)
        if len(found) > 1:
            raise BadRequest("several languages match: give 'language'")
        template = self.sim.templates.set_status(found[0].template_id, status, reason)
        return json_response(self._template_json(template))

    def load(self, request: Request) -> Response:
        if request.method == "GET":
            return json_response({"report": self._last_load})
        try:
            spec = parse_load(_body(request))
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
        if not self._load_lock.acquire(blocking=False):
            raise BadRequest("a load run is already in progress", status=409)
        try:
            report = run_load(self.sim, spec)
        finally:
            self._load_lock.release()
        self._last_load = report
        return json_response(report)
