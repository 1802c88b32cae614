"""Helpers for the integration tests (the `sim` fixture itself lives in the root conftest.py)."""

from __future__ import annotations

TOKEN = "integration-token"
PHONE = "919000000042"


def open_window(ref: str) -> str:
    """The person wrote to us just now: the 24-hour window is open."""
    from satark.messaging.pacing import touch_inbound

    touch_inbound(ref)
    return ref
