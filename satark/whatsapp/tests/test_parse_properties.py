"""Property-based tests of the webhook parser: any JSON in, items or PayloadError out; nothing dropped;
no identifier persisted; everything persisted is storable as it is."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from satark.messaging.types import ChannelError, InboundItem, InboundMessage, StatusUpdate, TemplateStatusUpdate
from satark.whatsapp.parse import PayloadError, parse_webhook

FIXTURES = {
    p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (Path(__file__).parent / "fixtures").glob("*.json")
}
IDENTIFYING_KEYS = ("from", "wa_id", "new_wa_id", "user_id", "from_user_id", "recipient_id", "recipient_user_id")
OUR_NUMBER = "919000000100"  # the business's display number, quoted in context.from
RESERVED = ("id", "type", "timestamp", "from", "from_user_id", "system", "contacts")
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Meta's own key names, so random objects reach the deeper levels of the parser.
META_KEYS = (
    "object entry changes field value messages statuses errors contacts metadata id from from_user_id type "
    "timestamp text body context forwarded frequently_forwarded referral source_type source_id headline image "
    "video audio document sticker location latitude longitude name address interactive button_reply list_reply "
    "nfm_reply title payload reaction emoji message_id order product_items system wa_id new_wa_id user_id "
    "unsupported code status recipient_id biz_opaque_callback_data voice caption mime_type sha256 url filename"
).split()
TYPES = (
    "text image video audio document sticker location contacts interactive button reaction order system "
    "unsupported unknown hologram"
).split()

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["messages", "whatsapp_business_account", *TYPES, "1764000000", "-1", "9" * 40])
)
keys = st.sampled_from(META_KEYS) | st.text(max_size=6)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)


def identifiers(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            # Real numbers and user ids are long; random one- or two-letter filler under such a key would
            # "appear" in any stored JSON by chance and prove nothing.
            if key in IDENTIFYING_KEYS and isinstance(value, str) and len(value) >= 6:
                found.add(value)
            found |= identifiers(value)
    elif isinstance(node, list):
        for value in node:
            found |= identifiers(value)
    return found - {OUR_NUMBER}


def check_storable(items: list[InboundItem]) -> None:
    """What `ingest` will persist: strict JSON (no NaN), strict UTF-8 without NUL, integers that fit."""
    assert isinstance(items, list)
    for item in items:
        assert isinstance(item, InboundMessage | StatusUpdate | ChannelError | TemplateStatusUpdate)
        dumped = json.dumps(item.stored(), ensure_ascii=False, allow_nan=False)
        dumped.encode("utf-8")
        assert "\x00" not in dumped and "\\u0000" not in dumped
        if isinstance(item, InboundMessage | StatusUpdate):
            assert 0 < len(item.external_id) <= 200
            assert 0 <= item.timestamp <= 253402300799
            assert all(0 <= code < 2**31 for code in item.error_codes)
        if isinstance(item, TemplateStatusUpdate):  # the dedupe key is built from these
            assert 0 < len(item.name) <= 512 and 0 < len(item.language) <= 16 and 0 < len(item.status) <= 32
            assert 0 <= item.timestamp <= 253402300799 and len(item.template_id) <= 64
        if isinstance(item, InboundMessage):
            assert item.sender_phone or item.sender_user_id
            for number in (item.latitude, item.longitude):
                assert number is None or math.isfinite(number)


def parse_or_refuse(data: Any) -> list[InboundItem] | None:
    try:
        items = parse_webhook(data)
    except PayloadError:
        return None
    check_storable(items)
    return items


@FAST
@given(json_values)
def test_any_json_value_parses_or_is_refused(data: Any) -> None:
    parse_or_refuse(data)


@FAST
@given(json_values)
def test_any_json_under_a_valid_object_parses(entry: Any) -> None:
    parse_or_refuse({"object": "whatsapp_business_account", "entry": entry})
    parse_or_refuse({"object": "whatsapp_business_account", "entry": [{"changes": entry}]})
    parse_or_refuse(
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": entry}]}]}
    )


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def mutate(data: Any, path: tuple[Any, ...], operation: str, replacement: Any) -> Any:
    """A copy of `data` with the node at `path` replaced, deleted or duplicated."""
    if not path:
        return replacement
    copy = json.loads(json.dumps(data))
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if operation == "delete":
        del parent[last]
    elif operation == "duplicate" and isinstance(parent, list):
        parent.insert(last, json.loads(json.dumps(parent[last])))
    else:
        parent[last] = replacement
    return copy


@FAST
@given(st.data())
def test_mutated_fixtures_parse_and_never_leak_identifiers(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(FIXTURES)), label="fixture")
    original = FIXTURES[name]
    payload = original
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        path = data.draw(st.sampled_from(paths(payload)), label="path")
        operation = data.draw(st.sampled_from(["replace", "delete", "duplicate", "retype"]), label="op")
        replacement = data.draw(json_values if operation == "replace" else st.sampled_from(TYPES), label="new")
        payload = mutate(payload, path, operation, replacement)
    items = parse_or_refuse(payload)
    secrets = identifiers(original)
    for item in items or []:
        dumped = json.dumps(item.stored(), ensure_ascii=False)
        assert not [s for s in secrets if s in dumped]


phones = st.text(alphabet="0123456789", min_size=10, max_size=10).map(lambda d: "91" + d)
bsuids = st.text(alphabet="0123456789ABCDEF", min_size=24, max_size=24).map(lambda h: "IN." + h)
ids = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), min_size=1, max_size=200)


@st.composite
def messages(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A message with a usable id and a sender (phone, BSUID or both), any type and any content."""
    phone, user_id = draw(phones), draw(bsuids)
    who = draw(st.sampled_from(["phone", "user", "both"]))
    mtype = draw(st.sampled_from(TYPES) | st.text(max_size=8).filter(lambda s: s not in RESERVED))
    msg: dict[str, Any] = draw(st.dictionaries(keys, json_values, max_size=4))
    msg.update({"id": draw(ids), "type": mtype, "timestamp": draw(scalars)})
    msg[mtype] = draw(json_values)
    msg.pop("from", None)
    msg.pop("from_user_id", None)
    if draw(st.booleans()):  # a number change or a shared card naming the same people
        msg["system"] = {"body": f"changed from {phone}", "wa_id": phone, "new_wa_id": user_id, "user_id": user_id}
        msg["contacts"] = [{"phones": [{"phone": phone, "wa_id": phone}], "name": {"formatted_name": user_id}}]
    contact: dict[str, Any] = {"profile": {"name": "Sentinel"}}
    if who in ("phone", "both"):
        msg["from"] = contact["wa_id"] = phone
    if who in ("user", "both"):
        msg["from_user_id"] = contact["user_id"] = user_id
    return msg, contact


