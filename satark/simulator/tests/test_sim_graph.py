"""The fake Graph API: auth, validation, statuses, the 24 h window, media."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from .conftest import ACCESS_TOKEN, CITIZEN, PHONE_NUMBER_ID, Receiver, Sim, open_window

AUTH = {"Authorization": f"Bearer {ACCESS_TOKEN}"}


def buttons(*titles: str, body: str = "Choose") -> dict[str, Any]:
    return {
        "to": CITIZEN,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [{"type": "reply", "reply": {"id": f"b{i}", "title": t}} for i, t in enumerate(titles)]
            },
        },
    }


def a_list(rows_per_section: list[int], *, titles: bool = True, **row: str) -> dict[str, Any]:
    sections = []
    counter = 0
    for index, count in enumerate(rows_per_section):
        rows = []
        for _ in range(count):
            counter += 1
            rows.append(
                {
                    "id": f"r{counter}",
                    "title": row.get("title", f"Row {counter}"),
                    **({"description": row["description"]} if "description" in row else {}),
                }
            )
        section: dict[str, Any] = {"rows": rows}
        if titles:
            section["title"] = f"Section {index}"
        sections.append(section)
    return {
        "to": CITIZEN,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "header": {"type": "text", "text": "श्रेणी"},
            "body": {"text": "Pick one"},
            "footer": {"text": "Satark Mitra"},
            "action": {"button": row.get("button", "Categories"), "sections": sections},
        },
    }


def error_of(response: Any) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] in ("OAuthException", "GraphMethodException")
    assert error["fbtrace_id"]
    return error  # type: ignore[no-any-return]


def test_auth_is_required(sim: Sim) -> None:
    body = {"messaging_product": "whatsapp", "to": CITIZEN, "type": "text", "text": {"body": "x"}}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        response = sim.graph("POST", f"{PHONE_NUMBER_ID}/messages", json=body, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == 190
    assert sim.graph("GET", "123456789", headers={}).status_code == 401


def test_unknown_phone_number_id_and_objects(sim: Sim) -> None:
    response = sim.graph(
        "POST", "999/messages", json={"messaging_product": "whatsapp", "to": CITIZEN, "text": {"body": "x"}}
    )
    error = error_of(response)
    assert (error["code"], error["error_subcode"]) == (100, 33)
    error = error_of(sim.graph("GET", "1234567890123456"))
    assert (error["code"], error["error_subcode"]) == (100, 33)


def test_text_send_response_statuses_and_any_version(sim: Sim, receiver: Receiver) -> None:
    open_window(sim, receiver)
    response = sim.client.post(
        f"/v19.0/{PHONE_NUMBER_ID}/messages",
        headers=AUTH,
        json={
            "messaging_product": "whatsapp",
            "to": "+91 90000-00001",
            "type": "text",
            "text": {"body": "धन्यवाद"},
            "biz_opaque_callback_data": "task:42",
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert data["messaging_product"] == "whatsapp"
    assert data["contacts"] == [{"input": "+91 90000-00001", "wa_id": CITIZEN}]
    wamid = data["messages"][0]["id"]
    assert wamid.startswith("wamid.")

    sent = receiver.wait_status(wamid, "sent")
    delivered = receiver.wait_status(wamid, "delivered")
    assert sent["recipient_id"] == CITIZEN
    assert sent["recipient_user_id"].startswith("IN.")
    assert sent["biz_opaque_callback_data"] == delivered["biz_opaque_callback_data"] == "task:42"
    assert sent["pricing"]["pricing_model"] == "PMP"
    assert sent["pricing"]["type"] == "free_customer_service"
    assert sent["timestamp"].isdigit()
    statuses = [r for r in receiver.received if "statuses" in r.value()]
    assert all(r.signature_ok() and "contacts" not in r.value() for r in statuses)
    assert [s["status"] for s in receiver.statuses() if s["id"] == wamid] == ["sent", "delivered"]

    chat = sim.chat(CITIZEN)
    assert chat[-1]["direction"] == "out"
    assert chat[-1]["payload"]["text"]["body"] == "धन्यवाद"
    assert chat[-1]["status"] == "delivered"

    # The phone's page shows the chat: a read status follows.
    assert sim.client.post(f"/_sim/api/phones/{CITIZEN}/read").json() == {"read": 1}
    assert receiver.wait_status(wamid, "read")["recipient_id"] == CITIZEN


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"messaging_product": "sms", "to": CITIZEN, "type": "text", "text": {"body": "x"}}, 100),
        ({"to": CITIZEN, "type": "text", "text": {"body": "x" * 4097}}, 100),
        ({"to": CITIZEN, "type": "fax", "fax": {}}, 100),
        ({"to": "hello", "type": "text", "text": {"body": "x"}}, 100),
        ({"type": "text", "text": {"body": "x"}}, 131008),
        (buttons("a", "b", "c", "d"), 100),
        (buttons(), 100),
        (buttons("क" * 21), 131009),
        (buttons("Same", "Same"), 131009),
        (buttons("ok", body="x" * 1025), 100),
        (a_list([11]), 131009),
        (a_list([5, 6]), 131009),
        (a_list([2, 2], titles=False), 131009),
        (a_list([1] * 11), 100),
        (a_list([]), 100),
        (a_list([1], title="x" * 25), 100),
        (a_list([1], description="x" * 73), 100),
        (a_list([1], button="x" * 21), 100),
        ({"to": CITIZEN, "type": "image", "image": {"id": "42"}}, 131009),
        ({"to": CITIZEN, "type": "image", "image": {"link": "https://x/y.jpg", "caption": "c" * 1025}}, 100),
        ({"to": CITIZEN, "type": "location", "location": {"latitude": 95, "longitude": 1}}, 131009),
        ({"to": CITIZEN, "type": "template", "template": {"name": "Bad Name", "language": {"code": "hi"}}}, 100),
    ],
)
def test_invalid_payloads_are_rejected(sim: Sim, body: dict[str, Any], code: int) -> None:
    payload = {"messaging_product": "whatsapp", **body}
    response = sim.graph("POST", f"{PHONE_NUMBER_ID}/messages", json=payload)
    error = error_of(response)
    assert error["code"] == code
    assert error["message"].startswith(f"(#{code}) ")
    assert error["error_data"]["messaging_product"] == "whatsapp"
    assert error["error_data"]["details"]


def test_footer_and_button_limits(sim: Sim) -> None:
    body = buttons("ok")
    body["interactive"]["footer"] = {"text": "f" * 61}
    assert error_of(sim.send_message(body))["code"] == 100
    body["interactive"]["footer"] = {"text": "f" * 60}
    assert sim.send_message(body).status_code == 200


def test_hindi_button_title_counts_characters(sim: Sim) -> None:
    title_20 = "हिंदी में रिपोर्ट करें"[:20]
    assert len(title_20) == 20 and len(title_20.encode()) > 20
    assert sim.send_message(buttons(title_20, "English")).status_code == 200
    error = error_of(sim.send_message(buttons("हिंदी में रिपोर्ट करें"[:21])))
    assert "Max length: 20" in error["error_data"]["details"]


def test_valid_interactive_template_location_reaction(sim: Sim, receiver: Receiver) -> None:
    inbound = open_window(sim, receiver)
    for body in (
        a_list([3, 7], title="शराब", description="अवैध शराब की बिक्री"),
        {
            "to": CITIZEN,
            "type": "interactive",
            "interactive": {
                "type": "location_request_message",
                "body": {"text": "Where?"},
                "action": {"name": "send_location"},
            },
        },
        {"to": CITIZEN, "type": "location", "location": {"latitude": 25.58, "longitude": 83.58}},
        {"to": CITIZEN, "type": "image", "image": {"link": "https://example.org/a.jpg", "caption": "x"}},
        {
            "to": CITIZEN,
            "type": "template",
            "template": {
                "name": "officer_task_assigned",
                "language": {"code": "hi"},
                "components": [
                    {"type": "body", "parameters": [{"type": "text", "text": "TIP-1"}]},
                    {
                        "type": "button",
                        "sub_type": "quick_reply",
                        "index": "0",
                        "parameters": [{"type": "payload", "payload": "ack:1"}],
                    },
                ],
            },
        },
        {"to": CITIZEN, "type": "text", "text": {"body": "quoted"}, "context": {"message_id": inbound}},
    ):
        response = sim.send_message(body)
        assert response.status_code == 200, (body, response.text)

    reaction = sim.send_message(
        {"to": CITIZEN, "type": "reaction", "reaction": {"message_id": inbound, "emoji": "👍"}}
    ).json()["messages"][0]["id"]
    sim.idle()
    assert [s["status"] for s in receiver.statuses() if s["id"] == reaction] == ["sent"]
    assert len([m for m in sim.chat(CITIZEN) if m["direction"] == "out"]) == 7


def test_free_form_outside_window_fails_with_131047(sim: Sim, receiver: Receiver) -> None:
    officer = "919111111111"
    response = sim.send_message({"to": officer, "type": "text", "text": {"body": "hi"}})
    assert response.status_code == 200
    wamid = response.json()["messages"][0]["id"]
    failed = receiver.wait_status(wamid, "failed")
    assert failed["errors"][0]["code"] == 131047
    assert "pricing" not in failed
    sim.idle()
    assert [s["status"] for s in receiver.statuses() if s["id"] == wamid] == ["failed"]
    assert sim.chat(officer)[-1]["status"] == "failed"

    template = sim.send_message(
        {"to": officer, "type": "template", "template": {"name": "task", "language": {"code": "en"}}}
    ).json()["messages"][0]["id"]
    assert receiver.wait_status(template, "delivered")["pricing"]["category"] == "utility"

    sim.phone_sends(officer, {"type": "text", "text": "ok"})
    inside = sim.send_message({"to": officer, "type": "text", "text": {"body": "thanks"}}).json()
    receiver.wait_status(inside["messages"][0]["id"], "delivered")

    clock = sim.client.post("/_sim/api/clock", json={"advance_seconds": 25 * 3600}).json()
    assert clock["offset_seconds"] == 25 * 3600
    late = sim.send_message({"to": officer, "type": "text", "text": {"body": "late"}}).json()
    assert receiver.wait_status(late["messages"][0]["id"], "failed")["errors"][0]["code"] == 131047


def test_mark_as_read_and_typing(sim: Sim, receiver: Receiver) -> None:
    first = open_window(sim, receiver)
    second = sim.phone_sends(CITIZEN, {"type": "text", "text": "more"})
    body: dict[str, Any] = {"messaging_product": "whatsapp", "status": "read", "message_id": second}
    response = sim.graph("POST", f"{PHONE_NUMBER_ID}/messages", json=body)
    assert response.json() == {"success": True}
    chat = {m["wamid"]: m for m in sim.chat(CITIZEN)}
    assert chat[first]["status"] == chat[second]["status"] == "read"

    body["typing_indicator"] = {"type": "text"}
    assert sim.graph("POST", f"{PHONE_NUMBER_ID}/messages", json=body).json() == {"success": True}
    assert sim.client.get(f"/_sim/api/phones/{CITIZEN}/messages").json()["typing"] is True

    body = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.unknown"}
    assert error_of(sim.graph("POST", f"{PHONE_NUMBER_ID}/messages", json=body))["code"] == 100


def test_upload_resolve_download_expire_delete(sim: Sim, receiver: Receiver) -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + b"\r\n--not-a-boundary\r\n" + b"\n\r" * 10
    files = {"file": ("photo.png", data, "image/png")}
    form = {"messaging_product": "whatsapp", "type": "image/png"}
    upload = sim.graph("POST", f"{PHONE_NUMBER_ID}/media", data=form, files=files)
    assert upload.status_code == 200, upload.text
    media_id = upload.json()["id"]
    assert media_id.isdigit()

    meta = sim.graph("GET", media_id).json()
    assert meta["messaging_product"] == "whatsapp"
    assert meta["mime_type"] == "image/png"
    assert meta["file_size"] == len(data)
    assert meta["id"] == media_id
    assert meta["sha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    url = meta["url"]
    assert url.startswith(sim.base_url + "/_media/")

    assert sim.client.get(url).status_code == 401
    assert sim.client.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
    download = sim.client.get(url, headers=AUTH)
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["content-type"] == "image/png"
    assert sim.client.get(f"/_sim/media/{media_id}").content == data  # UI proxy, no token

    sim.client.post("/_sim/api/clock", json={"advance_seconds": 6 * 60})
    assert sim.client.get(url, headers=AUTH).status_code == 404
    fresh = sim.graph("GET", media_id).json()["url"]
    assert sim.client.get(fresh, headers=AUTH).content == data

    open_window(sim, receiver)
    sent = sim.send_message({"to": CITIZEN, "type": "image", "image": {"id": media_id, "caption": "फोटो"}})
    assert sent.status_code == 200

    assert sim.graph("DELETE", media_id).json() == {"success": True}
    assert error_of(sim.graph("GET", media_id))["error_subcode"] == 33
    assert error_of(sim.graph("DELETE", media_id))["code"] == 100


def test_upload_requires_messaging_product_and_file(sim: Sim) -> None:
    files = {"file": ("a.txt", b"abc", "text/plain")}
    response = sim.graph("POST", f"{PHONE_NUMBER_ID}/media", data={"messaging_product": "x"}, files=files)
    assert error_of(response)["code"] == 100
    response = sim.graph(
        "POST", f"{PHONE_NUMBER_ID}/media", data={"messaging_product": "whatsapp"}, files={"other": ("a", b"1")}
    )
    assert error_of(response)["code"] == 131008
    response = sim.graph("POST", f"{PHONE_NUMBER_ID}/media", json={"messaging_product": "whatsapp"})
    assert error_of(response)["code"] == 100


def test_send_by_bsuid_recipient(sim: Sim, receiver: Receiver) -> None:
    open_window(sim, receiver)
    user_id = next(p for p in sim.client.get("/_sim/api/phones").json()["phones"] if p["phone"] == CITIZEN)["user_id"]
    response = sim.send_message({"recipient": user_id, "type": "text", "text": {"body": "hi"}})
    assert response.json()["contacts"] == [{"input": user_id, "user_id": user_id}]
    assert error_of(sim.send_message({"recipient": "IN.nobody", "type": "text", "text": {"body": "x"}}))


def test_phone_number_info(sim: Sim) -> None:
    info = sim.graph("GET", PHONE_NUMBER_ID).json()
    assert info["id"] == PHONE_NUMBER_ID
    assert info["display_phone_number"] == "+15550783881"


def test_injected_faults(sim: Sim, receiver: Receiver) -> None:
    open_window(sim, receiver)
    fault = {"code": 131056, "count": 2, "retry_after": 4}
    assert len(sim.client.post("/_sim/api/faults", json=fault).json()["faults"]) == 2
    text = {"to": CITIZEN, "type": "text", "text": {"body": "x"}}
    for _ in range(2):
        response = sim.send_message(text)
        assert error_of(response)["code"] == 131056
        assert response.headers["retry-after"] == "4"
    assert sim.send_message(text).status_code == 200

    sim.client.post("/_sim/api/faults", json={"code": 130429, "http_status": 429})
    response = sim.send_message(text)
    assert response.status_code == 429 and response.json()["error"]["code"] == 130429

    sim.client.post("/_sim/api/faults", json={"code": 131026, "mode": "async"})
    wamid = sim.send_message(text).json()["messages"][0]["id"]
    assert receiver.wait_status(wamid, "failed")["errors"][0]["code"] == 131026

    sim.client.post("/_sim/api/faults", json={"code": 1, "count": 3})
    assert sim.client.delete("/_sim/api/faults").json() == {"faults": []}
    assert sim.client.post("/_sim/api/faults", json={"code": "x"}).status_code == 400
