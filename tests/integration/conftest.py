"""Helpers for the integration tests (the `sim` fixture itself lives in the root conftest.py; `wired_sim`
here also keeps the webhooks the simulator signs, for the product's webhook endpoint)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

TOKEN = "integration-token"
PHONE = "919000000042"


def open_window(ref: str) -> str:
    """The person wrote to us just now: the 24-hour window is open."""
    from satark.messaging.pacing import touch_inbound

    touch_inbound(ref)
    return ref


# -- a simulator whose webhooks reach the product ------------------------------------------------


@dataclass
class WiredSim:
    """The Graph API fake, with the product pointed at it, and every webhook it signs kept as sent
    (bytes and signature) so the test can hand them to the product's webhook endpoint."""

    client: httpx.Client
    webhooks: list[tuple[bytes, str]] = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)

    def bodies(self, field_name: str) -> list[tuple[bytes, str]]:
        with self.cond:
            return [(b, s) for b, s in self.webhooks if f'"field":"{field_name}"'.encode() in b]

    def wait_for(self, field_name: str, count: int, timeout: float = 5.0) -> list[tuple[bytes, str]]:
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.bodies(field_name)) >= count, timeout):
                raise AssertionError(f"no {count} {field_name} webhooks in {timeout}s")
        return self.bodies(field_name)


def _recorder(wired: WiredSim) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with wired.cond:
                wired.webhooks.append((body, self.headers.get("X-Hub-Signature-256", "")))
                wired.cond.notify_all()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def wired_sim() -> Iterator[Callable[..., WiredSim]]:
    """wired_sim(**SimulatorConfig overrides) -> WiredSim; signs with the product's app secret."""
    from django.conf import settings
    from django.test import override_settings

    from satark.messaging.channels import reset_channel
    from satark.simulator.app import SimulatorConfig
    from satark.simulator.server import serve

    cleanups: list[Callable[[], None]] = []

    def start(**overrides: Any) -> WiredSim:
        recorder = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
        values: dict[str, Any] = {
            "webhook_url": f"http://127.0.0.1:{recorder.server_address[1]}/webhooks/whatsapp/",
            "app_secret": settings.SATARK_WHATSAPP_APP_SECRET,
            "verify_token": "v",
            "access_token": TOKEN,
            "retry_delays": (),
            "status_delays": (0.0,),
            **overrides,
        }
        server, _thread = serve(SimulatorConfig(**values), port=0)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        wired = WiredSim(client=httpx.Client(base_url=base, timeout=10))
        recorder.RequestHandlerClass = _recorder(wired)
        recorder.daemon_threads = True
        threading.Thread(target=recorder.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        overridden = override_settings(SATARK_GRAPH_API_BASE=base, SATARK_WHATSAPP_TOKEN=TOKEN)
        overridden.enable()
        reset_channel()

        def stop() -> None:
            overridden.disable()
            reset_channel()
            wired.client.close()
            server.shutdown_simulator()
            recorder.shutdown()
            recorder.server_close()

        cleanups.append(stop)
        return wired

    yield start
    for stop in reversed(cleanups):
        stop()
