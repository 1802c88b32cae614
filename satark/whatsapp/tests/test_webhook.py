"""The webhook edge: handshake, signatures, malformed bodies, batches, duplicates."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from satark.core import testing as t
from satark.messaging.models import InboxItem
from satark.vault.models import Identity
from satark.whatsapp.signature import sign

URL = "/webhooks/whatsapp/"
SECRET = "test-app-secret"


def post(client: Client, body: bytes, signature: str | None = "auto"):  # type: ignore[no-untyped-def]
    headers: dict[str, Any] = {}
    if signature == "auto":
        headers["HTTP_X_HUB_SIGNATURE_256"] = sign(body, SECRET)
    elif signature is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    return client.post(URL, data=body, content_type="application/json", **headers)


def test_verification_handshake_echoes_the_challenge(client: Client) -> None:
    ok = client.get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1158201444"}
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"})
    assert bad.status_code == 403
    wrong_mode = client.get(
        URL, {"hub.mode": "unsubscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1"}
    )
    assert wrong_mode.status_code == 403


@pytest.mark.django_db
def test_missing_or_bad_signature_is_refused_and_nothing_is_stored(client: Client) -> None:
    body = t.encode(t.envelope(t.text("Hi")))
    assert post(client, body, signature=None).status_code == 401
    assert post(client, body, signature="sha256=" + "0" * 64).status_code == 403
    assert post(client, body, signature=sign(body, "another-secret")).status_code == 403
    tampered = body.replace(b"Hi", b"Ho")
    assert post(client, tampered, signature=sign(body, SECRET)).status_code == 403
    assert InboxItem.objects.count() == 0
    assert Identity.objects.count() == 0


@pytest.mark.django_db
def test_signed_but_malformed_json_gets_a_clear_400(client: Client) -> None:
    response = post(client, b'{"object": "whatsapp_business_account", "entry": [')
    assert response.status_code == 400
    assert response.json() == {"error": "malformed JSON"}
    assert InboxItem.objects.count() == 0


@pytest.mark.django_db
def test_other_objects_are_acknowledged_and_ignored(client: Client) -> None:
    response = post(client, json.dumps({"object": "page", "entry": []}).encode())
    assert response.status_code == 200
    assert InboxItem.objects.count() == 0


@pytest.mark.django_db
def test_every_item_of_a_batched_body_is_stored_once(client: Client) -> None:
    a1, a2 = t.text("पहला", sender="919000000001"), t.text("second", sender="919000000001")
    b1 = t.button_reply("lang:hi", "हिंदी", sender="919000000002")
    payload = t.envelope(
        a1,
        a2,
        b1,
        statuses=[
            {"id": "wamid.OUT1", "status": "delivered", "timestamp": "1750000000", "recipient_id": "919000000001"}
        ],
    )
    second_entry = t.envelope(t.text("third", sender="919000000003"))["entry"][0]
    payload["entry"].append(second_entry)
    body = t.encode(payload)
    response = post(client, body)
    assert response.status_code == 200 and response.json() == {"received": 5}
    assert InboxItem.objects.filter(kind="message").count() == 4
    assert InboxItem.objects.filter(kind="status").count() == 1
    assert Identity.objects.count() == 3
    # Meta redelivers the same body: nothing changes.
    assert post(client, body).status_code == 200
    assert InboxItem.objects.count() == 5
    assert Identity.objects.count() == 3


@pytest.mark.django_db
def test_stored_rows_hold_no_identifier_or_profile_name(client: Client) -> None:
    body = t.encode(t.envelope(t.text("gau taskari ho rahi hai"), profile_name=t.SENTINEL_NAME))
    assert post(client, body).status_code == 200
    row = InboxItem.objects.get()
    dumped = json.dumps(row.payload, ensure_ascii=False) + row.sender_ref + row.dedupe_key
    assert t.SENTINEL_PHONE not in dumped
    assert t.SENTINEL_NAME not in dumped
    assert row.payload["text"] == "gau taskari ho rahi hai"
    identity = Identity.objects.get()
    assert t.SENTINEL_PHONE not in identity.ciphertext and identity.reference == row.sender_ref


@pytest.mark.django_db
def test_a_number_change_to_a_known_number_does_not_block_the_batch(client: Client) -> None:
    assert post(client, t.encode(t.envelope(t.text("hi", sender="919333333333")))).status_code == 200
    assert post(client, t.encode(t.envelope(t.text("hi", sender="919444444444")))).status_code == 200
    change = t.message(
        "system", {"body": "changed", "wa_id": "919444444444", "type": "user_changed_number"}, sender="919333333333"
    )
    other = t.text("unrelated sender in the same batch", sender="919555555555")
    payload = t.envelope(other)
    payload["entry"][0]["changes"][0]["value"]["messages"].append(change)
    response = post(client, t.encode(payload))
    assert response.status_code == 200 and response.json() == {"received": 2}
    assert InboxItem.objects.filter(kind="message").count() == 4


@pytest.mark.django_db
def test_stored_message_ids_do_not_reveal_the_number(client: Client) -> None:
    """Meta's message ids are base64 that embeds the chat partner's number: only digests are stored."""
    import base64

    meta_style = "wamid." + base64.b64encode(b"\x1c\x18\x0c" + t.SENTINEL_PHONE.encode() + b"\x15\x02\x00\x12").decode()
    assert post(client, t.encode(t.envelope(t.text("hi", msg_id=meta_style)))).status_code == 200
    statuses = [{"id": meta_style + "OUT", "status": "sent", "timestamp": "1", "recipient_id": t.SENTINEL_PHONE}]
    assert post(client, t.encode(t.envelope(statuses=statuses))).status_code == 200
    for row in InboxItem.objects.all():
        dumped = row.dedupe_key + json.dumps(row.payload)
        assert meta_style not in dumped and meta_style[6:20] not in dumped
        assert t.SENTINEL_PHONE not in dumped
