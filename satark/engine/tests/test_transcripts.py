"""Golden transcripts: whole conversations, every outbound message compared with a reviewed file."""

from __future__ import annotations

from satark.engine import Buttons, Cancelled, CollectMedia, Event, ListMenu, Submit

from .helpers import Chat, assert_golden, definition_v1, photo, tap, text, transcript


def test_hindi_by_taps_from_hi_to_submit() -> None:
    chat = Chat(definition_v1())
    welcome = chat.say(text("Hi"))
    assert len(welcome) == 1 and isinstance(welcome[0], Buttons)
    assert [o.id for o in welcome[0].options] == ["lang:hi", "lang:en"]
    (menu,) = chat.say(tap("lang:hi", "हिंदी"))
    assert isinstance(menu, ListMenu) and len(menu.options) == 10
    chat.say(tap("category:cow_smuggling", "1. गौ-तस्करी / गौवध"))
    chat.say(tap("district:jaunpur", "जौनपुर"))
    chat.say(text("बदलापुर थाना के पास नहर पुल से रोज रात 2 बजे पिकअप में गाय ले जाई जाती है।"))
    effects = chat.send(photo("m1"))
    assert [type(e).__name__ for e in effects] == ["CollectMedia", "Reply"]
    assert all(isinstance(e, CollectMedia) for e in chat.send(photo("m2"), after=10))
    voice = photo("m3", kind="audio", mime="audio/ogg")
    assert all(isinstance(e, CollectMedia) for e in chat.send(voice, after=30))
    chat.say(tap("media:done", "हो गया"))
    effects = chat.send(tap("confirm:yes", "भेजें"))
    assert effects == (
        Submit(
            answers={
                "category": "cow_smuggling",
                "district": "jaunpur",
                "description": "बदलापुर थाना के पास नहर पुल से रोज रात 2 बजे पिकअप में गाय ले जाई जाती है।",
            },
            media=("m1", "m2", "m3"),
            language="hi",
        ),
    )
    assert chat.current.finished
    assert_golden("hindi_taps", transcript(chat.log))


def test_english_by_typing_from_hello_to_submit() -> None:
    chat = Chat(definition_v1())
    chat.say(text("hello"))
    chat.say(text("2"))
    assert chat.current.language == "en"
    chat.say(text("sharab"))
    assert chat.current.answer("category") == "drugs_liquor"
    chat.say(text("Ghazipur"))
    assert chat.current.answer("district") == "ghazipur"
    chat.say(text("Illicit liquor sold every evening behind the primary school in Saidpur market."))
    (confirm,) = chat.say(text("skip"))
    assert isinstance(confirm, Buttons)
    assert [o.id for o in confirm.options] == ["confirm:yes", "confirm:no"]
    (submit,) = chat.send(text("ok"))
    assert isinstance(submit, Submit) and submit.language == "en" and submit.media == ()
    assert chat.current.finished
    assert_golden("english_typed", transcript(chat.log))


def test_conversation_started_by_a_photo_with_caption() -> None:
    chat = Chat(definition_v1())
    effects = chat.send(photo("p1", caption="Truck full of cows parked near the canal bridge every night"))
    assert isinstance(effects[0], CollectMedia) and effects[0].media_id == "p1"
    chat.say(tap("lang:en", "English"))
    chat.say(text("1"))
    chat.say(tap("district:chandauli", "Chandauli"))
    (media_prompt,) = chat.say(text("Number plate UP 67 T 1234"))
    assert isinstance(media_prompt, Buttons) and media_prompt.options[0].id == "media:done"
    chat.say(tap("media:done", "Done"))
    effects = chat.send(tap("confirm:yes", "Submit"))
    (submit,) = effects
    assert isinstance(submit, Submit)
    assert submit.media == ("p1",)
    assert submit.answers["description"] == (
        "Truck full of cows parked near the canal bridge every night\nNumber plate UP 67 T 1234"
    )
    assert_golden("photo_first", transcript(chat.log))


def test_hindi_typed_with_detours() -> None:
    chat = Chat(definition_v1())
    chat.say(text("नमस्ते"))
    chat.say(text("kya hai"))  # not a language: a short bilingual re-prompt
    chat.say(text("हिंदी"))
    chat.say(text("और"))  # next page of categories
    chat.say(text("पीछे"))
    chat.say(text("मदद"))
    chat.say(text("बालू"))
    chat.say(Event(kind="sticker", media_id="s1", media_kind="sticker", mime_type="image/webp"))
    chat.say(text("2"))
    chat.say(text("ठीक"))  # too short for a description
    chat.say(text("गंगा घाट के पास रात में ट्रैक्टर से अवैध बालू खनन होता है, सुबह 4 बजे तक।"))
    chat.send(photo("v1", kind="video", mime="video/mp4"))
    chat.send(photo("d1", kind="document", mime="application/pdf"), after=5)
    chat.say(text("बस"))
    chat.say(text("पता नहीं"))  # not yes or no: the summary again
    (submit,) = chat.send(text("भेजें"))
    assert isinstance(submit, Submit)
    assert submit.answers["category"] == "illegal_mining" and submit.answers["district"] == "ghazipur"
    assert submit.media == ("v1", "d1")
    assert_golden("hindi_typed_with_detours", transcript(chat.log))


def test_english_cancel_at_confirm() -> None:
    chat = Chat(definition_v1())
    chat.say(text("hi"))
    chat.say(tap("lang:en"))
    chat.say(tap("category#page1"))
    chat.say(tap("category:serious_crime"))
    chat.say(tap("district:jaunpur"))
    chat.send(photo("c1", caption="CCTV of the chain snatching at Olandganj crossing, 6 pm today"))
    chat.say(tap("media:done"))
    effects = chat.send(tap("confirm:no"))
    assert isinstance(effects[0], Cancelled) and chat.current.finished
    assert_golden("english_cancel", transcript(chat.log))
