"""In-memory state of the simulator: phones, chats, media, clock (thread-safe)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from . import webhooks
from .config import (
    INBOUND_MEDIA_TTL,
    MEDIA_URL_TTL,
    SERVICE_WINDOW,
    UPLOADED_MEDIA_TTL,
    SimulatorConfig,
)
from .dispatch import Dispatcher, Outcome, ResultFn
from .faults import FaultQueue
from .inbound import build_message
from .pacing import PairRateLimiter, ThroughputLimiter
from .qrcodes import QRStore
from .templates import Template, TemplateStore
from .wsgiutil import BadRequest

JSONDict = dict[str, Any]

STATUS_RANK = {None: 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}
DEFAULT_PROFILE_NAME = "Sim User"

WINDOW_ERROR: JSONDict = {
    "code": 131047,
    "title": "Re-engagement message",
    "message": "Re-engagement message",
    "error_data": {
        "details": "Message failed to send because more than 24 hours have passed since the "
        "customer last replied to this number."
    },
    "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
}
REACTION_ERROR: JSONDict = {
    "code": 131009,
    "title": "Parameter value is not valid",
    "message": "Parameter value is not valid",
    "error_data": {"details": "Reaction target message not found"},
}


def new_wamid(peer: str = "") -> str:
    """A message id shaped like Meta's: base64 of a small header, the chat partner's number and a
    random part. Real WhatsApp ids embed the number this way, so the product must never store them as
    they are; the simulator reproduces that so tests can catch it."""
    number = "".join(ch for ch in peer if ch.isdigit()).encode("ascii")
    raw = b"\x1c\x18" + bytes([len(number)]) + number + b"\x15\x02\x00\x12\x18" + secrets.token_bytes(18)
    return "wamid." + base64.b64encode(raw).decode("ascii")


def new_media_id() -> str:
    return str(10**15 + secrets.randbelow(9 * 10**15))


def new_bsuid(phone: str) -> str:
    country = "IN" if phone.startswith("91") else "US"
    alphabet = string.ascii_letters + string.digits
    return country + "." + "".join(secrets.choice(alphabet) for _ in range(24))


@dataclass
class Media:
    media_id: str
    data: bytes
    mime_type: str
    created_at: float
    ttl: float
    filename: str | None = None

    @property
    def sha256_b64(self) -> str:
        return base64.b64encode(hashlib.sha256(self.data).digest()).decode("ascii")

    @property
    def sha256_hex(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class ChatEntry:
    direction: str  # "in" = phone -> business, "out" = business -> phone
    wamid: str
    timestamp: int
    payload: JSONDict
    status: str | None = None
    errors: list[JSONDict] | None = None
    biz_opaque_callback_data: str | None = None

    def as_json(self) -> JSONDict:
        data: JSONDict = {
            "direction": self.direction,
            "wamid": self.wamid,
            "timestamp": str(self.timestamp),
            "payload": self.payload,
            "status": self.status,
        }
        if self.errors:
            data["errors"] = self.errors
        return data


@dataclass
class Phone:
    number: str
    label: str
    profile_name: str
    user_id: str
    last_inbound: float | None = None
    typing_until: float = 0.0
    entries: list[ChatEntry] = field(default_factory=list)

    def as_json(self, now: float) -> JSONDict:
        window_open = self.last_inbound is not None and now - self.last_inbound <= SERVICE_WINDOW
        return {
            "phone": self.number,
            "label": self.label,
            "profile_name": self.profile_name,
            "user_id": self.user_id,
            "last_inbound": None if self.last_inbound is None else str(int(self.last_inbound)),
            "window_open": window_open,
            "message_count": len(self.entries),
        }


class Simulator:
    """All mutable state, guarded by one lock; a condition variable wakes waiters."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._offset = 0.0
        self.phones: dict[str, Phone] = {}
        self.media: dict[str, Media] = {}
        self._media_tokens: dict[str, tuple[str, float]] = {}
        self._wamids: dict[str, tuple[Phone, ChatEntry]] = {}
        self._faults = FaultQueue()
        self.dispatcher = Dispatcher(config)
        self.pacing = PairRateLimiter(config.pair_rate_burst, config.pair_rate_interval, self.now)
        self.throughput = ThroughputLimiter(config.throughput_per_second, self.now)
        self._review_timers: list[threading.Timer] = []
        self.templates = TemplateStore(
            self.now,
            config.template_approval_delay,
            on_change=self._template_changed,
            schedule_review=self._schedule_review,
        )
        self.qrcodes = QRStore()
        self._add_default_phones()
        self._seed_templates()

    # -- clock ------------------------------------------------------------------------
    def now(self) -> float:
        return time.time() + self._offset

    def advance_clock(self, seconds: float) -> float:
        with self._cond:
            self._offset += seconds
            self._cond.notify_all()
            now = self.now()
        self.templates.refresh()  # reviews that are due by the new time finish (and are reported) now
        return now

    def clock_json(self) -> JSONDict:
        return {"now": int(self.now()), "offset_seconds": self._offset}

    # -- lifecycle --------------------------------------------------------------------
    def reset(self, *, full: bool = False) -> None:
        """Forget phones, chats, media, faults, holds, pacing and the clock offset.

        Templates and QR codes are account configuration and survive unless ``full``
        (then the configured templates are seeded again)."""
        with self._cond:
            self.dispatcher.reset()
            self._offset = 0.0
            self.phones.clear()
            self.media.clear()
            self._media_tokens.clear()
            self._faults.clear()
            self._wamids.clear()
            self.pacing.reset()
            self.throughput.reset()
            if full:
                self.templates.clear()
                self.qrcodes.clear()
                self._seed_templates()
            self._add_default_phones()
            self._cond.notify_all()

    def _seed_templates(self) -> None:
        for body in self.config.templates:
            self.templates.create(body, status="APPROVED")

    def close(self) -> None:
        with self._lock:
            timers, self._review_timers = self._review_timers, []
        for timer in timers:
            timer.cancel()
        self.dispatcher.close()

    # -- template reviews (templates.py) -------------------------------------------------
    def _schedule_review(self, delay: float) -> None:
        """Finish a created template's review after ``delay`` seconds even if nobody reads it (a
        timer, not a webhook job: a review in progress does not keep the simulator busy)."""
        timer = threading.Timer(delay, self.templates.refresh)
        timer.daemon = True
        with self._lock:
            self._review_timers = [t for t in self._review_timers if t.is_alive()] + [timer]
        timer.start()

    def _template_changed(self, template: Template) -> None:
        if not self.config.template_status_webhooks:
            return
        payload = webhooks.template_status_update(self.config, template, int(self.now()))
        self.dispatcher.schedule("template:" + template.status, body=webhooks.serialise(payload), key="templates")

    def _add_default_phones(self) -> None:
        for number, label in self.config.default_phones:
            self.ensure_phone(number, label=label)

    # -- phones -----------------------------------------------------------------------
    def ensure_phone(self, number: str, label: str | None = None, profile_name: str | None = None) -> Phone:
        with self._cond:
            phone = self.phones.get(number)
            if phone is None:
                phone = Phone(
                    number=number,
                    label=label or "",
                    profile_name=profile_name or DEFAULT_PROFILE_NAME,
                    user_id=new_bsuid(number),
                )
                self.phones[number] = phone
                self._cond.notify_all()
            else:
                if label is not None:
                    phone.label = label
                if profile_name is not None:
                    phone.profile_name = profile_name
            return phone

    def remove_phone(self, number: str) -> bool:
        with self._cond:
            phone = self.phones.pop(number, None)
            if phone is None:
                return False
            for entry in phone.entries:
                self._wamids.pop(entry.wamid, None)
            self._cond.notify_all()
            return True

    def phone_by_user_id(self, user_id: str) -> Phone | None:
        with self._lock:
            for phone in self.phones.values():
                if phone.user_id == user_id:
                    return phone
            return None

    def phones_json(self) -> list[JSONDict]:
        with self._lock:
            now = self.now()
            return [phone.as_json(now) for phone in self.phones.values()]

    def messages_json(self, number: str) -> JSONDict:
        with self._lock:
            phone = self.phones.get(number)
            if phone is None:
                return {"messages": [], "typing": False, "exists": False}
            return {
                "messages": [entry.as_json() for entry in phone.entries],
                "typing": phone.typing_until > time.monotonic(),
                "exists": True,
            }

    def _count(self, number: str, status: str | None) -> int:
        phone = self.phones.get(number)
        if phone is None:
            return 0
        outbound = [e for e in phone.entries if e.direction == "out"]
        if status is None:
            return len(outbound)
        if status == "failed":
            return sum(1 for e in outbound if e.status == "failed")
        rank = STATUS_RANK.get(status, 0)
        return sum(1 for e in outbound if e.status != "failed" and STATUS_RANK[e.status] >= rank)

    def wait_outbound(
        self, number: str, count: int, timeout: float, status: str | None = None
    ) -> tuple[bool, JSONDict]:
        end = time.monotonic() + max(0.0, timeout)
        with self._cond:
            while self._count(number, status) < count:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            ok = self._count(number, status) >= count
            return ok, self.messages_json(number)

    # -- media ------------------------------------------------------------------------
    def add_media(self, data: bytes, mime_type: str, *, filename: str | None = None, uploaded: bool = True) -> Media:
        with self._lock:
            media = Media(
                media_id=new_media_id(),
                data=data,
                mime_type=mime_type,
                created_at=self.now(),
                ttl=UPLOADED_MEDIA_TTL if uploaded else INBOUND_MEDIA_TTL,
                filename=filename,
            )
            self.media[media.media_id] = media
            return media

    def get_media(self, media_id: str) -> Media | None:
        with self._lock:
            media = self.media.get(media_id)
            if media is None or self.now() > media.created_at + media.ttl:
                return None
            return media

    def delete_media(self, media_id: str) -> bool:
        with self._lock:
            return self.media.pop(media_id, None) is not None

    def known_media_ids(self) -> set[str]:
        with self._lock:
            now = self.now()
            return {m.media_id for m in self.media.values() if now <= m.created_at + m.ttl}

    def media_url(self, media_id: str) -> str:
        with self._lock:
            token = secrets.token_urlsafe(24)
            self._media_tokens[token] = (media_id, self.now() + MEDIA_URL_TTL)
            return f"{self.config.base_url}/_media/{token}"

    def media_for_token(self, token: str) -> Media | None:
        with self._lock:
            found = self._media_tokens.get(token)
            if found is None:
                return None
            media_id, expires_at = found
            if self.now() > expires_at:
                self._media_tokens.pop(token, None)
                return None
            return self.get_media(media_id)

    # -- outbound (business -> phone) ---------------------------------------------------
    def window_open(self, phone: Phone) -> bool:
        return phone.last_inbound is not None and self.now() - phone.last_inbound <= SERVICE_WINDOW

    # -- injected faults (see faults.py) ---------------------------------------------------
    def add_fault(self, fault: JSONDict, count: int) -> None:
        self._faults.add(fault, count)

    def clear_faults(self) -> None:
        self._faults.clear()

    def take_fault(self, target: str = "messages") -> JSONDict | None:
        """The next injected fault for an endpoint kind, if any (FIFO)."""
        return self._faults.take(target)

    def faults(self) -> list[JSONDict]:
        return self._faults.as_json()

    def record_outbound(
        self,
        phone: Phone,
        body: JSONDict,
        msg_type: str,
        forced_error: JSONDict | None = None,
        template_category: str = "utility",
    ) -> ChatEntry:
        """Store a validated outbound message and schedule its status webhooks.

        ``forced_error`` (an injected asynchronous fault) makes the message fail with it."""
        with self._cond:
            entry = ChatEntry(
                direction="out",
                wamid=new_wamid(phone.number),
                timestamp=int(self.now()),
                payload=body,
                biz_opaque_callback_data=body.get("biz_opaque_callback_data"),
            )
            phone.entries.append(entry)
            phone.typing_until = 0.0
            self._wamids[entry.wamid] = (phone, entry)
            is_template = msg_type == "template"
            window = self.window_open(phone)
            delays = self.config.status_delays
            first = delays[0] if delays else 0.0
            second = delays[1] if len(delays) > 1 else first
            if forced_error is not None:
                self._schedule_status(phone, entry, "failed", first, errors=[forced_error])
            elif not is_template and not window:
                self._schedule_status(phone, entry, "failed", first, errors=[WINDOW_ERROR])
            elif msg_type == "reaction" and not self._is_inbound_of(
                phone, str(body.get("reaction", {}).get("message_id", ""))
            ):
                self._schedule_status(phone, entry, "failed", first, errors=[REACTION_ERROR])
            else:
                pricing = {
                    "billable": is_template and not window,
                    "pricing_model": "PMP",
                    "type": "free_customer_service" if window else "regular",
                    "category": template_category if is_template else "service",
                }
                self._schedule_status(phone, entry, "sent", first, pricing=pricing)
                if msg_type != "reaction":  # Meta only reports "sent" for reactions
                    self._schedule_status(phone, entry, "delivered", second, pricing=pricing)
            self._cond.notify_all()
            return entry

    def _is_inbound_of(self, phone: Phone, wamid: str) -> bool:
        found = self._wamids.get(wamid)
        return found is not None and found[0] is phone and found[1].direction == "in"

    def _schedule_status(
        self,
        phone: Phone,
        entry: ChatEntry,
        status: str,
        delay: float,
        *,
        pricing: JSONDict | None = None,
        errors: list[JSONDict] | None = None,
    ) -> None:
        def build() -> JSONDict | None:
            return self._status_payload(phone, entry, status, pricing, errors)

        self.dispatcher.schedule("status:" + status, delay=delay, build=build, wamid=entry.wamid, key=phone.number)

    def _status_payload(
        self,
        phone: Phone,
        entry: ChatEntry,
        status: str,
        pricing: JSONDict | None,
        errors: list[JSONDict] | None,
    ) -> JSONDict | None:
        with self._cond:
            if self._wamids.get(entry.wamid) != (phone, entry):
                return None  # reset or phone removed meanwhile
            if entry.status == "failed" or STATUS_RANK[entry.status] >= STATUS_RANK[status]:
                return None
            entry.status = status
            if errors:
                entry.errors = errors
            self._cond.notify_all()
            obj: JSONDict = {
                "id": entry.wamid,
                "status": status,
                "timestamp": str(int(self.now())),
                "recipient_id": phone.number,
                "recipient_user_id": phone.user_id,
            }
            if entry.biz_opaque_callback_data is not None:
                obj["biz_opaque_callback_data"] = entry.biz_opaque_callback_data
            if pricing is not None:
                obj["pricing"] = pricing
            if errors:
                obj["errors"] = errors
            return webhooks.envelope(self.config, webhooks.status_value(obj))

    def mark_read_by_business(self, wamid: str, typing: bool) -> bool:
        """The product marked an inbound message (and earlier ones) as read."""
        with self._cond:
            found = self._wamids.get(wamid)
            if found is None or found[1].direction != "in":
                return False
            phone, target = found
            for entry in phone.entries:
                if entry.direction == "in":
                    entry.status = "read"
                if entry is target:
                    break
            if typing:
                phone.typing_until = time.monotonic() + 25.0
            self._cond.notify_all()
            return True

    def phone_read(self, number: str) -> int:
        """The phone's screen showed its chat: emit ``read`` for delivered bot messages."""
        with self._cond:
            phone = self.phones.get(number)
            if phone is None:
                return 0
            count = 0
            for entry in phone.entries:
                if entry.direction == "out" and entry.status == "delivered":
                    self._schedule_status(phone, entry, "read", 0.0)
                    count += 1
            return count

    # -- inbound (phone -> business) -----------------------------------------------------
    def send_inbound(self, number: str, req: JSONDict, *, on_result: ResultFn | None = None) -> ChatEntry:
        """The phone sends a message: record it and queue its webhook (``on_result`` is told
        the final outcome of each delivery, e.g. by the load generator)."""
        with self._cond:
            phone = self.ensure_phone(number, label=req.get("label"), profile_name=req.get("profile_name"))
            now = self.now()
            include_phone = not req.get("omit_phone", False)

            def store(data: bytes, mime_type: str, filename: str | None) -> tuple[str, str, str | None]:
                media = self.add_media(data, mime_type, filename=filename, uploaded=False)
                url = self.media_url(media.media_id) if self.config.media_url_in_webhooks else None
                return media.media_id, media.sha256_b64, url

            message = build_message(
                req,
                phone=phone.number,
                user_id=phone.user_id,
                wamid=new_wamid(phone.number),
                timestamp=str(int(now)),
                business_number=self.config.display_phone_number,
                store_media=store,
                include_from=include_phone,
            )
            entry = ChatEntry(direction="in", wamid=message["id"], timestamp=int(now), payload=message)
            phone.entries.append(entry)
            self._wamids[entry.wamid] = (phone, entry)
            if message["type"] != "system":
                phone.last_inbound = now
            contact: JSONDict | None = None
            if message["type"] != "system":
                contact = {"profile": {"name": phone.profile_name}}
                if include_phone:
                    contact["wa_id"] = phone.number
                contact["user_id"] = phone.user_id
            payload = webhooks.envelope(self.config, webhooks.message_value(contact, message))
            body = webhooks.serialise(payload)

            def delivered(outcome: Outcome) -> None:
                with self._cond:
                    if entry.status is None or (outcome.ok and entry.status == "failed"):
                        entry.status = "delivered" if outcome.ok else "failed"
                        self._cond.notify_all()
                if on_result is not None:
                    on_result(outcome)

            times = 2 if req.get("duplicate") else 1
            for _ in range(times):
                self.dispatcher.schedule(
                    "message:" + message["type"], body=body, wamid=entry.wamid, on_result=delivered, key=phone.number
                )
            self._cond.notify_all()
            return entry

    def deliveries(self) -> list[JSONDict]:
        return self.dispatcher.log()


__all__ = ["BadRequest", "ChatEntry", "Media", "Phone", "Simulator"]
