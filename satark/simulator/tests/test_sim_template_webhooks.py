"""Template status changes are reported with Meta's `message_template_status_update` webhook."""

from __future__ import annotations

import time
from typing import Any

from .conftest import Receiver, Sim, start_sim
from .test_sim_templates import TIP_UPDATE, WABA, create


def template_events(receiver: Receiver) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(entry, value) of every template status webhook received, in order."""
    found = []
    with receiver.cond:
        for item in receiver.received:
            for entry in item.json["entry"]:
                for change in entry["changes"]:
                    if change["field"] == "message_template_status_update":
                        found.append((entry, change["value"]))
    return found


def wait_events(receiver: Receiver, count: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    receiver.wait_for(lambda _items: len(template_events(receiver)) >= count)
    return template_events(receiver)


def test_the_review_reports_the_approval_without_being_asked(sim: Sim, receiver: Receiver) -> None:
    created = create(sim, TIP_UPDATE).json()
    assert created["status"] == "PENDING"  # as Meta answers a creation
    [(entry, value)] = wait_events(receiver, 1)  # nobody read the template: the review still ends
    assert value == {
        "event": "APPROVED",
        "message_template_id": int(created["id"]),
        "message_template_name": "tip_update",
        "message_template_language": "hi",
        "reason": "NONE",
    }
    assert entry["id"] == WABA and abs(entry["time"] - time.time()) < 5
    assert all(r.signature_ok() for r in receiver.received)
    sim.graph("GET", f"{WABA}/message_templates")  # reading again reports nothing new
    sim.idle()
    assert len(template_events(receiver)) == 1


def test_status_changes_through_the_control_api_are_reported(sim: Sim, receiver: Receiver) -> None:
    template_id = create(sim, TIP_UPDATE).json()["id"]
    wait_events(receiver, 1)

    def set_status(status: str, reason: str | None = None) -> None:
        body = {"status": status, **({"reason": reason} if reason else {})}
        assert sim.client.post(f"/_sim/api/templates/{template_id}/status", json=body).status_code == 200

    set_status("REJECTED", "TAG_CONTENT_MISMATCH")
    set_status("REJECTED", "TAG_CONTENT_MISMATCH")  # no change: no webhook
    set_status("PAUSED")
    set_status("APPROVED")
    events = [value for _entry, value in wait_events(receiver, 4)]
    sim.idle()
    assert len(template_events(receiver)) == 4
    assert [(v["event"], v["reason"]) for v in events] == [
        ("APPROVED", "NONE"),
        ("REJECTED", "TAG_CONTENT_MISMATCH"),
        ("PAUSED", "NONE"),
        ("APPROVED", "NONE"),
    ]
    assert events[2]["other_info"]["title"] == "FIRST_PAUSE"
    seeded = {e["message_template_name"] for e in events}
    assert seeded == {"tip_update"}  # templates seeded at start-up are account configuration: no webhook


def test_a_delayed_review_ends_on_the_simulator_clock_and_can_be_silenced(receiver: Receiver) -> None:
    slow = start_sim(receiver.url, template_approval_delay=3600.0)
    quiet = start_sim(receiver.url, template_status_webhooks=False)
    try:
        create(slow, TIP_UPDATE)
        time.sleep(0.2)
        assert template_events(receiver) == []
        slow.client.post("/_sim/api/clock", json={"advance_seconds": 3600})
        [(_entry, value)] = wait_events(receiver, 1)
        assert value["event"] == "APPROVED"

        create(quiet, TIP_UPDATE)
        assert quiet.graph("GET", f"{WABA}/message_templates").json()["data"][-1]["status"] == "APPROVED"
        quiet.idle()
        slow.idle()
        assert len(template_events(receiver)) == 1
    finally:
        for instance in (slow, quiet):
            instance.client.close()
            instance.server.shutdown_simulator()
