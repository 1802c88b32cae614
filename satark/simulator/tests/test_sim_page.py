"""The page's JavaScript, run in Node with a minimal fake DOM against a live simulator.

The harness (ui_harness.js) clicks reply buttons, list rows, the location control, the
photo input, a template quick reply and the add-phone form; this test then checks the
webhooks the "product" received. The Playwright test does the same in real Chromium.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .conftest import ACCESS_TOKEN, CITIZEN, PHONE_NUMBER_ID, Receiver, Sim

HARNESS = Path(__file__).resolve().parent / "ui_harness.js"
NODE = shutil.which("node")


def test_page_script_plays_a_conversation(sim: Sim, receiver: Receiver) -> None:
    assert NODE is not None, "node (Node.js) is part of this machine kind and runs the page-script harness"
    result = subprocess.run(
        [NODE, str(HARNESS), sim.base_url, ACCESS_TOKEN, PHONE_NUMBER_ID],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ui harness ok" in result.stdout
    sim.idle()
    inbound = [r for r in receiver.messages() if r.value()["messages"][0].get("from") == CITIZEN]
    kinds = [r.value()["messages"][0]["type"] for r in inbound]
    assert kinds == ["text", "interactive", "interactive", "location", "image", "button"]
    assert all(r.signature_ok() for r in receiver.received)
    read = [s for s in receiver.statuses() if s["status"] == "read"]
    assert read, "the page reported the bot's messages as read"
