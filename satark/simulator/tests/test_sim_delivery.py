"""Webhook delivery modes (batch, reorder, hold/release), the delivery pool and the load generator."""

from __future__ import annotations

import random
import socket
import time
from typing import Any

from .conftest import CITIZEN, Receiver, Sim, open_window, start_sim

OTHER = "919000000002"


def hold(sim: Sim, **spec: Any) -> dict[str, Any]:
    response = sim.client.post("/_sim/api/delivery-mode", json=spec)
    assert response.status_code == 200, response.text
    return response.json()["mode"]  # type: ignore[no-any-return]


def only_received(sim: Sim, receiver: Receiver, count: int) -> list[Any]:
    receiver.wait_count(count)
    sim.idle()
    assert len(receiver.received) == count
    return list(receiver.received)


def message_ids(hook: Any) -> list[str]:
    return [m["id"] for e in hook.json["entry"] for c in e["changes"] for m in c["value"].get("messages", [])]


def test_batch_in_one_value(sim: Sim, receiver: Receiver) -> None:
    mode = hold(sim, count=3, kinds=["message"])
    assert mode == {**mode, "count": 3, "grouping": "value", "order": "fifo", "held": 0}
    sent = [
        sim.phone_sends(CITIZEN, {"type": "text", "text": "one"}),
        sim.phone_sends(OTHER, {"type": "text", "text": "two", "profile_name": "Asha"}),
    ]
    assert sim.client.get("/_sim/api/delivery-mode").json()["mode"]["held"] == 2
    assert sim.client.get("/_sim/api/deliveries").json()["held"] == 2
    assert sim.client.get("/_sim/api/idle", params={"timeout": 1}).json()["idle"] is True  # held is not pending
    sent.append(sim.phone_sends(CITIZEN, {"type": "text", "text": "three"}))
    (hook,) = only_received(sim, receiver, 1)
    assert hook.signature_ok()
    assert len(hook.json["entry"]) == 1 and len(hook.json["entry"][0]["changes"]) == 1
    value = hook.value()
    assert [m["id"] for m in value["messages"]] == sent
    assert [m["text"]["body"] for m in value["messages"]] == ["one", "two", "three"]
    assert sorted(c["wa_id"] for c in value["contacts"]) == [CITIZEN, OTHER]
    assert value["metadata"]["phone_number_id"] == "106540352242922"
    log = sim.client.get("/_sim/api/deliveries").json()["deliveries"]
    assert [(d["kind"], d["wamids"], d["ok"]) for d in log] == [("batch:value", sent, True)]
    assert all(m["status"] == "delivered" for m in sim.chat(CITIZEN))
    assert sim.client.get("/_sim/api/delivery-mode").json()["mode"] is None  # one-shot


def test_batch_spread_over_entries_and_changes(sim: Sim, receiver: Receiver) -> None:
    hold(sim, count=2, grouping="entries")
    sent = [sim.phone_sends(CITIZEN, {"type": "text", "text": str(i)}) for i in range(2)]
    (hook,) = only_received(sim, receiver, 1)
    entries = hook.json["entry"]
    assert len(entries) == 2 and all(e["id"] == "102290129340398" for e in entries)
    assert [e["changes"][0]["value"]["messages"][0]["id"] for e in entries] == sent
    assert all(len(e["changes"][0]["value"]["contacts"]) == 1 for e in entries)

    receiver.clear()
    hold(sim, count=2, grouping="changes")
    sent = [sim.phone_sends(CITIZEN, {"type": "text", "text": str(i)}) for i in range(2)]
    (hook,) = only_received(sim, receiver, 1)
    assert len(hook.json["entry"]) == 1
    assert len(hook.json["entry"][0]["changes"]) == 2
    assert message_ids(hook) == sent


def test_statuses_are_batched_too(sim: Sim, receiver: Receiver) -> None:
    open_window(sim, receiver)
    hold(sim, count=2, kinds="status")
    wamid = sim.send_message({"to": CITIZEN, "type": "text", "text": {"body": "hi"}}).json()["messages"][0]["id"]
    (hook,) = only_received(sim, receiver, 1)
    statuses = hook.value()["statuses"]
    assert [(s["id"], s["status"]) for s in statuses] == [(wamid, "sent"), (wamid, "delivered")]
    assert "messages" not in hook.value()


def test_mixed_batch_keeps_messages_and_statuses_in_separate_values(sim: Sim, receiver: Receiver) -> None:
    open_window(sim, receiver)
    hold(sim, count=3)
    wamid = sim.send_message({"to": CITIZEN, "type": "text", "text": {"body": "hi"}}).json()["messages"][0]["id"]
    sim.client.get("/_sim/api/wait", params={"phone": CITIZEN, "status": "delivered"})
    inbound = sim.phone_sends(CITIZEN, {"type": "text", "text": "again"})
    (hook,) = only_received(sim, receiver, 1)
    values = [c["value"] for c in hook.json["entry"][0]["changes"]]
    assert len(values) == 2  # in order of first appearance: the statuses were held first
    assert [s["status"] for s in values[0]["statuses"]] == ["sent", "delivered"]
    assert {s["id"] for s in values[0]["statuses"]} == {wamid}
    assert [m["id"] for m in values[1]["messages"]] == [inbound]
    assert "statuses" not in values[1] and "messages" not in values[0]