@FAST
@given(st.lists(messages(), min_size=1, max_size=6), st.integers(1, 3))
def test_every_message_with_an_id_and_a_sender_yields_exactly_one_item(
    batch: list[tuple[dict[str, Any], dict[str, Any]]], changes: int
) -> None:
    msgs = [m for m, _ in batch]
    for msg in msgs:
        elsewhere = json.dumps(
            {k: v for k, v in msg.items() if k not in ("from", "from_user_id", "system", "contacts")}
        )
        assume(not [s for s in identifiers(msg) if s in elsewhere])
    # Spread the messages over several changes of one entry, as Meta's batching may.
    values: list[dict[str, Any]] = [
        {"messaging_product": "whatsapp", "contacts": [c for _, c in batch[i::changes]], "messages": msgs[i::changes]}
        for i in range(changes)
    ]
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": v} for v in values]}],
    }
    items = parse_or_refuse(payload)
    assert items is not None
    expected = [m["id"] for v in values for m in v["messages"]]
    assert [i.external_id for i in items if isinstance(i, InboundMessage)] == expected
    assert len(items) == len(expected)
    for item, (msg, contacts) in zip(items, [(m, v["contacts"]) for v in values for m in v["messages"]], strict=True):
        assert isinstance(item, InboundMessage)
        assert item.sender_phone == msg.get("from", "")
        if "from_user_id" in msg:
            assert item.sender_user_id == msg["from_user_id"]
        else:  # the BSUID of a contacts entry with the same phone, if Meta sent one
            assert item.sender_user_id in {""} | {c.get("user_id") for c in contacts if c.get("wa_id") == msg["from"]}
        dumped = json.dumps(item.stored(), ensure_ascii=False)
        assert not [s for s in identifiers(msg) if s in dumped]
