"""Inbound webhooks: envelope, signature, every message type, duplicates and retries."""

from __future__ import annotations

import base64
import hashlib
import json
import socket

import httpx

from .conftest import ACCESS_TOKEN, CITIZEN, PHONE_NUMBER_ID, Receiver, Sim, start_sim

HINDI = "नमस्ते, मेरे गाँव में अवैध शराब बिक रही है"


def test_text_webhook_is_signed_ascii_escaped_and_meta_shaped(sim: Sim, receiver: Receiver) -> None:
    wamid = sim.phone_sends(CITIZEN, {"type": "text", "text": HINDI, "profile_name": "Ramesh"})
    hook = receiver.wait_message()

    assert hook.signature_ok()
    assert not hook.signature_ok("wrong-secret")
    assert hook.headers["content-type"] == "application/json"
    assert hook.headers["user-agent"] == "facebookexternalua"
    hook.body.decode("ascii")  # pure ASCII: Hindi arrives as \uXXXX escapes
    assert b"\\u0928\\u092e" in hook.body
    assert b'": ' not in hook.body and b'", "' not in hook.body  # compact separators
    assert hook.body == json.dumps(hook.json, separators=(",", ":")).encode()

    payload = hook.json
    assert payload["object"] == "whatsapp_business_account"
    entry = payload["entry"][0]
    assert entry["id"] == "102290129340398"
    change = entry["changes"][0]
    assert change["field"] == "messages"
    value = change["value"]
    assert value["messaging_product"] == "whatsapp"
    assert value["metadata"] == {
        "display_phone_number": "15550783881",
        "phone_number_id": PHONE_NUMBER_ID,
    }
    contact = value["contacts"][0]
    assert contact["profile"] == {"name": "Ramesh"}
    assert contact["wa_id"] == CITIZEN
    assert contact["user_id"].startswith("IN.")
    message = value["messages"][0]
    assert message["from"] == CITIZEN
    assert message["from_user_id"] == contact["user_id"]
    assert message["id"] == wamid and wamid.startswith("wamid.")
    assert message["timestamp"].isdigit()
    assert message["type"] == "text"
    assert message["text"] == {"body": HINDI}
    assert "statuses" not in value


def test_interactive_replies_carry_context(sim: Sim, receiver: Receiver) -> None:
    sim.phone_sends(CITIZEN, {"type": "text", "text": "hi"})
    sent = sim.send_message(
        {
            "to": CITIZEN,
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": "भाषा चुनें"},
                "action": {"buttons": [{"type": "reply", "reply": {"id": "lang_hi", "title": "हिंदी"}}]},
            },
        }
    ).json()["messages"][0]["id"]
    sim.idle()
    receiver.clear()

    sim.phone_sends(CITIZEN, {"type": "button_reply", "id": "lang_hi", "title": "हिंदी", "context_id": sent})
    message = receiver.wait_message().value()["messages"][0]
    assert message["type"] == "interactive"
    assert message["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "lang_hi", "title": "हिंदी"},
    }
    assert message["context"] == {"from": "15550783881", "id": sent}

    receiver.clear()
    sim.phone_sends(
        CITIZEN,
        {"type": "list_reply", "id": "cat_1", "title": "Liquor", "description": "Illegal", "context_id": sent},
    )
    message = receiver.wait_message().value()["messages"][0]
    assert message["interactive"] == {
        "type": "list_reply",
        "list_reply": {"id": "cat_1", "title": "Liquor", "description": "Illegal"},
    }

    receiver.clear()
    sim.phone_sends(CITIZEN, {"type": "button", "payload": "ack:T-1", "context_id": sent})
    message = receiver.wait_message().value()["messages"][0]
    assert message["type"] == "button"
    assert message["button"] == {"payload": "ack:T-1", "text": "ack:T-1"}


def test_location_reaction_contacts_unsupported_system(sim: Sim, receiver: Receiver) -> None:
    sim.phone_sends(CITIZEN, {"type": "location", "latitude": 25.58, "longitude": 83.58, "name": "Ghazipur"})
    message = receiver.wait_message().value()["messages"][0]
    assert message["type"] == "location"
    assert message["location"] == {"latitude": 25.58, "longitude": 83.58, "name": "Ghazipur"}

    receiver.clear()
    sim.phone_sends(CITIZEN, {"type": "reaction", "message_id": "wamid.X", "emoji": "👍"})
    message = receiver.wait_message().value()["messages"][0]
    assert message["reaction"] == {"message_id": "wamid.X", "emoji": "👍"}

    receiver.clear()
    sim.phone_sends(CITIZEN, {"type": "contacts", "name": "Asha", "phone": "+91 98765 43210"})
    message = receiver.wait_message().value()["messages"][0]
    assert message["contacts"][0]["name"]["formatted_name"] == "Asha"
    assert message["contacts"][0]["phones"][0]["wa_id"] == "919876543210"

    receiver.clear()
    sim.phone_sends(CITIZEN, {"type": "unsupported"})
    message = receiver.wait_message().value()["messages"][0]
    assert message["type"] == "unsupported"
    assert message["errors"][0]["code"] == 131051

    receiver.clear()
    sim.phone_sends(CITIZEN, {"type": "system", "new_phone": "919000000009"})
    value = receiver.wait_message().value()
    assert "contacts" not in value
    assert value["messages"][0]["system"]["type"] == "user_changed_number"


