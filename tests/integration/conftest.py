"""A live in-process fake of the Graph API for integration tests, with the product pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from django.test import override_settings

from satark.messaging.channels import reset_channel
from satark.simulator.app import SimulatorConfig
from satark.simulator.server import serve

TOKEN = "integration-token"
PHONE = "919000000042"


@pytest.fixture
def sim() -> Iterator[httpx.Client]:
    config = SimulatorConfig(
        webhook_url="http://127.0.0.1:9/closed",
        app_secret="s",
        verify_token="v",
        access_token=TOKEN,
        retry_delays=(),
        status_delays=(0.0,),
    )
    server, _thread = serve(config, port=0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with override_settings(SATARK_GRAPH_API_BASE=base, SATARK_WHATSAPP_TOKEN=TOKEN):
        reset_channel()
        yield httpx.Client(base_url=base, timeout=10)
    reset_channel()
    server.shutdown_simulator()


def open_window(ref: str) -> str:
    """The person wrote to us just now: the 24-hour window is open."""
    from satark.messaging.pacing import touch_inbound

    touch_inbound(ref)
    return ref
