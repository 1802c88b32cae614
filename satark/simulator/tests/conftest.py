"""Fixtures: a running simulator and a tiny stdlib "product" that records webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from satark.simulator.app import SimulatorApp, SimulatorConfig
from satark.simulator.server import ThreadingWSGIServer, serve

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "test-access-token"
PHONE_NUMBER_ID = "106540352242922"
CITIZEN = "919000000001"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def value(self) -> dict[str, Any]:
        return self.json["entry"][0]["changes"][0]["value"]  # type: ignore[no-any-return]

    def signature_ok(self, secret: str = APP_SECRET) -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers.get("x-hub-signature-256", ""))


@dataclass
class Receiver:
    """Records every webhook POST; answers with queued status codes, then 200."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    responses: list[int] = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)

    def messages(self) -> list[Received]:
        with self.cond:
            return [r for r in self.received if "messages" in r.value()]

    def statuses(self) -> list[dict[str, Any]]:
        with self.cond:
            return [s for r in self.received for s in r.value().get("statuses", [])]

    def wait_for(self, predicate: Any, timeout: float = 5.0) -> list[Received]:
        end = time.monotonic() + timeout
        with self.cond:
            while not predicate(self.received):
                remaining = end - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out; received {len(self.received)} webhooks")
                self.cond.wait(remaining)
            return list(self.received)

    def wait_count(self, count: int, timeout: float = 5.0) -> list[Received]:
        return self.wait_for(lambda items: len(items) >= count, timeout)

    def wait_message(self, timeout: float = 5.0) -> Received:
        def has_message(items: list[Received]) -> bool:
            return any("messages" in r.value() for r in items)

        self.wait_for(has_message, timeout)
        return self.messages()[-1]

    def wait_status(self, wamid: str, status: str, timeout: float = 5.0) -> dict[str, Any]:
        def found(items: list[Received]) -> bool:
            return any(s["id"] == wamid and s["status"] == status for r in items for s in r.value().get("statuses", []))

        self.wait_for(found, timeout)
        return next(s for s in self.statuses() if s["id"] == wamid and s["status"] == status)

    def clear(self) -> None:
        with self.cond:
            self.received.clear()


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with receiver.cond:
                code = receiver.responses.pop(0) if receiver.responses else 200
                if code == 200:
                    receiver.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
                receiver.cond.notify_all()
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            ok = query.get("hub.mode") == "subscribe" and query.get("hub.verify_token") == VERIFY_TOKEN
            body = query.get("hub.challenge", "").encode() if ok else b"forbidden"
            self.send_response(200 if ok else 403)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(rec))
    server.daemon_threads = True
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/whatsapp/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()


# Approved at start-up (config seeds): the templates the older tests send.
SEED_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "name": "officer_task_assigned",
        "language": "hi",
        "category": "UTILITY",
        "components": [
            {"type": "BODY", "text": "नया काम: {{1}}"},
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "स्वीकार"}]},
        ],
    },
    {"name": "task", "language": "en", "category": "UTILITY", "components": [{"type": "BODY", "text": "New task"}]},
)


def make_config(webhook_url: str, **overrides: Any) -> SimulatorConfig:
    values: dict[str, Any] = {
        "webhook_url": webhook_url,
        "app_secret": APP_SECRET,
        "verify_token": VERIFY_TOKEN,
        "access_token": ACCESS_TOKEN,
        "status_delays": (0.0, 0.05),
        "retry_delays": (0.05, 0.1, 0.1, 0.1, 0.1),
        "webhook_timeout": 2.0,
        "templates": SEED_TEMPLATES,
    }
    values.update(overrides)
    return SimulatorConfig(**values)


@dataclass
class Sim:
    server: ThreadingWSGIServer
    base_url: str
    client: httpx.Client

    @property
    def app(self) -> SimulatorApp:
        assert self.server.simulator_app is not None
        return self.server.simulator_app

    def graph(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {"Authorization": f"Bearer {ACCESS_TOKEN}"})
        return self.client.request(method, f"/v25.0/{path}", headers=headers, **kwargs)

    def send_message(self, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
        full = {"messaging_product": "whatsapp", "recipient_type": "individual", **body}
        return self.graph("POST", f"{PHONE_NUMBER_ID}/messages", json=full, **kwargs)

    def phone_sends(self, phone: str, body: dict[str, Any]) -> str:
        response = self.client.post(f"/_sim/api/phones/{phone}/send", json=body)
        assert response.status_code == 200, response.text
        return response.json()["wamid"]  # type: ignore[no-any-return]

    def chat(self, phone: str) -> list[dict[str, Any]]:
        return self.client.get(f"/_sim/api/phones/{phone}/messages").json()["messages"]  # type: ignore[no-any-return]

    def idle(self) -> None:
        assert self.client.get("/_sim/api/idle", params={"timeout": 5}).json()["idle"]


def start_sim(webhook_url: str, **overrides: Any) -> Sim:
    server, _thread = serve(make_config(webhook_url, **overrides), host="127.0.0.1", port=0)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    client = httpx.Client(base_url=base_url, trust_env=False, timeout=20)
    return Sim(server=server, base_url=base_url, client=client)


@pytest.fixture
def sim(receiver: Receiver) -> Iterator[Sim]:
    instance = start_sim(receiver.url)
    yield instance
    instance.client.close()
    instance.server.shutdown_simulator()


def open_window(sim: Sim, receiver: Receiver, phone: str = CITIZEN) -> str:
    """Have the phone write first so that free-form replies are allowed."""
    wamid = sim.phone_sends(phone, {"type": "text", "text": "hello"})
    sim.idle()
    receiver.clear()
    return wamid
