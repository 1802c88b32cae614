"""One Meta-shaped webhook body per documented shape (fixtures/*.json, invented values) -> the exact items.

The shapes follow shared/design/whatsapp-cloud-api.md §1.2 and §1.5-1.8. Every fixture is also checked
for privacy: no sender or third-party identifier, profile name or ad click id survives `stored()`.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from satark.messaging.types import (
    ChannelError,
    InboundItem,
    InboundMessage,
    MediaRef,
    StatusUpdate,
    TemplateStatusUpdate,
)
from satark.whatsapp.parse import parse_webhook

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.json"))

ASHA, BHOLA, DEEPAK = "919000001001", "919000001002", "919000001004"
BSUID_A = "IN.1349A7F2C9E04B5D8F3A1C6E9B2D4F70"
BSUID_U = "IN.77C0FFEE31D24A1B9E8F6A5C4B3D2E1F"
OUT = {  # ids of messages we sent (quoted, tapped, reacted to; statuses)
    1: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwMTZCMzlEQUE4OTJBMTE4AA==",
    2: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwMjZCMzlEQUE4OTJBMTE4AA==",
    3: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwMzZCMzlEQUE4OTJBMTE4AA==",
    4: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwNDZCMzlEQUE4OTJBMTE4AA==",
    5: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwNTZCMzlEQUE4OTJBMTE4AA==",
    6: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwNjZCMzlEQUE4OTJBMTE4AA==",
    7: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwNzZCMzlEQUE4OTJBMTE4AA==",
    8: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwODZCMzlEQUE4OTJBMTE4AA==",
    9: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwOTZCMzlEQUE4OTJBMTE4AA==",
    10: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwQTZCMzlEQUE4OTJBMTE4AA==",
    11: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwQjZCMzlEQUE4OTJBMTE4AA==",
    12: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwQzZCMzlEQUE4OTJBMTE4AA==",
    13: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwRDZCMzlEQUE4OTJBMTE4AA==",
    14: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwRTZCMzlEQUE4OTJBMTE4AA==",
    15: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAwRjZCMzlEQUE4OTJBMTE4AA==",
    16: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAxMDZCMzlEQUE4OTJBMTE4AA==",
    17: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAxMTZCMzlEQUE4OTJBMTE4AA==",
    20: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAxNDZCMzlEQUE4OTJBMTE4AA==",
    21: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAxNTZCMzlEQUE4OTJBMTE4AA==",
    22: "wamid.HBgMOTE5MDAwMDAxMDAxFQIAERgSMDAxNjZCMzlEQUE4OTJBMTE4AA==",
}
SHA = "Pp5mKvN1bX0Xg4bT7lq0sZrj3mS3pTQ6sH6q8nJ9aYk="
LOOKASIDE = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid={}&ext={}&hash={}"
# Values that must never be persisted: keys whose values identify someone, and the third party's card.
IDENTIFYING_KEYS = ("from", "wa_id", "new_wa_id", "user_id", "from_user_id", "recipient_id", "recipient_user_id")
NEVER_STORED = (
    "Asha Devi",
    "champa.vns",
    "Ramesh Gupta",
    "+91 90000 09999",
    "+919000009998",
    "919000009999",
    "ramesh.gupta@example.invalid",
    "12 Lanka Road",
    "ARAkLkA8rmlFeiCktEJQ",  # ad click id
    "flow-tok-5521",
    "Rameshwar",
    "changed from",
    # an address form (nfm_reply address_message): whatever the person typed into it
    "addr-7731",
    "221005",
    "Near BHU gate",
    "Lanka",
    # a catalog product named in a "Message business" reply
    "poster-ghazipur",
    "774401928815566",
)


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def raw_messages(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        m
        for e in payload["entry"]
        for c in e["changes"]
        if c["field"] == "messages"
        for m in c["value"].get("messages", [])
    ]


def identifiers(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in IDENTIFYING_KEYS and isinstance(value, str):
                found.add(value)
            found |= identifiers(value)
    elif isinstance(node, list):
        for value in node:
            found |= identifiers(value)
    return found


def only(name: str) -> InboundMessage:
    items = parse_webhook(load(name))
    assert len(items) == 1 and isinstance(items[0], InboundMessage)
    return items[0]


def expect(name: str, kind: str, **fields: Any) -> InboundMessage:
    """The message a single-message fixture must parse to; id and timestamp are the fixture's own."""
    (raw,) = raw_messages(load(name))
    fields.setdefault("sender_phone", ASHA)
    fields.setdefault("raw_type", raw["type"])
    return InboundMessage(
        channel="whatsapp", external_id=raw["id"], timestamp=int(raw["timestamp"]), kind=kind, **fields
    )


def media(kind: str, media_id: str, mime: str, sha: str, **fields: Any) -> MediaRef:
    return MediaRef(id=media_id, kind=kind, mime_type=mime, sha256=sha, **fields)


