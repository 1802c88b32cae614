"""Meta's message shapes -> channel-neutral items."""

from __future__ import annotations

from satark.core import testing as t
from satark.messaging.types import ChannelError, InboundMessage, StatusUpdate
from satark.whatsapp.parse import parse_webhook


def one(msg: dict) -> InboundMessage:  # type: ignore[type-arg]
    items = parse_webhook(t.envelope(msg))
    assert len(items) == 1 and isinstance(items[0], InboundMessage)
    return items[0]


def test_text_and_context() -> None:
    m = one(t.text("Hi", context={"from": "15550783881", "id": "wamid.Q", "forwarded": True}))
    assert (m.kind, m.text, m.context_id, m.forwarded, m.sender_phone) == (
        "text",
        "Hi",
        "wamid.Q",
        True,
        t.SENTINEL_PHONE,
    )


def test_interactive_and_template_buttons_become_choices() -> None:
    assert one(t.button_reply("lang:hi", "हिंदी")).choice_id == "lang:hi"
    assert one(t.list_reply("cat:gambling", "जुआ")).choice_title == "जुआ"
    template = one(t.message("button", {"payload": "ack:VNS-23456", "text": "Accept"}))
    assert (template.kind, template.choice_id) == ("choice", "ack:VNS-23456")


def test_media_location_and_odd_types() -> None:
    image = one(t.message("image", {"id": "123", "mime_type": "image/jpeg", "sha256": "abc=", "caption": "truck"}))
    assert image.kind == "media" and image.media and image.media.id == "123" and image.text == "truck"
    voice = one(t.message("audio", {"id": "9", "mime_type": "audio/ogg; codecs=opus", "sha256": "x", "voice": True}))
    assert voice.media and voice.media.voice
    loc = one(t.message("location", {"latitude": 25.58, "longitude": 83.58, "name": "Ghazipur"}))
    assert (loc.kind, loc.latitude, loc.place_name) == ("location", 25.58, "Ghazipur")
    assert (
        one(t.message("sticker", {"id": "5", "mime_type": "image/webp", "sha256": "s", "animated": False})).kind
        == "sticker"
    )
    assert one(t.message("reaction", {"message_id": "wamid.X", "emoji": "👍"})).emoji == "👍"
    unsupported = one(
        t.message("unsupported", {"type": "poll_update"}, errors=[{"code": 131051, "title": "Message type unknown"}])
    )
    assert unsupported.kind == "unsupported" and unsupported.error_codes == (131051,)
    assert one(t.message("brand_new_type", {"x": 1})).kind == "unsupported"


def test_business_scoped_user_id_without_phone() -> None:
    msg = t.text("hello", user_id="IN.1349ABCDEF")
    del msg["from"]
    m = one(msg)
    assert (m.sender_phone, m.sender_user_id) == ("", "IN.1349ABCDEF")


def test_system_number_change() -> None:
    m = one(t.message("system", {"body": "changed", "wa_id": "919111111111", "type": "user_changed_number"}))
    assert (m.kind, m.new_phone) == ("system", "919111111111")


def test_statuses_and_value_errors() -> None:
    payload = t.envelope(
        statuses=[
            {
                "id": "wamid.A",
                "status": "failed",
                "timestamp": "1",
                "recipient_id": "91",
                "errors": [{"code": 131047, "title": "Re-engagement message"}],
            },
            {"id": "wamid.A", "status": "sent", "timestamp": "0", "recipient_id": "91"},
        ]
    )
    payload["entry"][0]["changes"][0]["value"]["errors"] = [{"code": 130429, "title": "Rate limit hit"}]
    items = parse_webhook(payload)
    statuses = [i for i in items if isinstance(i, StatusUpdate)]
    assert [(s.status, s.error_codes) for s in statuses] == [("failed", (131047,)), ("sent", ())]
    assert [i.code for i in items if isinstance(i, ChannelError)] == [130429]
