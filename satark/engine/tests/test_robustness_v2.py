"""Robustness on the questionnaire in use (v2): whatever a real reporter sends at any step, the answer
is a short re-prompt, never a dead end. Each case is a reviewed golden transcript in golden/."""

from __future__ import annotations

from satark.engine import Event, Reply, Submit

from .helpers import Chat, assert_golden, definition, photo, tap, text, transcript

START_HI = [text("नमस्ते"), tap("lang:hi", "हिंदी")]
START_EN = [text("Hi"), tap("lang:en", "English")]


def chat_of(events: list[Event], gap: float = 20.0) -> Chat:
    chat = Chat(definition(), gap=gap)
    for event in events:
        chat.send(event)
    return chat


def test_sticker_first_then_odd_messages_at_every_kind_of_step() -> None:
    chat = chat_of(
        [
            photo("st1", kind="sticker", mime="image/webp"),  # a sticker as the very first message
            tap("lang:hi", "हिंदी"),
            Event(kind="reaction", text="👍"),  # a reaction to the category list
            Event(kind="contacts"),  # a contact card instead of a category
            tap("category:gambling"),
            Event(kind="unsupported"),  # a poll, an order, a new type
            tap("district:ghazipur"),
            photo("st2", kind="sticker", mime="image/webp"),  # at the place question
            text("सैदपुर"),
            tap("location:yes"),
            text("हाँ"),  # a yes meant for something else, at the time question
            text("आज"),
        ]
    )
    assert chat.current.step not in ("language", "category", "district", "location", "time")
    assert chat.current.answer("category") == "gambling" and chat.current.answer("location_place")
    replies = [e for _, effects in chat.log for e in effects if isinstance(e, Reply)]
    assert len(replies) == len(chat.log)  # every message got exactly one answer: no silence, no flood
    assert_golden("v2_robust_odd_messages", transcript(chat.log))


def test_a_burst_of_photos_gets_one_acknowledgement() -> None:
    chat = Chat(definition(), gap=20.0)
    for event in [
        *START_EN,
        tap("category:illegal_mining"),
        tap("district:chandauli"),
        text("skip"),
        tap("time:now"),
        tap("mining_material:sand"),
        tap("mining_activity:digging"),
        text("JCB digging the river bank"),
        tap("police_involved:no"),
    ]:
        chat.send(event)
    acknowledgements = [chat.say(photo(f"b{n}"), after=1.0) for n in range(5)]  # five photos in 4 seconds
    assert [len(a) for a in acknowledgements] == [1, 0, 0, 0, 0]
    assert len(chat.current.media) == 5
    chat.say(tap("media:done"), after=30)
    assert_golden("v2_robust_photo_burst", transcript(chat.log))


def test_global_words_in_hindi_and_english_at_different_steps() -> None:
    chat = chat_of(
        [
            *START_HI,
            text("madad"),  # help at the category step
            text("जुआ"),
            text("bhasha"),  # change language at the district step
            tap("lang:en", "English"),  # back to the district question, now in English
            tap("district:jaunpur"),
            text("help"),
            text("Kerakat"),
            tap("location:yes"),
            text("phir se"),  # restart: from the beginning, answers gone
        ]
    )
    assert chat.current.answer("category") == "" and chat.current.answer("district") == ""
    chat.say(text("radd"))  # cancel
    assert chat.current.finished
    assert not any(isinstance(e, Submit) for _, effects in chat.log for e in effects)
    assert_golden("v2_robust_global_words", transcript(chat.log))