SINGLE: dict[str, dict[str, Any]] = {
    "text": {"kind": "text", "text": "मंडी के पास अवैध शराब बिक रही है"},
    "text_reply_context": {"kind": "text", "text": "Haan, wahi jagah", "context_id": OUT[1]},
    "text_forwarded": {"kind": "text", "text": "Ghat par jua chal raha hai, sab ko batao", "forwarded": True},
    "text_frequently_forwarded": {"kind": "text", "text": "Kal bazaar band rahega", "forwarded": True},
    "image": {
        "kind": "media",
        "text": "Truck number dikh raha hai",
        "media": media(
            "image",
            "1093457218845310",
            "image/jpeg",
            SHA,
            caption="Truck number dikh raha hai",
            url=LOOKASIDE.format("1093457218845310", "1764000001", "ATu0Zq3"),
        ),
    },
    "image_without_url": {"kind": "media", "media": media("image", "1093457218845311", "image/jpeg", SHA)},
    "video": {
        "kind": "media",
        "text": "Raat 11 baje",
        "media": media(
            "video",
            "2238110955102214",
            "video/mp4",
            "q2Vt8Z0n4kR9w1X7c5Y3b6N8m0L2j4H6g8F0d2S4a6Q=",
            caption="Raat 11 baje",
            url=LOOKASIDE.format("2238110955102214", "1764000002", "ATvT3xk"),
        ),
    },
    "audio_voice": {
        "kind": "media",
        "media": media(
            "audio",
            "1577203884412097",
            "audio/ogg; codecs=opus",
            "n3F0lE9r5QvJmYy8W1s2Dd7cB6aZ0xU4tK2pR8gH1eM=",
            voice=True,
            url=LOOKASIDE.format("1577203884412097", "1764000003", "ATs9aQw"),
        ),
    },
    "audio": {
        "kind": "media",
        "media": media(
            "audio", "1577203884412098", "audio/mpeg", "Yx1Q2w3E4r5T6y7U8i9O0pAsDfGhJkLzXcVbNm12345=", voice=False
        ),
    },
    "document": {
        "kind": "media",
        "text": "FIR ki copy",
        "media": media(
            "document",
            "965012374481202",
            "application/pdf",
            "d0C5mEnT7sHa256vAlUe0fThE1fIlE2iN3bAsE64xx=",
            caption="FIR ki copy",
            filename="shikayat.pdf",
            url=LOOKASIDE.format("965012374481202", "1764000004", "ATr1bYc"),
        ),
    },
    "sticker": {
        "kind": "sticker",
        "media": media("sticker", "788120946651130", "image/webp", "sT1cKeR0000sha256base64valueXXXXXXXXXXXXXX="),
    },
    "sticker_animated": {
        "kind": "sticker",
        "media": media(
            "sticker",
            "788120946651131",
            "image/webp",
            "aN1mAtEdsTicKeRsha256base64valueXXXXXXXXX=",
            url=LOOKASIDE.format("788120946651131", "1764000005", "ATq7pLm"),
        ),
    },
    "location": {"kind": "location", "latitude": 25.3176, "longitude": 82.9739},
    "location_place": {
        "kind": "location",
        "latitude": 25.5788,
        "longitude": 83.5772,
        "place_name": "Ghazipur Ghat",
        "place_address": "Ghat Road, Ghazipur, Uttar Pradesh 233001",
    },
    "location_request_reply": {"kind": "location", "latitude": 25.2819, "longitude": 83.0061, "context_id": OUT[2]},
    "contacts": {"kind": "contacts", "contacts_count": 1},
    "interactive_button_reply": {
        "kind": "choice",
        "choice_id": "lang:hi",
        "choice_title": "हिंदी",
        "context_id": OUT[3],
    },
    "interactive_list_reply": {
        "kind": "choice",
        "choice_id": "cat:liquor",
        "choice_title": "अवैध शराब",
        "context_id": OUT[4],
    },
    # A WhatsApp Flow completion: the bot sends no flows, and the answers may name people.
    "interactive_nfm_reply": {"kind": "unsupported", "context_id": OUT[5]},
    "button_template": {
        "kind": "choice",
        "choice_id": "ack:VNS-7K3M9",
        "choice_title": "Theek hai",
        "context_id": OUT[6],
    },
    "reaction": {"kind": "reaction", "emoji": "🙏", "context_id": OUT[7]},
    "reaction_removed": {"kind": "reaction", "emoji": "", "context_id": OUT[7]},
    "order": {"kind": "unsupported", "order_items": 2},
    "system_user_changed_number": {"kind": "system", "text": "user_changed_number", "new_phone": BHOLA},
    "system_user_changed_number_new_wa_id": {"kind": "system", "text": "user_changed_number", "new_phone": BHOLA},
    "unsupported_131051": {"kind": "unsupported", "error_codes": (131051,)},
    # The person sent media Meta could not download (e.g. over 100 MB): the code tells the bot to ask
    # for a smaller file.
    "media_error_131052": {"kind": "unsupported", "error_codes": (131052,)},
    # An address form (a WhatsApp "address_message"): the bot sends none, and its answers name people.
    "interactive_nfm_address": {"kind": "unsupported", "context_id": OUT[9]},
    # "Message business" on a catalog item: the quoted message is kept, the product is not.
    "text_referred_product": {"kind": "text", "text": "Is baare mein batana hai", "context_id": OUT[16]},
    # A pin with Meta's map link and nothing else: the coordinates are what counts.
    "location_url": {"kind": "location", "latitude": 25.3433, "longitude": 83.0062},
    # No `from`, no `from_user_id`: the only sender id is the single contact's business-scoped id.
    "contacts_user_id_only": {
        "kind": "text",
        "text": "Sirf user id ke saath",
        "sender_phone": "",
        "sender_user_id": BSUID_U,
    },
    "unavailable_131060": {"kind": "unsupported", "error_codes": (131060,)},
    "unknown_type": {"kind": "unsupported"},
    "referral_ad": {
        "kind": "text",
        "text": "Mujhe jaankari chahiye",
        "referral_source_type": "ad",
        "referral_source_id": "120210334455660001",
        "referral_headline": "Satark Mitra",
    },
    "username_user": {
        "kind": "text",
        "text": "Username se likh raha hoon",
        "sender_phone": "",
        "sender_user_id": BSUID_U,
    },
    "from_and_user_id": {"kind": "text", "text": "Dono pehchaan ke saath", "sender_user_id": BSUID_A},
}


