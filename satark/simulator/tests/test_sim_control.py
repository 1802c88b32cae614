"""Control-plane API, the page's assets, the CLI and request logging."""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from pathlib import Path

import pytest

from satark.simulator import server as server_module

from .conftest import CITIZEN, Receiver, Sim, open_window

STATIC = Path(__file__).resolve().parent.parent / "static"


def test_phones_add_list_remove(sim: Sim) -> None:
    phones = sim.client.get("/_sim/api/phones").json()["phones"]
    assert [(p["phone"], p["label"]) for p in phones] == [(CITIZEN, "Citizen")]
    created = sim.client.post(
        "/_sim/api/phones", json={"phone": "+91 98765-43210", "label": "Officer", "profile_name": "SI Verma"}
    )
    assert created.status_code == 201
    assert created.json()["phone"] == "919876543210"
    phones = sim.client.get("/_sim/api/phones").json()["phones"]
    assert phones[1]["label"] == "Officer" and phones[1]["profile_name"] == "SI Verma"
    assert phones[1]["window_open"] is False
    assert sim.client.delete("/_sim/api/phones/919876543210").json() == {"removed": "919876543210"}
    assert sim.client.delete("/_sim/api/phones/919876543210").status_code == 404
    assert sim.client.post("/_sim/api/phones", json={"phone": "x"}).status_code == 400


def test_messages_in_order_with_directions(sim: Sim, receiver: Receiver) -> None:
    inbound = open_window(sim, receiver)
    out = sim.send_message({"to": CITIZEN, "type": "text", "text": {"body": "reply"}}).json()
    chat = sim.chat(CITIZEN)
    assert [m["direction"] for m in chat] == ["in", "out"]
    assert chat[0]["wamid"] == inbound and chat[0]["payload"]["text"]["body"] == "hello"
    assert chat[0]["status"] == "delivered"  # the webhook was accepted with 200
    assert chat[1]["wamid"] == out["messages"][0]["id"]
    assert chat[1]["payload"]["messaging_product"] == "whatsapp"
    assert all(m["timestamp"].isdigit() for m in chat)


def test_wait_blocks_until_the_bot_answers(sim: Sim, receiver: Receiver) -> None:
    open_window(sim, receiver)
    started = time.monotonic()
    empty = sim.client.get("/_sim/api/wait", params={"phone": CITIZEN, "count": 1, "timeout": 0.2}).json()
    assert empty["timed_out"] is True
    assert time.monotonic() - started >= 0.2

    def bot_answers() -> None:
        time.sleep(0.2)
        sim.send_message({"to": CITIZEN, "type": "text", "text": {"body": "answer"}})

    thread = threading.Thread(target=bot_answers)
    thread.start()
    data = sim.client.get(
        "/_sim/api/wait", params={"phone": CITIZEN, "count": 1, "timeout": 5, "status": "delivered"}
    ).json()
    thread.join()
    assert data["timed_out"] is False
    out = [m for m in data["messages"] if m["direction"] == "out"]
    assert out[0]["payload"]["text"]["body"] == "answer"
    assert out[0]["status"] == "delivered"
    bad = sim.client.get("/_sim/api/wait", params={"phone": CITIZEN, "status": "nope"})
    assert bad.status_code == 400


def test_reset_and_clock(sim: Sim, receiver: Receiver) -> None:
    open_window(sim, receiver)
    sim.client.post("/_sim/api/phones", json={"phone": "919222222222"})
    before = sim.client.get("/_sim/api/clock").json()["now"]
    after = sim.client.post("/_sim/api/clock", json={"advance_seconds": 3600}).json()["now"]
    assert after - before >= 3599
    assert sim.client.post("/_sim/api/clock", json={"advance_seconds": "x"}).status_code == 400

    assert sim.client.post("/_sim/api/reset").json() == {"reset": True}
    assert [p["phone"] for p in sim.client.get("/_sim/api/phones").json()["phones"]] == [CITIZEN]
    assert sim.chat(CITIZEN) == []
    assert sim.client.get("/_sim/api/deliveries").json()["deliveries"] == []
    assert sim.client.get("/_sim/api/clock").json()["offset_seconds"] == 0


def test_verify_handshake(sim: Sim) -> None:
    result = sim.client.post("/_sim/api/verify").json()
    assert result["verified"] is True and result["status_code"] == 200


def test_config_has_no_secrets(sim: Sim) -> None:
    text = sim.client.get("/_sim/api/config").text
    assert "test-app-secret" not in text and "test-access-token" not in text
    assert sim.client.get("/_sim/api/config").json()["public_base_url"] == sim.base_url


def test_page_and_assets(sim: Sim) -> None:
    page = sim.client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<meta charset="utf-8">' in page.text
    assert "/_sim/static/app.js" in page.text
    assert "http" not in page.text.replace("http-equiv", "")  # nothing external
    script = sim.client.get("/_sim/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "reply-button" in script.text and "list-row" in script.text
    assert sim.client.get("/_sim/static/app.css").status_code == 200
    assert sim.client.get("/_sim/media/123").status_code == 404


def test_app_js_parses() -> None:
    subprocess.run(["node", "--check", str(STATIC / "app.js")], check=True)


def test_request_log_has_no_phone_numbers(sim: Sim, receiver: Receiver, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="satark.simulator"):
        open_window(sim, receiver)
        sim.send_message({"to": "+91 90000 00001", "type": "text", "text": {"body": "hi"}})
        sim.client.post("/_sim/api/phones/919000000001/read")
    lines = [r.getMessage() for r in caplog.records]
    assert any("/_sim/api/phones/<n>/send -> 200" in line for line in lines)
    assert any(line.startswith("POST /v25.0/<n>/messages -> 200") for line in lines)
    assert not any("9000000001" in line or "90000 00001" in line for line in lines)


def test_cli_defaults_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SATARK_SIM_PORT", "8123")
    monkeypatch.setenv("SATARK_WHATSAPP_TOKEN", "tok")
    monkeypatch.setenv("SATARK_WHATSAPP_PHONE_NUMBER_ID", "555")
    args = server_module.build_parser().parse_args(["--app-secret", "s"])
    assert (args.port, args.access_token, args.phone_number_id, args.app_secret) == (8123, "tok", "555", "s")
    assert args.webhook_url == "http://127.0.0.1:8000/webhooks/whatsapp/"
    monkeypatch.delenv("SATARK_SIM_PORT")
    defaults = server_module.build_parser().parse_args([])
    assert defaults.port == 8001
    assert (defaults.lax_templates, defaults.webhook_workers, defaults.pair_rate_burst) == (False, 4, 45)
    assert defaults.pair_rate_interval == 6.0 and defaults.template_approval_delay == 0.0
    monkeypatch.setenv("SATARK_SIM_STRICT_TEMPLATES", "0")
    monkeypatch.setenv("SATARK_SIM_WEBHOOK_WORKERS", "16")
    args = server_module.build_parser().parse_args(["--pair-rate-burst", "0"])
    assert (args.lax_templates, args.webhook_workers, args.pair_rate_burst) == (True, 16, 0)