def test_reorder_reverse_and_seeded_shuffle(sim: Sim, receiver: Receiver) -> None:
    hold(sim, count=4, grouping="none", order="reverse")
    sent = [sim.phone_sends(CITIZEN, {"type": "text", "text": str(i)}) for i in range(4)]
    hooks = only_received(sim, receiver, 4)
    assert [message_ids(h)[0] for h in hooks] == sent[::-1]

    receiver.clear()
    hold(sim, count=5, grouping="none", order="shuffle", seed=7)
    sent = [sim.phone_sends(OTHER if i % 2 else CITIZEN, {"type": "text", "text": str(i)}) for i in range(5)]
    expected = list(sent)
    random.Random(7).shuffle(expected)
    hooks = only_received(sim, receiver, 5)
    assert [message_ids(h)[0] for h in hooks] == expected != sent

    receiver.clear()
    hold(sim, count=3, order="reverse")  # batch AND reorder
    sent = [sim.phone_sends(CITIZEN, {"type": "text", "text": str(i)}) for i in range(3)]
    (hook,) = only_received(sim, receiver, 1)
    assert message_ids(hook) == sent[::-1]


def test_max_wait_release_and_stop(sim: Sim, receiver: Receiver) -> None:
    hold(sim, count=50, max_wait=0.2)
    started = time.monotonic()
    sent = [sim.phone_sends(CITIZEN, {"type": "text", "text": str(i)}) for i in range(2)]
    (hook,) = receiver.wait_count(1)
    assert time.monotonic() - started >= 0.15
    assert message_ids(hook) == sent

    receiver.clear()
    hold(sim, count=50, repeat=True)
    first = sim.phone_sends(CITIZEN, {"type": "text", "text": "a"})
    released = sim.client.post("/_sim/api/delivery-mode/release").json()
    assert released["released"] == 1 and released["mode"]["held"] == 0
    assert message_ids(receiver.wait_count(1)[0]) == [first]
    second = sim.phone_sends(CITIZEN, {"type": "text", "text": "b"})
    sim.idle()
    assert len(receiver.received) == 1  # still holding
    stopped = sim.client.delete("/_sim/api/delivery-mode").json()
    assert stopped == {"mode": None, "released": 1}
    assert message_ids(receiver.wait_count(2)[1]) == [second]
    third = sim.phone_sends(CITIZEN, {"type": "text", "text": "c"})
    assert message_ids(receiver.wait_count(3)[2]) == [third]


def test_hold_survives_retries_and_reset_clears_it(sim: Sim, receiver: Receiver) -> None:
    receiver.responses.append(500)
    hold(sim, count=2)
    sent = [sim.phone_sends(CITIZEN, {"type": "text", "text": str(i)}) for i in range(2)]
    (hook,) = only_received(sim, receiver, 1)
    assert message_ids(hook) == sent
    log = sim.client.get("/_sim/api/deliveries").json()["deliveries"]
    assert [(d["attempt"], d["status_code"]) for d in log] == [(1, 500), (2, 200)]

    hold(sim, count=5)
    sim.phone_sends(CITIZEN, {"type": "text", "text": "held"})
    sim.client.post("/_sim/api/reset")
    assert sim.client.get("/_sim/api/delivery-mode").json()["mode"] is None


def test_delivery_mode_validation(sim: Sim) -> None:
    for bad in (
        {},
        {"count": 0},
        {"count": 1001},
        {"count": 2, "grouping": "x"},
        {"count": 2, "order": "random"},
        {"count": 2, "kinds": ["message", "x"]},
        {"count": 2, "seed": "s"},
        {"count": 2, "max_wait": -1},
    ):
        assert sim.client.post("/_sim/api/delivery-mode", json=bad).status_code == 400, bad


def test_pool_keeps_each_phones_order(receiver: Receiver) -> None:
    sim = start_sim(receiver.url, webhook_workers=4)
    try:
        phones = [CITIZEN, OTHER, "919000000003"]
        sent: dict[str, list[str]] = {p: [] for p in phones}
        for i in range(30):
            phone = phones[i % 3]
            sent[phone].append(sim.phone_sends(phone, {"type": "text", "text": str(i)}))
        receiver.wait_count(30)
        for phone in phones:
            got = [m["id"] for r in receiver.received for m in r.value()["messages"] if m["from"] == phone]
            assert got == sent[phone]
    finally:
        sim.client.close()
        sim.server.shutdown_simulator()


def test_load_reports_acknowledgements_and_latency(sim: Sim, receiver: Receiver) -> None:
    report = sim.client.post("/_sim/api/load", json={"messages": 300, "phones": 30}).json()
    assert report["acknowledged"] == 300 and report["failed"] == 0 and report["pending"] == 0
    assert report["timed_out"] is False
    latency = report["ack_latency_ms"]
    assert latency["count"] == 300 and 0 < latency["p50"] <= latency["p99"] <= latency["max"]
    assert report["delivery_latency_ms"]["p50"] >= latency["p50"]
    assert report["acknowledged_per_second"] > 0
    assert len(receiver.messages()) == 300
    senders = {r.value()["messages"][0]["from"] for r in receiver.messages()}
    assert len(senders) == 30 and "917000000000" in senders
    assert all(r.signature_ok() for r in receiver.received[:5])
    assert sim.client.get("/_sim/api/load").json()["report"] == report

    started = time.monotonic()
    paced = sim.client.post("/_sim/api/load", json={"messages": 6, "phones": 2, "rate": 50}).json()
    assert time.monotonic() - started >= 0.1 and paced["acknowledged"] == 6
    assert sim.client.post("/_sim/api/load", json={"messages": 0}).status_code == 400
    assert sim.client.post("/_sim/api/load", json={"messages": 5, "rate": 0}).status_code == 400


def test_load_counts_failures_against_a_dead_product() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    sim = start_sim(dead_url, retry_delays=())
    try:
        report = sim.client.post("/_sim/api/load", json={"messages": 5, "phones": 1}).json()
        assert (report["acknowledged"], report["failed"], report["pending"]) == (0, 5, 0)
        assert report["ack_latency_ms"]["p50"] is None
    finally:
        sim.client.close()
        sim.server.shutdown_simulator()