def test_media_messages_and_two_hop_download(sim: Sim, receiver: Receiver) -> None:
    data = bytes(range(256)) * 4
    encoded = base64.b64encode(data).decode()
    sim.phone_sends(
        CITIZEN,
        {"type": "image", "data_base64": encoded, "mime_type": "image/jpeg", "caption": "देखिए"},
    )
    image = receiver.wait_message().value()["messages"][0]["image"]
    assert image["caption"] == "देखिए"
    assert image["mime_type"] == "image/jpeg"
    assert image["id"].isdigit()
    assert image["sha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert image["url"].startswith(sim.base_url + "/_media/")

    meta = sim.graph("GET", image["id"]).json()
    assert meta["file_size"] == len(data) and meta["id"] == image["id"]
    download = sim.client.get(meta["url"], headers={"Authorization": f"Bearer {ACCESS_TOKEN}"})
    assert download.content == data
    assert download.headers["content-type"] == "image/jpeg"

    receiver.clear()
    sim.phone_sends(CITIZEN, {"type": "audio", "data_base64": encoded, "mime_type": "audio/ogg", "voice": True})
    audio = receiver.wait_message().value()["messages"][0]["audio"]
    assert audio["voice"] is True and "caption" not in audio

    receiver.clear()
    sim.phone_sends(
        CITIZEN, {"type": "document", "data_base64": encoded, "mime_type": "application/pdf", "filename": "a.pdf"}
    )
    document = receiver.wait_message().value()["messages"][0]["document"]
    assert document["filename"] == "a.pdf"

    receiver.clear()
    sim.phone_sends(CITIZEN, {"type": "sticker", "data_base64": encoded, "mime_type": "image/webp"})
    sticker = receiver.wait_message().value()["messages"][0]["sticker"]
    assert sticker["animated"] is False

    receiver.clear()
    sim.phone_sends(CITIZEN, {"type": "video", "data_base64": encoded, "mime_type": "video/mp4"})
    assert receiver.wait_message().value()["messages"][0]["type"] == "video"


def test_duplicate_delivers_the_same_bytes_twice(sim: Sim, receiver: Receiver) -> None:
    wamid = sim.phone_sends(CITIZEN, {"type": "text", "text": "twice", "duplicate": True})
    first, second = receiver.wait_count(2)
    assert first.body == second.body
    assert first.headers["x-hub-signature-256"] == second.headers["x-hub-signature-256"]
    assert first.value()["messages"][0]["id"] == wamid


def test_retry_after_server_error(sim: Sim, receiver: Receiver) -> None:
    receiver.responses.extend([500, 503])
    wamid = sim.phone_sends(CITIZEN, {"type": "text", "text": "retry me"})
    hook = receiver.wait_message()
    assert hook.value()["messages"][0]["id"] == wamid
    sim.idle()
    log = [d for d in sim.client.get("/_sim/api/deliveries").json()["deliveries"] if d["wamid"] == wamid]
    assert [(d["attempt"], d["status_code"]) for d in log] == [(1, 500), (2, 503), (3, 200)]
    assert all(d["kind"] == "message:text" for d in log)
    assert sim.chat(CITIZEN)[-1]["status"] == "delivered"


def test_gives_up_after_max_attempts_on_connection_errors() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    sim = start_sim(dead_url, retry_delays=(0.01, 0.01))
    try:
        sim.phone_sends(CITIZEN, {"type": "text", "text": "nobody home"})
        sim.idle()
        log = sim.client.get("/_sim/api/deliveries").json()["deliveries"]
        assert [d["attempt"] for d in log] == [1, 2, 3]
        assert all(d["status_code"] is None and d["error"] for d in log)
        assert sim.chat(CITIZEN)[-1]["status"] == "failed"
    finally:
        sim.client.close()
        sim.server.shutdown_simulator()


def test_bad_control_requests(sim: Sim) -> None:
    assert sim.client.post(f"/_sim/api/phones/{CITIZEN}/send", json={"type": "nope"}).status_code == 400
    assert sim.client.post(f"/_sim/api/phones/{CITIZEN}/send", json={"type": "text"}).status_code == 400
    assert sim.client.post("/_sim/api/phones/abc/send", json={"type": "text", "text": "x"}).status_code == 400
    response = sim.client.post("/_sim/api/phones/+91 90000-00002/send", json={"type": "text", "text": "x"})
    assert response.status_code == 200
    assert httpx.get(sim.base_url + "/nothing-here", trust_env=False).status_code == 404