def status(n: int, state: str, ts: int, **fields: Any) -> StatusUpdate:
    return StatusUpdate(channel="whatsapp", external_id=OUT[n], status=state, timestamp=ts, **fields)


STATUSES: dict[str, StatusUpdate] = {
    "status_sent": status(10, "sent", 1764000100),
    "status_delivered": status(10, "delivered", 1764000102),
    "status_read": status(10, "read", 1764000160),
    "status_played": status(11, "played", 1764000200),
    "status_failed_131047": status(
        12, "failed", 1764090000, error_codes=(131047,), error_title="Re-engagement message"
    ),
    "status_failed_131026": status(
        13, "failed", 1764000300, error_codes=(131026,), error_title="Message undeliverable"
    ),
    "status_callback_data": status(14, "delivered", 1764000400, callback_data="out:4211"),
    "status_pricing_conversation": status(15, "sent", 1764000500),
    # A username user's status: only `recipient_user_id`, no `recipient_id` (neither is kept).
    "status_recipient_user_id_only": status(17, "delivered", 1764000600),
}


def template(
    name: str, language: str, state: str, ts: int, template_id: str, *, reason: str = ""
) -> TemplateStatusUpdate:
    return TemplateStatusUpdate(
        channel="whatsapp",
        name=name,
        language=language,
        status=state,
        timestamp=ts,
        template_id=template_id,
        reason=reason,
    )


TEMPLATE_STATUSES: dict[str, TemplateStatusUpdate] = {
    "template_status_approved": template("satark_action_taken", "hi", "APPROVED", 1764000700, "887766554433"),
    "template_status_rejected": template(
        "satark_officer_task", "en", "REJECTED", 1764000800, "887766554434", reason="INVALID_FORMAT"
    ),
    "template_status_paused": template(
        "satark_action_taken", "hi", "PAUSED", 1764000900, "887766554435", reason="FIRST_PAUSE"
    ),
}


def test_every_fixture_has_an_expectation() -> None:
    covered = set(SINGLE) | set(STATUSES) | set(TEMPLATE_STATUSES)
    covered |= {"value_errors_130429", "value_errors_with_messages", "batch", "other_field_quality_update"}
    assert covered == set(NAMES)


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_single_message_fixture(name: str) -> None:
    assert only(name) == expect(name, **SINGLE[name])


@pytest.mark.parametrize("name", sorted(STATUSES))
def test_status_fixture(name: str) -> None:
    assert parse_webhook(load(name)) == [STATUSES[name]]


def test_value_level_error() -> None:
    assert parse_webhook(load("value_errors_130429")) == [
        ChannelError(channel="whatsapp", code=130429, title="Rate limit hit", timestamp=0)
    ]


def test_value_level_errors_alongside_messages_keep_both() -> None:
    payload = load("value_errors_with_messages")
    (raw,) = raw_messages(payload)
    assert parse_webhook(payload) == [
        InboundMessage(
            channel="whatsapp",
            external_id=raw["id"],
            timestamp=int(raw["timestamp"]),
            kind="choice",
            sender_phone=ASHA,
            raw_type="interactive",
            choice_id="lang:en",
            choice_title="English",
            context_id=OUT[8],
        ),
        ChannelError(channel="whatsapp", code=131000, title="Something went wrong", timestamp=0),
    ]


