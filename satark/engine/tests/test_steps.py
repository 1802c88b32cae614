"""Behaviour of the engine step by step: matching, paging, re-prompts, media, global words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from satark.engine import (
    Buttons,
    Cancelled,
    Choice,
    CollectMedia,
    Event,
    ListMenu,
    Message,
    Reply,
    State,
    Submit,
    Text,
    step,
)

from .helpers import CATEGORIES, CHOICES, T0, Chat, catalogues, definition_v1, photo, tap, text

EN = catalogues()["en"]
HI = catalogues()["hi"]


def at_category(language: str = "en") -> Chat:
    chat = Chat(definition_v1())
    chat.say(text("Hi"))
    chat.say(tap(f"lang:{language}"))
    assert chat.current.step == "category"
    return chat


def at_step(name: str, language: str = "en") -> Chat:
    chat = at_category(language)
    chat.say(tap("category:gambling"))
    if name == "district":
        return chat
    chat.say(tap("district:jaunpur"))
    if name == "description":
        return chat
    chat.say(text("Satta every night at the tea stall near Kerakat bus stand"))
    if name == "media":
        return chat
    chat.say(tap("media:skip"))
    assert name == "confirm"
    return chat


def only(messages: Sequence[Message]) -> Message:
    assert len(messages) == 1, messages
    return messages[0]


# ------------------------------------------------------------------------------ the first message


@pytest.mark.parametrize(
    "first",
    [
        text("Hi"),
        text("नमस्ते"),
        text("english"),
        Event(kind="sticker", media_id="s1", media_kind="sticker", mime_type="image/webp"),
        Event(kind="reaction", text="👍"),
        Event(kind="unsupported"),
        Event(kind="location", latitude=25.7, longitude=82.7),
        tap("confirm:yes"),
    ],
)
def test_any_first_event_gets_the_bilingual_welcome(first: Event) -> None:
    d = definition_v1()
    state, effects = step(d, None, first, T0)
    (reply,) = effects
    assert isinstance(reply, Reply) and isinstance(reply.message, Buttons)
    assert reply.message.body == HI["welcome"] + "\n\n" + EN["welcome"]
    assert [(o.id, o.title) for o in reply.message.options] == [("lang:hi", "हिंदी"), ("lang:en", "English")]
    assert state.step == "language" and state.language == "" and not state.finished


def test_welcome_says_what_is_protected_and_what_is_not() -> None:
    for catalogue in (EN, HI):
        assert "112" in catalogue["welcome"]
    assert "not shown to the police" in EN["welcome"]
    assert "WhatsApp itself can see your number" in EN["welcome"]
    assert "not as document" in EN["welcome"]
    assert "do not write your name" in EN["welcome"]


def test_a_long_first_message_is_kept_as_the_description() -> None:
    chat = Chat(definition_v1())
    chat.say(text("Mere gaon me roz raat ko kachchi sharab banti hai"))
    assert chat.current.answer("description") == "Mere gaon me roz raat ko kachchi sharab banti hai"
    chat.say(tap("lang:en"))
    chat.say(text("2"))
    (prompt,) = chat.say(text("3"))
    assert isinstance(prompt, Buttons)
    assert "Mere gaon me roz raat ko kachchi sharab banti hai" in prompt.body
    assert prompt.options[0].id == "description:continue"
    (media,) = chat.say(tap("description:continue"))
    assert isinstance(media, Buttons) and media.options[0].id == "media:skip"


# ------------------------------------------------------------------------------ language


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("hindi", "hi"),
        ("Hindi", "hi"),
        ("हिंदी", "hi"),
        ("हिन्दी", "hi"),
        ("1", "hi"),
        ("१", "hi"),
        ("english", "en"),
        ("ENGLISH", "en"),
        ("2", "en"),
        ("angrezi", "en"),
        ("अंग्रेज़ी", "en"),
    ],
)
def test_typed_language(typed: str, language: str) -> None:
    chat = Chat(definition_v1())
    chat.say(text("Hi"))
    (menu,) = chat.say(text(typed))
    assert chat.current.language == language
    assert isinstance(menu, ListMenu)
    assert menu.body == catalogues()[language]["ask_category"]


def test_unknown_language_reply_reprompts_briefly_in_both_languages() -> None:
    chat = Chat(definition_v1())
    chat.say(text("Hi"))
    reply = only(chat.say(text("xyz")))
    assert isinstance(reply, Buttons)
    assert reply.body == "\n\n".join(
        [HI["not_understood"], EN["not_understood"], HI["language_prompt"], EN["language_prompt"]]
    )
    assert [o.id for o in reply.options] == ["lang:hi", "lang:en"]
    assert chat.current.step == "language" and chat.current.misses == 1


# ------------------------------------------------------------------------------ categories


def test_eleven_categories_are_paged_nine_plus_more_then_rest_plus_back() -> None:
    chat = Chat(definition_v1())
    chat.say(text("Hi"))
    first = only(chat.say(tap("lang:en")))
    assert isinstance(first, ListMenu)
    assert [o.id for o in first.options] == [f"category:{c.id}" for c in CATEGORIES[:9]] + ["category#page1"]
    assert first.options[-1].title == EN["more_title"]
    second = only(chat.say(tap("category#page1")))
    assert isinstance(second, ListMenu)
    assert [(o.id, o.title) for o in second.options] == [
        ("category:other", "10. Other information"),
        ("category:serious_crime", "11. Serious crime proof"),
        ("category#page0", EN["back_title"]),
    ]
    back = only(chat.say(tap("category#page0")))
    assert back == first
    assert only(chat.say(text("more"))) == second
    assert only(chat.say(text("back"))) == first
    chat.say(text("11"))  # numbers are global, whatever page is shown
    assert chat.current.answer("category") == "serious_crime"


def test_paging_is_generic() -> None:
    many = tuple(Choice(id=f"c{n}", labels={"hi": f"विकल्प {n}", "en": f"Choice {n}"}) for n in range(1, 26))
    chat = Chat(definition_v1({**CHOICES, "categories": many}))
    chat.say(text("Hi"))
    seen: list[str] = []
    menu = only(chat.say(tap("lang:en")))
    while True:
        assert isinstance(menu, ListMenu) and len(menu.options) <= 10
        seen.extend(o.id for o in menu.options if ":" in o.id)
        forward = [o.id for o in menu.options if o.title == EN["more_title"]]
        if not forward:
            break
        menu = only(chat.say(tap(forward[0])))
    assert seen == [f"category:c{n}" for n in range(1, 26)]


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("gau", "cow_smuggling"),
        ("Cow", "cow_smuggling"),
        ("गाय", "cow_smuggling"),
        ("1", "cow_smuggling"),
        ("1.", "cow_smuggling"),
        ("sharab", "drugs_liquor"),
        ("daru", "drugs_liquor"),
        ("Liquor", "drugs_liquor"),
        ("jua", "gambling"),
        ("satta", "gambling"),
        ("Gambling", "gambling"),
        ("जुआ / सट्टा", "gambling"),
        ("hathiyar", "illegal_arms"),
        ("katta", "illegal_arms"),
        ("khanan", "illegal_mining"),
        ("balu", "illegal_mining"),
        ("बालू", "illegal_mining"),
        ("११", "serious_crime"),
        ("chain snatching", "serious_crime"),
        ("Other", "other"),
        ("अन्य", "other"),
        ("extortion_corruption", "extortion_corruption"),
        ("Cow smuggling", "cow_smuggling"),
    ],
)
def test_typed_category(typed: str, category: str) -> None:
    chat = at_category("en")
    chat.say(text(typed))
    assert chat.current.answer("category") == category
    assert chat.current.step == "district"


def test_a_sentence_with_one_keyword_picks_the_category_and_keeps_the_words() -> None:
    chat = at_category("hi")
    chat.say(text("गाँव में रोज़ शाम को कच्ची शराब बिकती है"))
    assert chat.current.answer("category") == "drugs_liquor"
    assert chat.current.answer("description") == "गाँव में रोज़ शाम को कच्ची शराब बिकती है"


def test_wrong_category_reply_reprompts_then_adds_a_help_hint() -> None:
    chat = at_category("en")
    reply = only(chat.say(text("xyz")))
    assert isinstance(reply, ListMenu)
    assert reply.body == EN["not_understood"] + "\n\n" + EN["ask_category"]
    reply = only(chat.say(text("99")))
    assert isinstance(reply, ListMenu)
    assert reply.body == EN["not_understood"] + "\n" + EN["help_hint"] + "\n\n" + EN["ask_category"]
    chat.say(text("jua"))
    assert chat.current.misses == 0


def test_ambiguous_sentence_is_noted_and_the_question_repeated() -> None:
    chat = at_category("en")
    reply = only(chat.say(text("they sell daru and run jua every night")))
    assert isinstance(reply, ListMenu) and reply.body.startswith(EN["noted"])
    assert chat.current.step == "category"
    assert chat.current.answer("description") == "they sell daru and run jua every night"


def test_stale_tap_from_another_step_reprompts() -> None:
    chat = at_category("en")
    reply = only(chat.say(tap("district:jaunpur")))
    assert isinstance(reply, ListMenu) and reply.body.startswith(EN["not_understood"])
    assert chat.current.step == "category"
    reply = only(chat.say(tap("category:no_such_thing")))
    assert chat.current.step == "category"


# ------------------------------------------------------------------------------ districts


def test_three_districts_are_buttons_four_are_a_list() -> None:
    chat = at_step("district")
    assert chat.current.step == "district"
    d4 = (*CHOICES["districts"], Choice(id="varanasi", labels={"hi": "वाराणसी", "en": "Varanasi"}))
    chat = Chat(definition_v1({**CHOICES, "districts": d4}))
    chat.say(text("Hi"))
    chat.say(tap("lang:hi"))
    menu = only(chat.say(text("jua")))
    assert isinstance(menu, ListMenu) and menu.options[3].title == "4. वाराणसी"
    chat.say(text("वाराणसी"))
    assert chat.current.answer("district") == "varanasi"


@pytest.mark.parametrize(
    ("typed", "district"),
    [
        ("jaunpur", "jaunpur"),
        ("जौनपुर", "jaunpur"),
        ("gazipur", "ghazipur"),
        ("गाज़ीपुर", "ghazipur"),
        ("गाजीपुर", "ghazipur"),
        ("चंदौली", "chandauli"),
        ("Chandauli", "chandauli"),
        ("3", "chandauli"),
    ],
)
def test_typed_district(typed: str, district: str) -> None:
    chat = at_step("district", "hi")
    chat.say(text(typed))
    assert chat.current.answer("district") == district


# ------------------------------------------------------------------------------ description


def test_too_short_description_is_asked_again() -> None:
    chat = at_step("description")
    reply = only(chat.say(text("ok")))
    assert isinstance(reply, Text) and reply.body == EN["text_too_short"] + "\n\n" + EN["ask_description"]
    assert chat.current.step == "description"


def test_photo_with_caption_answers_the_description() -> None:
    chat = at_step("description")
    caption = "Satta slips being sold at the tea stall"
    effects = chat.send(photo("m1", caption=caption))
    assert isinstance(effects[0], CollectMedia) and effects[0].caption == caption
    assert chat.current.answer("description") == "Satta slips being sold at the tea stall"
    assert chat.current.step == "media"
    (prompt,) = chat.messages(effects)
    assert isinstance(prompt, Buttons) and prompt.body == EN["ask_media_more"].format(count=1)


def test_photo_without_caption_at_description_is_kept_and_the_question_repeated() -> None:
    chat = at_step("description")
    effects = chat.send(photo("m1"))
    assert isinstance(effects[0], CollectMedia)
    (prompt,) = chat.messages(effects)
    assert isinstance(prompt, Text) and prompt.body == EN["media_saved"] + "\n\n" + EN["ask_description"]
    assert chat.current.step == "description" and chat.current.media == ("m1",)


# ------------------------------------------------------------------------------ media


def test_a_burst_of_media_gets_one_acknowledgement() -> None:
    chat = at_step("media")
    first = chat.send(photo("m1"), after=5)
    assert [type(e) for e in first] == [CollectMedia, Reply]
    for n, gap in enumerate((3, 10, 59, 60), start=2):
        assert chat.send(photo(f"m{n}", kind="video", mime="video/mp4"), after=gap) == (
            CollectMedia(media_id=f"m{n}", kind="video", mime_type="video/mp4"),
        )
    later = chat.send(photo("m6", kind="audio", mime="audio/ogg"), after=61)
    assert [type(e) for e in later] == [CollectMedia, Reply]
    (ack,) = chat.messages(later)
    assert isinstance(ack, Buttons) and ack.body == EN["ask_media_more"].format(count=6)
    assert [o.id for o in ack.options] == ["media:done"]
    assert chat.current.media == ("m1", "m2", "m3", "m4", "m5", "m6")


def test_media_before_the_media_step_is_kept_with_a_short_note() -> None:
    chat = at_category()
    effects = chat.send(photo("m1"))
    assert isinstance(effects[0], CollectMedia)
    menu = only(chat.messages(effects))
    assert isinstance(menu, ListMenu) and menu.body.startswith(EN["media_saved"])
    assert chat.send(photo("m2"), after=5) == (CollectMedia("m2", "image", "image/jpeg"),)


def test_a_document_is_kept_with_a_warning_once() -> None:
    chat = at_step("media")
    effects = chat.send(photo("d1", kind="document", mime="application/pdf"))
    (ack,) = chat.messages(effects)
    assert isinstance(ack, Buttons) and ack.body.startswith(EN["media_document_warning"])
    effects = chat.send(photo("d2", kind="document", mime="application/pdf"), after=200)
    (ack,) = chat.messages(effects)
    assert isinstance(ack, Buttons) and EN["media_document_warning"] not in ack.body


def test_media_beyond_the_limit_is_refused_once_per_burst() -> None:
    chat = at_step("media")
    for n in range(10):
        chat.send(photo(f"m{n}"), after=1)
    effects = chat.send(photo("m10"), after=100)
    assert not any(isinstance(e, CollectMedia) for e in effects)
    (reply,) = chat.messages(effects)
    assert reply.body.startswith(EN["media_limit"].format(limit=10))
    assert chat.send(photo("m11"), after=1) == ()
    assert len(chat.current.media) == 10


@pytest.mark.parametrize("word", ["done", "Skip", "ho gaya", "हो गया", "bas", "1", "छोड़ें"])
def test_media_step_done_words(word: str) -> None:
    chat = at_step("media")
    chat.say(text(word))
    assert chat.current.step == "confirm"


def test_text_at_the_media_step_is_added_to_the_description() -> None:
    chat = at_step("media")
    reply = only(chat.say(text("Two men, one on a red bike")))
    assert isinstance(reply, Buttons) and reply.body.startswith(EN["noted"])
    assert chat.current.answer("description").endswith("\nTwo men, one on a red bike")
    assert chat.current.step == "media"


# ------------------------------------------------------------------------------ confirm


def test_confirm_summary_and_typed_yes() -> None:
    chat = at_step("confirm", "hi")
    summary = chat.log[-1][1][0]
    assert isinstance(summary, Reply) and isinstance(summary.message, Buttons)
    body = summary.message.body
    assert "जुआ / सट्टा" in body and "जौनपुर" in body and "Kerakat" in body
    effects = chat.send(text("हाँ"))
    assert len(effects) == 1 and isinstance(effects[0], Submit)
    assert effects[0].language == "hi"


def test_long_description_is_shortened_in_the_summary_at_a_word() -> None:
    chat = at_step("description")
    long = " ".join(["word"] * 200)
    chat.say(text(long))
    (summary,) = chat.say(tap("media:skip"))
    assert isinstance(summary, Buttons) and "word…" in summary.body and len(summary.body) < 600
    assert chat.current.answer("description") == long


@pytest.mark.parametrize("word", ["no", "nahi", "नहीं", "2"])
def test_confirm_no_cancels(word: str) -> None:
    chat = at_step("confirm")
    effects = chat.send(text(word))
    assert effects == (Cancelled(), Reply(Text(EN["cancelled"])))
    assert chat.current.finished


def test_confirm_wrong_reply_repeats_the_summary() -> None:
    chat = at_step("confirm")
    reply = only(chat.say(text("maybe later")))
    assert isinstance(reply, Buttons) and reply.body.startswith(EN["not_understood"])
    assert [o.id for o in reply.options] == ["confirm:yes", "confirm:no"]


# ------------------------------------------------------------------------------ global words


@pytest.mark.parametrize("word", ["cancel", "CANCEL", "radd", "रद्द", "Radd!"])
@pytest.mark.parametrize("where", ["language", "category", "description", "media", "confirm"])
def test_cancel_anywhere(word: str, where: str) -> None:
    if where == "language":
        chat = Chat(definition_v1())
        chat.say(text("Hi"))
    else:
        chat = at_step(where) if where != "category" else at_category()
    effects = chat.send(text(word))
    assert isinstance(effects[0], Cancelled)
    (message,) = chat.messages(effects)
    expected = HI["cancelled"] + "\n\n" + EN["cancelled"] if where == "language" else EN["cancelled"]
    assert message == Text(expected)
    assert chat.current.finished and chat.current.status == "cancelled"
    # The caller starts afresh; the engine also treats a finished state as a new conversation.
    again = chat.say(text("hello"))
    assert isinstance(again[0], Buttons) and chat.current.step == "language" and not chat.current.finished


@pytest.mark.parametrize("word", ["restart", "shuru", "फिर से", "Phir se"])
def test_restart_goes_back_to_the_language_step(word: str) -> None:
    chat = at_step("media")
    chat.send(photo("m1"))
    (welcome,) = chat.say(text(word))
    assert isinstance(welcome, Buttons) and welcome.body.startswith(HI["welcome"])
    state = chat.current
    assert state.step == "language" and state.language == "" and state.answers == () and state.media == ()


@pytest.mark.parametrize("word", ["help", "madad", "मदद", "Help"])
def test_help_then_the_current_prompt(word: str) -> None:
    chat = at_step("district")
    messages = chat.say(text(word))
    assert messages[0] == Text(EN["help"])
    assert isinstance(messages[1], Buttons) and messages[1].body == EN["ask_district"]
    assert chat.current.step == "district"


@pytest.mark.parametrize("word", ["language", "bhasha", "भाषा"])
def test_language_word_changes_language_and_keeps_answers(word: str) -> None:
    chat = at_step("description")
    reply = only(chat.say(text(word)))
    assert isinstance(reply, Buttons) and [o.id for o in reply.options] == ["lang:hi", "lang:en"]
    assert chat.current.step == "language"
    reply = only(chat.say(tap("lang:hi")))
    assert reply == Text(HI["ask_description"])
    assert chat.current.step == "description" and chat.current.language == "hi"
    assert chat.current.answer("category") == "gambling"


def test_old_language_button_switches_language_in_place() -> None:
    chat = at_step("district")
    reply = only(chat.say(tap("lang:hi", "हिंदी")))
    assert isinstance(reply, Buttons) and reply.body == HI["ask_district"]
    assert chat.current.language == "hi" and chat.current.step == "district"


def test_words_inside_a_sentence_are_not_commands() -> None:
    chat = at_step("description")
    chat.say(text("please help, they cancel the police raid every time by paying"))
    assert chat.current.step == "media"


# ------------------------------------------------------------------------------ other event kinds


@pytest.mark.parametrize(
    ("event", "key"),
    [
        (Event(kind="sticker", media_id="s", media_kind="sticker", mime_type="image/webp"), "sticker"),
        (Event(kind="media", media_id="s", media_kind="sticker", mime_type="image/webp"), "sticker"),
        (Event(kind="reaction", text="👍"), "unsupported"),
        (Event(kind="unsupported"), "unsupported"),
        (Event(kind="something_new"), "unsupported"),
        (Event(kind="contacts"), "contacts"),
    ],
)
def test_polite_note_and_the_current_prompt(event: Event, key: str) -> None:
    chat = at_step("district")
    before = chat.current
    reply = only(chat.say(event))
    assert isinstance(reply, Buttons) and reply.body == EN[key] + "\n\n" + EN["ask_district"]
    assert chat.current.answers == before.answers and chat.current.step == "district"


def test_a_shared_location_is_kept_and_shown_in_the_summary() -> None:
    chat = at_step("description")
    reply = only(chat.say(Event(kind="location", latitude=25.7461, longitude=82.6837, place_name="Kerakat")))
    assert isinstance(reply, Text) and reply.body.startswith(EN["location_received"])
    assert chat.current.answer("location") == "25.746100,82.683700"
    assert chat.current.answer("location_name") == "Kerakat"
    chat.say(text("Satta at the tea stall every evening"))
    (summary,) = chat.say(tap("media:skip"))
    assert EN["summary_location"].format(value="25.746100,82.683700") in summary.body


# ------------------------------------------------------------------------------ state and purity


def test_state_json_round_trip() -> None:
    chat = at_step("media")
    chat.send(photo("m1"))
    data = chat.current.to_json()
    import json

    assert State.from_json(json.loads(json.dumps(data, ensure_ascii=False))) == chat.current
    assert data["answers"]["category"] == "gambling" and data["media"] == ["m1"]


def test_engine_is_deterministic() -> None:
    events = [
        text("Hi"),
        tap("lang:hi"),
        text("jua"),
        text("2"),
        text("कुछ लोग रोज़ ताश खेलते हैं"),
        photo("a"),
        photo("b"),
        text("हो गया"),
        text("हाँ"),
    ]

    def run() -> list[object]:
        state = None
        out: list[object] = []
        for n, event in enumerate(events):
            state, effects = step(definition_v1(), state, event, T0 + timedelta(seconds=7 * n))
            out.append((state.to_json(), effects))
        return out

    assert run() == run()


def test_unknown_step_after_a_questionnaire_change_starts_again() -> None:
    state = State(questionnaire="tip", version=0, step="no_longer_exists", language="en")
    new, effects = step(definition_v1(), state, text("hello"), T0)
    assert new.step == "language" and isinstance(effects[0], Reply)


def test_naive_and_aware_times_do_not_crash() -> None:
    chat = at_step("media")
    chat.send(photo("m1"))
    _state, effects = step(chat.definition, chat.current, photo("m2"), T0.replace(tzinfo=None))
    assert isinstance(effects[0], CollectMedia)


def test_caller_synonyms_match_only_a_whole_message() -> None:
    extra = {"cow_smuggling": ("gai",), "illegal_mining": ("truck",)}
    cats = tuple(Choice(c.id, c.labels, c.descriptions, extra.get(c.id, ())) for c in CATEGORIES)
    chat = Chat(definition_v1({**CHOICES, "categories": cats}))
    chat.say(text("Hi"))
    chat.say(tap("lang:en"))
    chat.say(text("ho gai chori mere ghar me"))  # an everyday word inside a sentence: no match
    assert chat.current.step == "category"
    chat.say(text("truck me gaay bhari thi"))  # the questionnaire keyword "gaay" decides
    assert chat.current.answer("category") == "cow_smuggling"
    chat = Chat(definition_v1({**CHOICES, "categories": cats}))
    chat.say(text("Hi"))
    chat.say(tap("lang:en"))
    chat.say(text("Truck"))
    assert chat.current.answer("category") == "illegal_mining"
