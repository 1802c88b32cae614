"""Project-wide test setup: a guard that fails any network connection outside 127.0.0.1."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _allowed(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path (e.g. PostgreSQL's socket)
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded(real: Any) -> Any:
    def connect(self: socket.socket, address: Any) -> Any:
        if not _allowed(address):
            raise RuntimeError(f"test tried to reach the network: {address!r} (only 127.0.0.1 is allowed)")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def _network_guard() -> Any:
    socket.socket.connect = _guarded(_real_connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded(_real_connect_ex)  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


SIM_TOKEN = "integration-token"


@pytest.fixture
def sim() -> Iterator[httpx.Client]:
    """A live in-process fake of the Graph API, with the product pointed at it."""
    from django.test import override_settings

    from satark.messaging.channels import reset_channel
    from satark.simulator.app import SimulatorConfig
    from satark.simulator.server import serve

    config = SimulatorConfig(
        webhook_url="http://127.0.0.1:9/closed",
        app_secret="s",
        verify_token="v",
        access_token=SIM_TOKEN,
        retry_delays=(),
        status_delays=(0.0,),
    )
    server, _thread = serve(config, port=0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with override_settings(SATARK_GRAPH_API_BASE=base, SATARK_WHATSAPP_TOKEN=SIM_TOKEN):
        reset_channel()
        yield httpx.Client(base_url=base, timeout=10)
    reset_channel()
    server.shutdown_simulator()