@pytest.mark.parametrize("name", sorted(TEMPLATE_STATUSES))
def test_template_status_fixture(name: str) -> None:
    assert parse_webhook(load(name)) == [TEMPLATE_STATUSES[name]]


def test_a_reinstated_template_is_approved_again() -> None:
    payload = load("template_status_paused")
    value = payload["entry"][0]["changes"][0]["value"]
    value.update(event="REINSTATED", other_info=None)
    (update,) = parse_webhook(payload)
    assert isinstance(update, TemplateStatusUpdate) and (update.status, update.reason) == ("APPROVED", "")


def test_other_fields_are_ignored() -> None:
    assert parse_webhook(load("other_field_quality_update")) == []


def test_batch_keeps_every_item_in_order() -> None:
    payload = load("batch")
    b1, b2, b3, b4 = raw_messages(payload)
    items = parse_webhook(payload)
    summary = [
        (type(i).__name__, i.external_id, getattr(i, "kind", ""), getattr(i, "status", ""))
        for i in items
        if isinstance(i, InboundMessage | StatusUpdate)
    ]
    assert summary == [
        ("InboundMessage", b1["id"], "text", ""),
        ("InboundMessage", b2["id"], "location", ""),
        ("InboundMessage", b3["id"], "text", ""),
        ("StatusUpdate", OUT[20], "", "delivered"),
        ("StatusUpdate", OUT[20], "", "read"),
        ("StatusUpdate", OUT[21], "", "sent"),
        ("InboundMessage", b4["id"], "media", ""),
        ("StatusUpdate", OUT[22], "", "failed"),
    ]
    senders = [i.sender_phone for i in items if isinstance(i, InboundMessage)]
    assert senders == [ASHA, BHOLA, ASHA, DEEPAK]
    assert [i.text for i in items if isinstance(i, InboundMessage) and i.kind == "text"] == [
        "Pehla sandesh",
        "Doosra sandesh",
    ]
    failed = items[-1]
    assert isinstance(failed, StatusUpdate) and failed.error_codes == (131026,)


def test_number_change_has_no_contacts_and_keeps_neither_number() -> None:
    m = only("system_user_changed_number")
    assert (m.sender_phone, m.new_phone) == (ASHA, BHOLA)
    dumped = json.dumps(m.stored(), ensure_ascii=False)
    assert ASHA not in dumped and BHOLA not in dumped


def test_shared_contact_card_keeps_only_a_count() -> None:
    m = only("contacts")
    dumped = json.dumps(m.stored(), ensure_ascii=False)
    for value in ("919000009999", "9000009999", "+919000009998", "Ramesh", "Gupta", "ramesh.gupta", "Lanka"):
        assert value not in dumped


def all_items() -> list[tuple[str, InboundItem]]:
    return [(name, item) for name in NAMES for item in parse_webhook(load(name))]


@pytest.mark.parametrize("name", NAMES)
def test_no_identifier_survives_stored(name: str) -> None:
    payload = load(name)
    secret = identifiers(payload) | set(NEVER_STORED)
    secret.discard("919000000100")  # our own business number (context.from) is not a reporter's
    items = parse_webhook(payload)
    for item in items:
        dumped = json.dumps(item.stored(), ensure_ascii=False)
        assert not [s for s in secret if s in dumped]
        if isinstance(item, InboundMessage):
            assert item.sender_phone or item.sender_user_id  # ... but the sender is known in memory


@pytest.mark.parametrize("name", NAMES)
def test_stored_round_trips_through_json(name: str) -> None:
    for item in parse_webhook(load(name)):
        if isinstance(item, InboundMessage):
            restored = InboundMessage.from_stored(json.loads(json.dumps(item.stored())))
            anonymous = dataclasses.replace(item, sender_phone="", sender_user_id="", new_phone="", new_user_id="")
            assert restored == anonymous


def test_without_from_user_id_the_matching_contacts_user_id_is_the_sender() -> None:
    payload = load("from_and_user_id")
    (raw,) = raw_messages(payload)
    del raw["from_user_id"]  # an older payload: the business-scoped id only in `contacts`
    m = only_in(payload)
    assert (m.sender_phone, m.sender_user_id) == (ASHA, BSUID_A)
    payload["entry"][0]["changes"][0]["value"]["contacts"][0]["wa_id"] = BHOLA  # someone else's card
    assert only_in(payload).sender_user_id == ""


def only_in(payload: dict[str, Any]) -> InboundMessage:
    items = parse_webhook(payload)
    assert len(items) == 1 and isinstance(items[0], InboundMessage)
    return items[0]
