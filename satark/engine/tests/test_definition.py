"""Loading and validating questionnaire definitions; the less used step types."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from satark.engine import (
    Buttons,
    Choice,
    DefinitionError,
    Event,
    LocationRequest,
    Reply,
    State,
    Submit,
    Text,
    load_definition,
    validate_choice,
)

from .helpers import CHOICES, Chat, catalogues, definition, definition_v1, questionnaire, tap, text


def test_the_real_questionnaire_loads() -> None:
    d = definition_v1()
    assert (d.id, d.version, d.languages) == ("tip", 1, ("hi", "en"))
    assert [s.id for s in d.steps] == ["language", "category", "district", "description", "media", "confirm"]
    assert [s.type for s in d.steps] == ["language", "choice", "choice", "text", "media", "confirm"]


def test_text_lookup_with_parameters_and_without_a_language() -> None:
    d = definition_v1()
    assert "R-7F3K" in d.text("hi", "submitted", reference="R-7F3K")
    assert d.text("", "language_prompt") == "कृपया भाषा चुनें।\n\nPlease choose a language."
    with pytest.raises(KeyError):
        d.text("fr", "welcome")


def broken(change: Any) -> None:
    q, cats, choices = copy.deepcopy(questionnaire()), copy.deepcopy(catalogues()), dict(CHOICES)
    change(q, cats, choices)
    with pytest.raises(DefinitionError):
        load_definition(q, cats, choices)


def test_missing_choice_source() -> None:
    broken(lambda q, c, ch: ch.pop("districts"))


def test_label_too_long_for_a_row_is_refused_not_truncated() -> None:
    long = Choice(id="x", labels={"hi": "क" * 21, "en": "A label that is too long"})
    broken(lambda q, c, ch: ch.update(categories=(long,)))
    assert validate_choice(long, ("hi", "en"))


def test_description_too_long() -> None:
    long = Choice(id="x", labels={"hi": "क", "en": "x"}, descriptions={"hi": "क", "en": "d" * 73})
    broken(lambda q, c, ch: ch.update(categories=(long,)))


def test_missing_label_in_one_language() -> None:
    broken(lambda q, c, ch: ch.update(categories=(Choice(id="x", labels={"en": "x"}),)))


def test_choice_ids_may_not_contain_separators() -> None:
    broken(lambda q, c, ch: ch.update(categories=(Choice(id="a:b", labels={"en": "x", "hi": "क"}),)))


def test_missing_catalogue_key() -> None:
    broken(lambda q, c, ch: c["en"].pop("ask_district"))


def test_placeholder_mismatch() -> None:
    broken(lambda q, c, ch: c["hi"].update(submitted="धन्यवाद {ref}"))


def test_unknown_format_field_in_an_engine_text() -> None:
    def change(q: Any, c: Any, ch: Any) -> None:
        c["hi"]["ask_district"] += " {district}"
        c["en"]["ask_district"] += " {district}"

    broken(change)


def test_unknown_step_type() -> None:
    broken(lambda q, c, ch: q["steps"].append({"id": "x", "type": "poll"}))


def test_duplicate_step_ids() -> None:
    broken(lambda q, c, ch: q["steps"].append(copy.deepcopy(q["steps"][1])))


def test_unknown_command_name() -> None:
    broken(lambda q, c, ch: q["commands"].update(shout=["x"]))


# ------------------------------------------------------------------------------ a second questionnaire


MINI = {
    "id": "mini",
    "version": 3,
    "languages": ["en", "hi"],
    "commands": {"cancel": ["cancel"]},
    "words": {"skip": ["skip"]},
    "steps": [
        {
            "id": "urgent",
            "type": "choice",
            "prompt": "mini_urgent",
            "options": [
                {"id": "yes", "label": "mini_yes", "synonyms": ["haan"]},
                {"id": "no", "label": "mini_no"},
            ],
        },
        {"id": "place", "type": "location", "prompt": "mini_place", "optional": True},
        {"id": "note", "type": "text", "prompt": "mini_note", "min_length": 2},
    ],
}
MINI_TEXTS = {
    "en": {
        "mini_urgent": "Is it happening now?",
        "mini_yes": "Yes, now",
        "mini_no": "No",
        "mini_place": "Share the place, or type skip.",
        "mini_note": "Anything else?",
    },
    "hi": {
        "mini_urgent": "क्या यह अभी हो रहा है?",
        "mini_yes": "हाँ, अभी",
        "mini_no": "नहीं",
        "mini_place": "जगह भेजें, या skip लिखें।",
        "mini_note": "और कुछ?",
    },
}


def mini() -> Chat:
    cats = {lang: {**catalogues()[lang], **MINI_TEXTS[lang]} for lang in ("en", "hi")}
    return Chat(load_definition(MINI, cats, {}))


def test_questionnaire_without_language_step_uses_the_first_language() -> None:
    chat = mini()
    (first,) = chat.say(text("hello"))
    assert isinstance(first, Buttons) and first.body == "Is it happening now?"
    assert [(o.id, o.title) for o in first.options] == [("urgent:yes", "Yes, now"), ("urgent:no", "No")]
    assert chat.current.language == "en"
    (ask,) = chat.say(text("haan"))
    assert ask == LocationRequest("Share the place, or type skip.")
    (note,) = chat.say(Event(kind="location", latitude=25.5, longitude=83.0))
    assert note == Text("Anything else?")
    assert chat.current.answer("place") == "25.500000,83.000000"
    effects = chat.send(text("no more"))
    answers = {
        "note": "no more",
        "place": "25.500000,83.000000",
        "place_lat": "25.500000",
        "place_lon": "83.000000",
        "urgent": "yes",
    }
    assert effects == (Submit(answers=answers, media=(), language="en"),)


def test_optional_location_can_be_skipped_or_typed() -> None:
    chat = mini()
    chat.say(text("hello"))
    chat.say(tap("urgent:no"))
    chat.say(text("skip"))
    assert chat.current.step == "note" and chat.current.answer("place") == ""
    chat = mini()
    chat.say(text("hello"))
    chat.say(text("2"))
    chat.say(text("near the old temple"))
    assert chat.current.answer("place_text") == "near the old temple"


def test_language_command_without_language_step_is_just_text() -> None:
    chat = mini()
    chat.say(text("hello"))
    effects = chat.send(text("language"))
    assert isinstance(effects[0], Reply) and chat.current.step == "urgent"


# ------------------------------------------------------------------------------ questionnaire v2


def test_v2_loads_with_branches_and_new_step_types() -> None:
    d = definition()
    assert (d.id, d.version) == ("tip", 2)
    assert [s.id for s in d.steps[:5]] == ["language", "category", "district", "location", "time"]
    assert [s.id for s in d.steps[-4:]] == ["description", "police_involved", "media", "confirm"]
    assert d.step_def("confirm") is not None and d.step_def("confirm").edit  # type: ignore[union-attr]
    assert d.utc_offset_minutes == 330 and d.urgent_words and d.time_words["now"]


def broken_v2(change: Any) -> None:
    q, cats, choices = copy.deepcopy(questionnaire()), copy.deepcopy(catalogues()), dict(CHOICES)
    change(q, cats, choices)
    with pytest.raises(DefinitionError):
        load_definition(q, cats, choices)


def step_of(q: Any, step_id: str) -> Any:
    return next(s for s in q["steps"] if s["id"] == step_id)


def test_condition_on_a_later_or_unknown_answer_is_refused() -> None:
    broken_v2(lambda q, c, ch: step_of(q, "cow_activity").update(when={"nothing": ["x"]}))
    broken_v2(lambda q, c, ch: step_of(q, "cow_activity").update(when={"police_involved": ["yes"]}))


def test_condition_with_a_value_the_choice_does_not_have_is_refused() -> None:
    broken_v2(lambda q, c, ch: step_of(q, "cow_vehicle").update(when={"cow_activity": ["flying"]}))


def test_an_edit_menu_longer_than_a_list_is_refused() -> None:
    def change(q: Any, c: Any, ch: Any) -> None:
        for step in q["steps"]:
            if step.get("when"):
                step["when"] = {"category": ["gambling"]}

    broken_v2(change)


def test_location_needs_its_places_and_a_real_within() -> None:
    broken_v2(lambda q, c, ch: ch.pop("places"))
    broken_v2(lambda q, c, ch: step_of(q, "location").update(within="nowhere"))
    broken_v2(lambda q, c, ch: ch.update(places=(Choice(id="a:b", labels={"en": "x"}),)))


def test_unknown_time_word_table_entry_is_refused() -> None:
    broken_v2(lambda q, c, ch: q["time_words"].update(fortnight=["pakhwada"]))


def test_a_conversation_begun_on_v1_goes_on_under_v2() -> None:
    old = Chat(definition_v1())
    for event in (text("Hi"), tap("lang:en"), tap("category:gambling"), tap("district:jaunpur")):
        old.say(event)
    assert old.current.version == 1 and old.current.step == "description"
    chat = Chat(definition(), state=old.current)
    chat.say(text("Satta at the tea stall near Kerakat bus stand every evening"))
    assert chat.current.step == "police_involved" and chat.current.version == 2
    chat.say(tap("police_involved:no"))
    chat.say(tap("media:skip"))
    (submit,) = chat.send(tap("confirm:yes"))
    assert isinstance(submit, Submit) and submit.answers["category"] == "gambling"


def test_an_old_state_without_pending_or_on_a_new_step_type_is_read() -> None:
    data = {"questionnaire": "tip", "version": 2, "step": "location", "language": "en", "page": 1}
    state = State.from_json(data)
    assert state.pending == ()
    chat = Chat(definition(), state=state)
    chat.say(text("yes"))  # nothing pending: read as a place name, which matches nothing
    assert chat.current.step == "time"
