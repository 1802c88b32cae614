"""Pair rate limit (131056) and injected HTTP faults: 429, 5xx, timeouts, per endpoint kind."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import pytest

from .conftest import ACCESS_TOKEN, CITIZEN, PHONE_NUMBER_ID, Receiver, Sim, open_window, start_sim

AUTH = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
TEXT = {"to": CITIZEN, "type": "text", "text": {"body": "x"}}


@pytest.fixture
def paced(receiver: Receiver) -> Any:
    instance = start_sim(receiver.url, pair_rate_burst=3, pair_rate_interval=6.0)
    yield instance
    instance.client.close()
    instance.server.shutdown_simulator()


def error_code(response: httpx.Response, status: int = 400) -> int:
    assert response.status_code == status, response.text
    return int(response.json()["error"]["code"])


def test_pair_rate_limit_bursts_then_refills_on_the_simulator_clock(paced: Sim, receiver: Receiver) -> None:
    inbound = open_window(paced, receiver)
    for _ in range(3):
        assert paced.send_message(TEXT).status_code == 200
    refused = paced.send_message(TEXT)
    assert error_code(refused) == 131056
    error = refused.json()["error"]
    assert error["message"] == "(#131056) (Business Account, Consumer Account) pair rate limit hit"
    assert "same phone number" in error["error_data"]["details"]

    read = {"messaging_product": "whatsapp", "status": "read", "message_id": inbound}
    for _ in range(5):  # mark-as-read is not a message: never limited, never counted
        assert paced.graph("POST", f"{PHONE_NUMBER_ID}/messages", json=read).json() == {"success": True}
    assert paced.send_message({"to": CITIZEN, "type": "text", "text": {"body": ""}}).status_code == 400
    assert paced.send_message({"to": "919000000002", **{k: v for k, v in TEXT.items() if k != "to"}}).status_code == 200

    paced.client.post("/_sim/api/clock", json={"advance_seconds": 6})
    assert paced.send_message(TEXT).status_code == 200
    assert error_code(paced.send_message(TEXT)) == 131056
    paced.client.post("/_sim/api/clock", json={"advance_seconds": 18})
    for _ in range(3):
        assert paced.send_message(TEXT).status_code == 200
    assert error_code(paced.send_message(TEXT)) == 131056
    paced.idle()
    assert len([m for m in paced.chat(CITIZEN) if m["direction"] == "out"]) == 7  # refused sends are not stored


def test_pair_rate_default_is_a_burst_of_45(sim: Sim, receiver: Receiver) -> None:
    open_window(sim, receiver)
    with httpx.Client(base_url=sim.base_url, trust_env=False, headers=AUTH) as client:
        body = {"messaging_product": "whatsapp", **TEXT}
        codes = [client.post(f"/v25.0/{PHONE_NUMBER_ID}/messages", json=body).status_code for _ in range(46)]
    assert codes == [200] * 45 + [400]
    template = {"to": CITIZEN, "type": "template", "template": {"name": "task", "language": {"code": "en"}}}
    assert error_code(sim.send_message(template)) == 131056  # templates count too
    sim.client.post("/_sim/api/reset")
    assert sim.send_message(TEXT).status_code == 200  # reset forgets the buckets


def test_http_429_and_5xx_on_messages(sim: Sim, receiver: Receiver) -> None:
    open_window(sim, receiver)
    sim.client.post("/_sim/api/faults", json={"http_status": 429})
    response = sim.send_message(TEXT)
    assert error_code(response, 429) == 130429
    assert response.headers["retry-after"] == "60"
    usage = json.loads(response.headers["x-business-use-case-usage"])
    assert usage["102290129340398"][0]["estimated_time_to_regain_access"] == 1

    sim.client.post("/_sim/api/faults", json={"http_status": 503})
    response = sim.send_message(TEXT)
    assert error_code(response, 503) == 2
    assert response.json()["error"]["is_transient"] is True
    assert response.headers["retry-after"] == "30"

    sim.client.post("/_sim/api/faults", json={"http_status": 500, "retry_after": 5})
    response = sim.send_message(TEXT)
    assert error_code(response, 500) == 1 and response.headers["retry-after"] == "5"

    sim.client.post("/_sim/api/faults", json={"http_status": 429, "retry_after": None, "code": 4})
    response = sim.send_message(TEXT)
    assert error_code(response, 429) == 4 and "retry-after" not in response.headers

    sim.client.post("/_sim/api/faults", json={"http_status": 502})
    response = sim.send_message(TEXT)
    assert response.status_code == 502 and response.headers["content-type"].startswith("text/html")

    assert sim.send_message(TEXT).status_code == 200
    assert len([m for m in sim.chat(CITIZEN) if m["direction"] == "out"]) == 1


def test_timeout_on_messages_still_sends(sim: Sim, receiver: Receiver) -> None:
    open_window(sim, receiver)
    sim.client.post("/_sim/api/faults", json={"delay_seconds": 0.6})
    with pytest.raises(httpx.ReadTimeout):
        sim.send_message(TEXT, timeout=0.2)
    waited = sim.client.get("/_sim/api/wait", params={"phone": CITIZEN, "count": 1, "timeout": 2}).json()
    assert waited["timed_out"] is False  # the send happened; only its answer was lost

    sim.client.post("/_sim/api/faults", json={"delay_seconds": 0.3, "http_status": 503})
    started = time.monotonic()
    response = sim.send_message(TEXT)
    assert time.monotonic() - started >= 0.3
    assert error_code(response, 503) == 2
    assert len([m for m in sim.chat(CITIZEN) if m["direction"] == "out"]) == 1


def test_faults_target_one_endpoint_kind(sim: Sim, receiver: Receiver) -> None:
    encoded = base64.b64encode(b"\x89PNG fake").decode()
    sim.phone_sends(CITIZEN, {"type": "image", "data_base64": encoded, "mime_type": "image/png"})
    media_id = receiver.wait_message().value()["messages"][0]["image"]["id"]
    receiver.clear()

    assert sim.client.post("/_sim/api/faults", json={"target": "media", "http_status": 500}).status_code == 200
    assert sim.client.post("/_sim/api/faults", json={"target": "download", "http_status": 429}).status_code == 200
    assert sim.client.post("/_sim/api/faults", json={"target": "download", "delay_seconds": 0.6}).status_code == 200
    assert sim.send_message(TEXT).status_code == 200  # /messages is not affected
    assert [f["target"] for f in sim.client.get("/_sim/api/faults").json()["faults"]] == [
        "media",
        "download",
        "download",
    ]

    assert error_code(sim.graph("GET", media_id), 500) == 1
    info = sim.graph("GET", media_id).json()
    assert error_code(sim.client.get(info["url"], headers=AUTH), 429) == 4
    with pytest.raises(httpx.ReadTimeout):
        sim.client.get(info["url"], headers=AUTH, timeout=0.2)
    assert sim.client.get(info["url"], headers=AUTH).content == b"\x89PNG fake"

    sim.client.post("/_sim/api/faults", json={"target": "media", "code": 131052, "http_status": 400})
    assert error_code(sim.graph("GET", media_id)) == 131052
    sim.client.post("/_sim/api/faults", json={"target": "media", "delay_seconds": 0.5})
    with pytest.raises(httpx.ReadTimeout):
        sim.graph("GET", media_id, timeout=0.2)
    assert sim.client.get("/_sim/api/faults").json()["faults"] == []


def test_fault_validation(sim: Sim) -> None:
    for bad in (
        {},
        {"target": "everything", "code": 1},
        {"http_status": 200},
        {"code": 1, "mode": "async", "target": "media"},
        {"http_status": 500, "mode": "async"},
        {"delay_seconds": -1},
        {"delay_seconds": 301},
        {"code": 1, "raw": "yes"},
        {"code": 1, "count": 0},
    ):
        assert sim.client.post("/_sim/api/faults", json=bad).status_code == 400, bad


def test_throughput_limit_refuses_with_meta_error_and_refills_on_the_clock(receiver: Receiver) -> None:
    """Per-number throughput (130429): a second's worth in a burst, then `rate` per second; every
    recipient counts towards the same budget."""
    limited = start_sim(receiver.url, throughput_per_second=5, pair_rate_burst=0)
    try:
        phones = [f"9190000002{n:02d}" for n in range(7)]
        for phone in phones:
            open_window(limited, receiver, phone)
        # Inbound messages do not count: the burst of five is whole. Seven sends in a few
        # milliseconds: five go, the rest find the bucket empty (it refills 5 per second).
        results = [limited.send_message({**TEXT, "to": phone}) for phone in phones]
        accepted = [r for r in results if r.status_code == 200]
        refused = [r for r in results if r.status_code != 200]
        assert 5 <= len(accepted) < 7 and refused
        error = refused[0].json()["error"]
        assert (refused[0].status_code, error["code"], error["type"]) == (400, 130429, "OAuthException")
        assert error["message"] == "(#130429) Rate limit hit"
        assert error["error_data"] == {
            "messaging_product": "whatsapp",
            "details": "Cloud API message throughput has been reached.",
        }
        assert error["error_subcode"] == 2494055 and error["fbtrace_id"]
        limited.client.post("/_sim/api/clock", json={"advance_seconds": 1})
        assert all(limited.send_message({**TEXT, "to": p}).status_code == 200 for p in phones[:5])
        limited.idle()
        stored = sum(len([m for m in limited.chat(p) if m["direction"] == "out"]) for p in phones)
        assert stored == len(accepted) + 5  # refused sends are not stored
    finally:
        limited.client.close()
        limited.server.shutdown_simulator()


def test_the_default_throughput_is_80_per_second(sim: Sim, receiver: Receiver) -> None:
    assert sim.app.config.throughput_per_second == 80
    phones = [f"9190000003{n:02d}" for n in range(10)]
    started = time.monotonic()
    codes = [
        sim.send_message({"to": phones[n % 10], "type": "template", "template": TASK}).status_code for n in range(200)
    ]
    elapsed = time.monotonic() - started
    accepted = codes.count(200)
    assert set(codes) == {200, 400}
    assert 80 <= accepted <= 80 + 80 * elapsed + 1  # the burst, then at most the refill


TASK = {"name": "task", "language": {"code": "en"}}
