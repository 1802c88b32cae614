"""Outbound builders enforce Meta's limits before anything is sent (lengths counted in characters)."""

from __future__ import annotations

import pytest

from satark.whatsapp.render import RenderError, render


def buttons(*titles: str, body: str = "चुनें") -> dict:  # type: ignore[type-arg]
    return {"type": "buttons", "body": body, "options": [{"id": f"b{i}", "title": t} for i, t in enumerate(titles)]}


def test_hindi_titles_are_counted_in_characters() -> None:
    twenty = "क" * 20
    assert render(buttons(twenty))["interactive"]["action"]["buttons"][0]["reply"]["title"] == twenty
    with pytest.raises(RenderError, match="button_title is 21 characters"):
        render(buttons("क" * 21))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (buttons("a", "b", "c", "d"), "4 buttons"),
        (buttons("same", "same"), "unique"),
        (buttons("ok", body="x" * 1025), "button_body"),
        (
            {"type": "list", "body": "b", "button": "चुनें", "options": [{"id": str(i), "title": "t"} for i in range(11)]},
            "11 list rows",
        ),
        ({"type": "list", "body": "b", "button": "b" * 21, "options": [{"id": "1", "title": "t"}]}, "list_button"),
        ({"type": "list", "body": "b", "button": "b", "options": [{"id": "1", "title": "र" * 25}]}, "row_title"),
        (
            {
                "type": "list",
                "body": "b",
                "button": "b",
                "options": [{"id": "1", "title": "t", "description": "d" * 73}],
            },
            "row_description",
        ),
        ({"type": "text", "body": "x" * 4097}, "text is 4097"),
        ({"type": "image", "media_id": "1", "caption": "c" * 1025}, "caption"),
        ({"type": "sticker", "media_id": "1", "caption": "no"}, "no caption"),
        ({"type": "image"}, "media_id"),
        ({"type": "template", "language": "hi"}, "name and a language"),
        ({"type": "reaction", "emoji": "👍"}, "message_id"),
        ({"type": "carousel"}, "unknown outbound type"),
    ],
)
def test_invalid_messages_are_refused_with_the_reason(payload: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(RenderError, match=message):
        render(payload)


def test_every_supported_shape_renders_as_meta_documents_it() -> None:
    assert render({"type": "location_request", "body": "पिन भेजें"})["interactive"]["action"] == {"name": "send_location"}
    audio = render({"type": "audio", "media_id": "7", "voice": True})
    assert audio == {"type": "audio", "audio": {"id": "7", "voice": True}}
    doc = render({"type": "document", "link": "https://example.invalid/a.pdf", "filename": "a.pdf", "caption": "c"})
    assert doc["document"] == {"link": "https://example.invalid/a.pdf", "filename": "a.pdf", "caption": "c"}
    reaction = render({"type": "reaction", "message_id": "wamid.X", "emoji": "👍", "context_id": "ignored"})
    assert reaction == {"type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": "👍"}}
    quoted = render({"type": "text", "body": "hi", "context_id": "wamid.Q"})
    assert quoted["context"] == {"message_id": "wamid.Q"}
    template = render(
        {
            "type": "template",
            "name": "satark_officer_task",
            "language": "en",
            "body_params": ["VNS-7K3M9", "Gambling", "Karanda"],
            "buttons": [{"index": 0, "payload": "ack"}],
        }
    )
    assert template["template"]["components"][1] == {
        "type": "button",
        "sub_type": "quick_reply",
        "index": "0",
        "parameters": [{"type": "payload", "payload": "ack"}],
    }


def hindi(n: int) -> str:
    """Exactly n characters of Devanagari (3 bytes each in UTF-8): a limit counted in bytes would fail."""
    text = ("सतर्क मित्र " * (n // 5 + 1))[:n]
    assert len(text) == n and len(text.encode("utf-8")) > n
    return text


def listing(**overrides: object) -> dict:  # type: ignore[type-arg]
    return {"type": "list", "body": "b", "button": "चुनें", "options": [{"id": "1", "title": "t"}], **overrides}


def one_button(**overrides: object) -> dict:  # type: ignore[type-arg]
    return {"type": "buttons", "body": "b", "options": [{"id": "b0", "title": "t"}], **overrides}


def template(**overrides: object) -> dict:  # type: ignore[type-arg]
    return {"type": "template", "name": "satark_action_taken", "language": "hi", **overrides}


LIMITED = [  # (what, Meta's limit, payload with a value of n characters, where the value lands)
    ("header", 60, lambda v: one_button(header=v), lambda r: r["interactive"]["header"]["text"]),
    ("header", 60, lambda v: listing(header=v), lambda r: r["interactive"]["header"]["text"]),
    ("footer", 60, lambda v: one_button(footer=v), lambda r: r["interactive"]["footer"]["text"]),
    ("footer", 60, lambda v: listing(footer=v), lambda r: r["interactive"]["footer"]["text"]),
    (
        "button_id",
        256,
        lambda v: one_button(options=[{"id": v, "title": "t"}]),
        lambda r: r["interactive"]["action"]["buttons"][0]["reply"]["id"],
    ),
    (
        "row_id",
        200,
        lambda v: listing(options=[{"id": v, "title": "t"}]),
        lambda r: r["interactive"]["action"]["sections"][0]["rows"][0]["id"],
    ),
    ("list_body", 4096, lambda v: listing(body=v), lambda r: r["interactive"]["body"]["text"]),
    (
        "template_param",
        1024,
        lambda v: template(body_params=["VNS-7K3M9", v]),
        lambda r: r["template"]["components"][0]["parameters"][1]["text"],
    ),
    (
        "template_param",
        1024,
        lambda v: template(header_params=[v]),
        lambda r: r["template"]["components"][0]["parameters"][0]["text"],
    ),
]


@pytest.mark.parametrize(("limit_name", "limit", "build", "where"), LIMITED)
def test_limits_are_counted_in_characters_up_to_the_last_one(limit_name, limit, build, where) -> None:  # type: ignore[no-untyped-def]
    at_limit = hindi(limit)
    assert where(render(build(at_limit))) == at_limit
    with pytest.raises(RenderError, match=rf"^{limit_name} is {limit + 1} characters \(max {limit}\)$"):
        render(build(hindi(limit + 1)))
