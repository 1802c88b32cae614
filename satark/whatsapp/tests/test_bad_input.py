"""Hostile or broken bodies at the webhook edge: the right status code, and never a wrong row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from satark.core import testing as t
from satark.messaging.models import InboxItem
from satark.vault.api import id_digest
from satark.vault.models import Identity
from satark.whatsapp.signature import sign
from satark.whatsapp.views import MAX_BODY

URL = "/webhooks/whatsapp/"
SECRET = "test-app-secret"
FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.django_db


def post(client: Client, body: bytes, signature: str | None = "auto", **extra: Any):  # type: ignore[no-untyped-def]
    if signature == "auto":
        extra["HTTP_X_HUB_SIGNATURE_256"] = sign(body, SECRET)
    elif signature is not None:
        extra["HTTP_X_HUB_SIGNATURE_256"] = signature
    return client.post(URL, data=body, content_type="application/json", **extra)


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def nothing_stored() -> bool:
    return not InboxItem.objects.exists() and not Identity.objects.exists()


def rows() -> list[tuple[str, str, str]]:
    """(dedupe key, kind, payload kind or status) of every inbox row, oldest first."""
    return [
        (r.dedupe_key, r.kind, r.payload.get("kind") or r.payload.get("status") or "")
        for r in InboxItem.objects.order_by("id")
    ]


def test_missing_signature_is_401(client: Client) -> None:
    response = post(client, t.encode(t.envelope(t.text("hi"))), signature=None)
    assert response.status_code == 401 and nothing_stored()


@pytest.mark.parametrize("header", ["sha256=" + "0" * 64, "sha1=abc", "", " ", "sha256="])
def test_wrong_signature_is_refused(client: Client, header: str) -> None:
    response = post(client, t.encode(t.envelope(t.text("hi"))), signature=header)
    assert response.status_code in (401, 403) and nothing_stored()
    if header.strip():
        assert response.status_code == 403


def test_body_over_3_mb_is_413_even_when_signed(client: Client) -> None:
    body = t.encode(t.envelope(t.text("x" * MAX_BODY)))
    assert len(body) > MAX_BODY
    response = post(client, body)
    assert response.status_code == 413 and nothing_stored()


def test_body_of_exactly_3_mb_is_accepted(client: Client) -> None:
    msg = t.text("")
    padding = MAX_BODY - len(t.encode(t.envelope(msg)))
    msg["text"]["body"] = "x" * padding
    body = t.encode(t.envelope(msg))
    assert len(body) == MAX_BODY
    response = post(client, body)
    assert response.status_code == 200 and response.json() == {"received": 1}
    (row,) = InboxItem.objects.all()
    assert row.payload["kind"] == "text" and len(row.payload["text"]) <= 8192  # cut to a sane length


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'{"object": "whatsapp_business_account", "entry": [',
        b"\xff\xfe{\x00}\x00",  # UTF-16
        b'{"object": "whatsapp_business_account", "entry": [], "x": "\xe9t\xe9"}',  # Latin-1
        b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {"x": NaN}}]}]}',
        b'{"object": "whatsapp_business_account", "entry": [], "n": Infinity}',
        b'{"object": "whatsapp_business_account", "n": ' + b"9" * 5000 + b"}",  # over Python's int digit limit
        b"[" * 200_000 + b"]" * 200_000,  # nested too deeply for the decoder
    ],
    ids=["empty", "text", "truncated", "utf16", "latin1", "nan", "infinity", "huge-int", "deep"],
)
def test_signed_but_unreadable_bodies_are_400(client: Client, body: bytes) -> None:
    response = post(client, body)
    assert response.status_code == 400 and response.json() == {"error": "malformed JSON"}
    assert nothing_stored()


def test_unparseable_content_length_is_400(client: Client) -> None:
    body = t.encode(t.envelope(t.text("hi")))
    response = post(client, body, CONTENT_LENGTH="12abc")
    assert response.status_code == 400 and nothing_stored()


@pytest.mark.parametrize(
    "payload",
    [
        [],
        [t.envelope(t.text("hi"))],
        "whatsapp_business_account",
        42,
        None,
        True,
        {},
        {"object": "whatsapp_business_account"},
        {"object": "whatsapp_business_account", "entry": {"changes": []}},
        {"object": "whatsapp_business_account", "entry": "x"},
        {"object": "page", "entry": t.envelope(t.text("hi"))["entry"]},
        {"entry": t.envelope(t.text("hi"))["entry"]},
    ],
)
def test_json_that_is_not_a_webhook_is_acknowledged_and_ignored(client: Client, payload: Any) -> None:
    response = post(client, json.dumps(payload).encode())
    assert response.status_code == 200 and "ignored" in response.json()
    assert nothing_stored()


@pytest.mark.parametrize(
    "entry",
    [
        [None, 1, "x", [], {"changes": None}, {"changes": "abc"}, {"changes": [None, 3, {"field": "messages"}]}],
        [{"changes": [{"field": "messages", "value": None}, {"field": "messages", "value": [1, 2]}]}],
        [{"changes": [{"field": "messages", "value": {"messages": "x", "statuses": 5, "errors": {"code": 1}}}]}],
        [{"changes": [{"field": "messages", "value": {"messages": [None, 1, "m", []], "contacts": "nobody"}}]}],
    ],
)
def test_wrongly_typed_levels_are_skipped_without_error(client: Client, entry: list[Any]) -> None:
    response = post(client, json.dumps({"object": "whatsapp_business_account", "entry": entry}).encode())
    assert response.status_code == 200 and response.json() == {"received": 0}
    assert nothing_stored()


def with_extras(node: Any) -> Any:
    """Every object gets fields Meta may add one day."""
    if isinstance(node, dict):
        return {
            **{k: with_extras(v) for k, v in node.items()},
            "x_future": {"nested": [1, "two", None]},
            "zz": "",
        }
    if isinstance(node, list):
        return [with_extras(v) for v in node]
    return node


def test_unknown_extra_fields_everywhere_are_accepted_and_parsed(client: Client) -> None:
    plain, extended = fixture("batch"), with_extras(fixture("batch"))
    assert post(client, t.encode(extended)).status_code == 200
    stored = {r.dedupe_key: r.payload for r in InboxItem.objects.all()}
    InboxItem.objects.all().delete()
    assert post(client, t.encode(plain)).status_code == 200
    assert {r.dedupe_key: r.payload for r in InboxItem.objects.all()} == stored
    assert len(stored) == 9  # 4 messages, 4 statuses, 1 template status update
    assert sum(key.startswith("template:") for key in stored) == 1
    assert "x_future" not in json.dumps(list(stored.values()))


def test_a_message_without_id_is_skipped_but_the_rest_of_the_batch_is_stored(client: Client) -> None:
    good1, bad, good2 = t.text("one"), t.text("two"), t.text("three")
    del bad["id"]
    blank = t.text("blank id", msg_id="")
    blank["id"] = ""
    numeric = t.text("numeric id")
    numeric["id"] = 12345
    status_without_id = {"status": "delivered", "timestamp": "1764000000", "recipient_id": t.SENTINEL_PHONE}
    payload = t.envelope(good1, bad, blank, numeric, good2, statuses=[status_without_id])
    response = post(client, t.encode(payload))
    assert response.status_code == 200 and response.json() == {"received": 2}
    assert rows() == [
        (f"msg:{id_digest('whatsapp', good1['id'])}", "message", "text"),
        (f"msg:{id_digest('whatsapp', good2['id'])}", "message", "text"),
    ]


def test_a_message_without_any_sender_is_skipped_not_a_500(client: Client) -> None:
    anonymous, good = t.text("who am I"), t.text("hello", sender="919000002001")
    del anonymous["from"]
    payload = t.envelope(good)
    payload["entry"][0]["changes"][0]["value"]["messages"].insert(0, anonymous)
    response = post(client, t.encode(payload))
    assert response.status_code == 200 and response.json() == {"received": 1}
    assert rows() == [(f"msg:{id_digest('whatsapp', good['id'])}", "message", "text")]


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("location", {"latitude": "abc", "longitude": 83.0}),
        ("location", {"latitude": 25.3}),
        ("location", {"latitude": 125.3, "longitude": 83.0}),
        ("location", {"latitude": True, "longitude": False}),
        ("location", "25.3,83.0"),
        ("text", {"body": {"nested": "x"}}),
        ("text", ["hello"]),
        ("image", {"id": ["123"], "mime_type": "image/jpeg"}),
        ("image", None),
        ("interactive", {"type": "button_reply", "button_reply": "lang:hi"}),
        ("interactive", {"type": ["list_reply"], "list_reply": {"id": "x"}}),
        ("button", {"payload": 7, "text": None}),
        ("contacts", None),
    ],
)
def test_a_wrongly_typed_message_is_stored_as_unsupported(client: Client, kind: str, body: Any) -> None:
    msg = t.message(kind, body)
    response = post(client, t.encode(t.envelope(msg)))
    assert response.status_code == 200 and response.json() == {"received": 1}
    (row,) = InboxItem.objects.all()
    assert (row.dedupe_key, row.kind, row.payload["kind"], row.payload["raw_type"]) == (
        f"msg:{id_digest('whatsapp', msg['id'])}",
        "message",
        "unsupported",
        kind,
    )
    assert row.payload["latitude"] is None and row.payload["media"] is None and row.payload["text"] == ""


@pytest.mark.parametrize("type_value", [None, 7, ["text"], {"x": 1}, ""])
def test_a_message_with_a_bad_type_field_is_unsupported(client: Client, type_value: Any) -> None:
    msg = t.text("hi")
    msg["type"] = type_value
    assert post(client, t.encode(t.envelope(msg))).status_code == 200
    (row,) = InboxItem.objects.all()
    assert (row.payload["kind"], row.payload["raw_type"]) == ("unsupported", "unsupported")


def test_wrongly_typed_common_fields_do_not_break_the_row(client: Client) -> None:
    msg = t.text("hi", context="wamid.NOT-AN-OBJECT", errors={"code": 131051}, referral=["ad"])
    msg["timestamp"] = "9" * 30  # far beyond any integer column
    status = {
        "id": "wamid.OUT-1",
        "status": "failed",
        "timestamp": -5,
        "errors": {"code": 131026},
        "biz_opaque_callback_data": {"x": 1},
    }
    status_with_huge_code = {
        "id": "wamid.OUT-2",
        "status": "failed",
        "timestamp": "1764000000",
        "errors": [{"code": 10**30, "title": ["x"], "message": "Message undeliverable"}],
    }
    payload = t.envelope(msg, statuses=[status, status_with_huge_code])
    payload["entry"][0]["changes"][0]["value"]["errors"] = [{"code": "abc", "title": 5}, "x"]
    response = post(client, t.encode(payload))
    assert response.status_code == 200 and response.json() == {"received": 4}
    message = InboxItem.objects.get(kind="message")
    assert (message.event_ts, message.payload["text"], message.payload["context_id"]) == (0, "hi", "")
    assert message.payload["error_codes"] == [] and message.payload["referral_source_type"] == ""
    first, second = (
        InboxItem.objects.get(dedupe_key=f"status:{id_digest('whatsapp', f'wamid.OUT-{n}')}:failed").payload
        for n in (1, 2)
    )
    assert (first["error_codes"], first["timestamp"], first["callback_data"]) == ([], 0, "")
    assert (second["error_codes"], second["error_title"]) == ([0], "Message undeliverable")
    error = InboxItem.objects.get(kind="error")
    assert (error.payload["code"], error.payload["title"]) == (0, "")


def test_text_a_database_would_refuse_is_cleaned(client: Client) -> None:
    # PostgreSQL's jsonb refuses NUL and lone surrogates; Meta escapes both as \\uXXXX.
    msg = t.text("a\u0000b \ud800 c")
    response = post(client, t.encode(t.envelope(msg)))
    assert response.status_code == 200
    text = InboxItem.objects.get().payload["text"]
    assert text == "ab ? c"
    text.encode("utf-8")  # strict: no surrogate left


def test_an_overlong_id_is_skipped_rather_than_overflowing_the_dedupe_key(client: Client) -> None:
    long_msg, good = t.text("long"), t.text("fine")
    long_msg["id"] = "wamid." + "A" * 400
    long_status = {"id": "wamid." + "B" * 400, "status": "sent", "timestamp": "1764000000"}
    odd_status = {"id": "wamid.OUT-3", "status": "x" * 100, "timestamp": "1764000000"}
    response = post(client, t.encode(t.envelope(long_msg, good, statuses=[long_status, odd_status])))
    assert response.status_code == 200 and response.json() == {"received": 1}
    assert rows() == [(f"msg:{id_digest('whatsapp', good['id'])}", "message", "text")]
    assert all(len(key) <= 300 for key, _, _ in rows())
