"""The message catalogues: complete in every language, same placeholders, within WhatsApp limits."""

from __future__ import annotations

import re

import pytest

from satark.engine import (
    MAX_BUTTON_BODY,
    MAX_BUTTON_TITLE,
    MAX_CHOICE_DESCRIPTION,
    MAX_CHOICE_LABEL,
    MAX_LIST_BUTTON,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_TITLE,
    MAX_TEXT_BODY,
    check_catalogues,
    placeholders,
    validate_choice,
)
from satark.engine.limits import ENGINE_KEYS

from .helpers import CATEGORIES, DISTRICTS, PLACES, catalogues, definition, definition_v1, questionnaire

DEVANAGARI = re.compile("[\u0900-\u097f]")
BUTTON_TITLES = (
    "language_name",
    "done_button",
    "skip_button",
    "continue_button",
    "confirm_yes",
    "confirm_no",
    "confirm_edit",
    "yes_button",
    "no_button",
    "time_now",
    "time_today",
    "time_earlier",
)
LIST_BUTTONS = ("choose_button", "category_button")
ROW_TITLES = ("more_title", "back_title", "place_none")
ROW_DESCRIPTIONS = ("more_description", "back_description")
LANGUAGES = ("hi", "en")


def test_every_language_has_every_key_with_the_same_placeholders() -> None:
    cats = catalogues()
    assert sorted(cats) == sorted(LANGUAGES)
    assert check_catalogues(cats, LANGUAGES) == []
    keys = set(cats["hi"])
    for lang in LANGUAGES:
        assert set(cats[lang]) == keys
        for key in keys:
            assert placeholders(cats[lang][key]) == placeholders(cats["hi"][key]), key


def test_every_key_is_used_and_every_used_key_exists() -> None:
    used = set(definition().catalogue_keys() | definition_v1().catalogue_keys())
    assert used >= set(ENGINE_KEYS)
    for lang, catalogue in catalogues().items():
        assert set(catalogue) == used, (lang, set(catalogue) ^ used)


def test_option_labels_and_edit_labels_fit_buttons_and_rows() -> None:
    for version in (1, 2):
        for raw in questionnaire(version)["steps"]:
            keys = [option["label"] for option in raw.get("options", [])]
            keys += [raw["edit_label"]] if raw.get("edit_label") else []
            for lang, cat in catalogues().items():
                for key in keys:
                    assert len(cat[key]) <= MAX_CHOICE_LABEL, (lang, key, cat[key])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lengths_fit_whatsapp_limits(lang: str) -> None:
    cat = catalogues()[lang]
    for key in BUTTON_TITLES:
        assert len(cat[key]) <= MAX_BUTTON_TITLE, key
    for key in LIST_BUTTONS:
        assert len(cat[key]) <= MAX_LIST_BUTTON, key
    for key in ROW_TITLES:
        assert len(cat[key]) <= MAX_ROW_TITLE, key
    for key in ROW_DESCRIPTIONS:
        assert len(cat[key]) <= MAX_ROW_DESCRIPTION, key
    for key, value in cat.items():
        # Any text may become the body of a reply-button message.
        assert len(value) <= MAX_BUTTON_BODY // 2, key
    assert len(cat["submitted"].format(reference="R-" + "X" * 40)) <= MAX_TEXT_BODY


def test_bilingual_messages_fit() -> None:
    d = definition()
    for key in ("welcome", "language_prompt", "not_understood", "help_hint", "cancelled", "help"):
        assert len(d.text("", key)) <= MAX_BUTTON_BODY, key
    assert len({d.text(lang, "language_name") for lang in d.languages}) == len(d.languages)


def test_hindi_is_in_devanagari_and_english_is_not() -> None:
    cats = catalogues()
    for key, value in cats["hi"].items():
        assert DEVANAGARI.search(value), f"hi:{key} has no Devanagari"
    for key, value in cats["en"].items():
        assert not DEVANAGARI.search(value), f"en:{key} has Devanagari"


def test_button_titles_are_distinct_within_a_message() -> None:
    for lang, cat in catalogues().items():
        assert cat["confirm_yes"] != cat["confirm_no"], lang
        assert cat["done_button"] != cat["skip_button"], lang


def test_reference_choices_used_in_tests_are_valid() -> None:
    for place in PLACES:
        assert place.group in {d.id for d in DISTRICTS} and place.kind in ("station", "tehsil", "block")
    for choice in (*CATEGORIES, *DISTRICTS):
        assert validate_choice(choice, LANGUAGES) == [], choice.id
        for lang in LANGUAGES:
            assert len(choice.labels[lang]) <= MAX_CHOICE_LABEL
            assert len(choice.descriptions.get(lang, "")) <= MAX_CHOICE_DESCRIPTION
    assert len(CATEGORIES) == 11


@pytest.mark.parametrize("version", [1, 2])
def test_questionnaire_synonyms_name_real_choices(version: int) -> None:
    steps = {raw["id"]: raw for raw in questionnaire(version)["steps"]}
    assert set(steps["category"]["synonyms"]) == {c.id for c in CATEGORIES}
    assert set(steps["district"]["synonyms"]) == {c.id for c in DISTRICTS}


def test_every_category_has_its_own_questions_and_the_shared_ones() -> None:
    d = definition()
    for category in CATEGORIES:
        answers = {"category": category.id}
        ids = [s.id for s in d.steps if s.active(answers) and not s.when.keys() - {"category"}]
        own = [s.id for s in d.steps if category.id in s.when.get("category", ())]
        assert 2 <= len(own) <= 4, (category.id, own)
        for shared in ("district", "location", "time", "description", "police_involved", "media", "confirm"):
            assert shared in ids, (category.id, shared)
