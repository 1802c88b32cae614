"""Questionnaire definitions: parse and validate a questionnaire file plus its catalogues.

``load_definition(questionnaire, catalogues, choices)`` turns three plain mappings (JSON data and
reference data from the caller) into an immutable :class:`Definition`. Every problem is reported
at load time as a :class:`DefinitionError`, so a bad data file fails a test or a deploy instead of
a citizen's conversation.

Questionnaire schema (e.g. ``satark/conversations/questionnaires/tip.v2.json``)::

    {"id": "tip", "version": 2, "languages": ["hi", "en"],
     "max_media": 10, "media_burst_seconds": 60, "notes_min_words": 4,
     "utc_offset_minutes": 330,                          # local time for reading "kal raat"
     "commands": {"cancel"|"restart"|"help"|"language"|"status": [words...]},  # whole message
     "words": {"yes"|"no"|"done"|"skip"|"more"|"back"|"continue"|"unknown"|"edit": [words...]},
     "urgent_words": [phrases...],       # anywhere in a message: "call 112" at once, flag urgent
     "time_words": {"now"|"today"|"yesterday"|"day_before"|"ago"|"daily"|"oclock"|"am"|"pm"|
                    "morning"|"afternoon"|"evening"|"night"|"minute"|"hour"|"day"|"week"|
                    "mon".."sun"|"jan".."dec"|"1".."12": [words...]},   # see timeparse.py
     "steps": [
       {"id": "language", "type": "language", "synonyms": {"hi": [...], "en": [...]}},
       {"id": "category", "type": "choice", "options_from": "categories",   # a choice source
        "prompt": "<key>", "button": "<key>", "display": "auto|buttons|list",
        "synonyms": {"<choice id>": [words...]}, "edit_label": "<key>"},
       {"id": "x", "type": "choice", "prompt": "<key>",
        "when": {"category": ["cow_smuggling"], "<answer key>": [values...]},   # all must hold
        "options": [{"id": "a", "label": "<key>", "description": "<key>", "synonyms": [...]}]},
       {"id": "description", "type": "text", "prompt": "<key>", "prompt_more": "<key {current}>",
        "min_length": 8, "collects_notes": true, "optional": false},
       {"id": "media", "type": "media", "prompt": "<key>", "prompt_more": "<key {count}>"},
       {"id": "place", "type": "location", "prompt": "<key>", "optional": true,
        "options_from": "places", "within": "district", "ignore_words": [words...]},
       {"id": "time", "type": "time", "prompt": "<key>", "prompt_more": "<key>", "optional": true},
       {"id": "confirm", "type": "confirm", "edit": true, "summary": "auto"},
       {"id": "confirm", "type": "confirm", "summary": [
          {"line": "<key {value}>", "answer": "<step id>", "max_length": 300, "optional": false},
          {"line": "<key {value}>", "value": "media_count"}]}]}

Steps run in order; a step with ``when`` is skipped unless every listed answer has one of the
listed values (this is how each category gets its own questions). ``edit_label`` (at most 20
characters) names a step in the edit menu of a confirm step with ``"edit": true`` and in an
``"auto"`` summary, which lists every active step that has one, then the media count.

Answers: a choice step stores the choice id under the step id, a text step the text. A location
step stores ``<id>_lat``, ``<id>_lon``, ``<id>_name`` and ``<id>`` ("lat,lon") for a shared pin,
``<id>_text`` for typed text and ``<id>_place`` (a place id of the ``options_from`` source) when
the typed text was matched and confirmed. A time step stores ``<id>`` (ISO 8601 with the local
offset, or ""), ``<id>_from``/``<id>_to`` for a range, ``<id>_kind`` (exact, approx, recurring,
unknown), ``<id>_text`` (as typed, or the button's title) and ``<id>_daypart`` for a recurring
time of day. Without a confirm step the report is submitted after the last step.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import places as place_matching
from .limits import (
    COMMANDS,
    ENGINE_KEYS,
    ENGINE_PARAMS,
    MAX_CHOICE_DESCRIPTION,
    MAX_CHOICE_LABEL,
    STEP_PARAMS,
    STEP_TYPES,
    WORDS,
    DefinitionError,
)
from .timeparse import TIME_WORDS
from .types import Choice
from .validate import check_flow

AUTO_SUMMARY_MEDIA = "summary_media"  # the media count line of an "auto" summary: {value}


@dataclass(frozen=True)
class SummaryLine:
    """One line of a confirm step's summary: catalogue key ``line`` formatted with ``{value}``."""

    line: str
    answer: str = ""
    value: str = ""  # a computed value instead of an answer: "media_count"
    max_length: int = 0
    optional: bool = False


@dataclass(frozen=True)
class StepDef:
    id: str
    type: str
    prompt: str = ""
    prompt_more: str = ""
    button: str = ""
    source: str = ""
    choices: tuple[Choice, ...] = ()
    display: str = "auto"  # auto | buttons | list
    min_length: int = 1
    collects_notes: bool = False
    optional: bool = False
    summary: tuple[SummaryLine, ...] = ()
    language_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Questionnaire synonyms per choice id: they also count inside a longer message.
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Conditions: answer key -> allowed values; the step is asked only when all hold.
    when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    edit_label: str = ""
    # Confirm steps: an Edit button, and a summary built from the steps' edit labels.
    edit: bool = False
    summary_auto: bool = False
    # Location steps: the answer that limits the places (a district), filler words to ignore,
    # and the places' spellings, folded for approximate matching.
    within: str = ""
    ignore_words: tuple[str, ...] = ()
    place_index: tuple[place_matching.PlaceName, ...] = ()

    def active(self, answers: Mapping[str, str]) -> bool:
        """True when this step's conditions hold for ``answers``."""
        return all(answers.get(key, "") in values for key, values in self.when.items())

    def choice(self, choice_id: str) -> Choice | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None


@dataclass(frozen=True)
class Definition:
    id: str
    version: int
    languages: tuple[str, ...]
    steps: tuple[StepDef, ...]
    catalogues: Mapping[str, Mapping[str, str]]
    commands: Mapping[str, tuple[str, ...]]
    words: Mapping[str, tuple[str, ...]]
    max_media: int = 10
    media_burst_seconds: int = 60
    notes_min_words: int = 4
    urgent_words: tuple[str, ...] = ()
    option_keys: tuple[str, ...] = ()  # catalogue keys of inline option labels and descriptions
    time_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    utc_offset_minutes: int = 0

    def text(self, lang: str, key: str, **params: Any) -> str:
        """The catalogue text ``key`` in ``lang``, formatted with ``params``.

        With ``lang`` empty (language not chosen yet) the texts of all languages are joined,
        one paragraph each, in the definition's language order.
        """
        if not lang:
            parts: list[str] = []
            for language in self.languages:
                part = self.text(language, key, **params)
                if part not in parts:
                    parts.append(part)
            return "\n\n".join(parts)
        if lang not in self.catalogues:
            raise KeyError(f"no catalogue for language {lang!r}")
        template = self.catalogues[lang][key]
        return template.format(**params) if params else template.format()

    def step_def(self, step_id: str) -> StepDef | None:
        for step in self.steps:
            if step.id == step_id:
                return step
        return None

    def index(self, step_id: str) -> int:
        for position, step in enumerate(self.steps):
            if step.id == step_id:
                return position
        return -1

    @property
    def first_step(self) -> StepDef:
        return self.steps[0]

    @property
    def language_step(self) -> StepDef | None:
        for step in self.steps:
            if step.type == "language":
                return step
        return None

    def location_step(self, answers: Mapping[str, str]) -> StepDef | None:
        """The first location step that applies to ``answers`` (where a shared pin is kept)."""
        for step in self.steps:
            if step.type == "location" and step.active(answers):
                return step
        return None

    def catalogue_keys(self) -> frozenset[str]:
        """Every catalogue key this definition uses: the engine's and the steps'."""
        keys = set(ENGINE_KEYS)
        for step in self.steps:
            keys.update(_referenced_keys(step))
        keys.update(self.option_keys)
        return frozenset(keys)

    @property
    def notes_step(self) -> StepDef | None:
        """The text step that collects free text and captions sent before or after it."""
        for step in self.steps:
            if step.collects_notes:
                return step
        return None


def placeholders(template: str) -> frozenset[str]:
    """Names of the ``str.format`` fields in a template."""
    names = set()
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            names.add(name)
    return frozenset(names)


def check_catalogues(catalogues: Mapping[str, Mapping[str, str]], languages: Sequence[str]) -> list[str]:
    """Problems with a set of catalogues: missing languages or keys, differing placeholders."""
    problems: list[str] = []
    for language in languages:
        if language not in catalogues:
            problems.append(f"no catalogue for language {language!r}")
    present = [lang for lang in languages if lang in catalogues]
    all_keys: set[str] = set()
    for lang in present:
        all_keys.update(catalogues[lang])
    for key in sorted(all_keys):
        shapes: dict[str, frozenset[str]] = {}
        for lang in present:
            if key not in catalogues[lang]:
                problems.append(f"catalogue {lang!r} lacks key {key!r}")
                continue
            value = catalogues[lang][key]
            if not isinstance(value, str) or not value.strip():
                problems.append(f"catalogue {lang!r} key {key!r} is empty or not text")
                continue
            try:
                shapes[lang] = placeholders(value)
            except ValueError as exc:
                problems.append(f"catalogue {lang!r} key {key!r}: bad format string ({exc})")
        if len(set(shapes.values())) > 1:
            problems.append(f"catalogue key {key!r} has different placeholders per language: {shapes}")
    return problems


def _words(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(w, str) and w.strip() for w in raw):
        raise DefinitionError(f"{where}: expected a list of non-empty strings")
    return tuple(raw)


def _word_table(raw: Any, names: Iterable[str], where: str) -> dict[str, tuple[str, ...]]:
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{where}: expected an object")
    unknown = set(raw) - set(names)
    if unknown:
        raise DefinitionError(f"{where}: unknown entries {sorted(unknown)}")
    return {name: _words(raw.get(name), f"{where}.{name}") for name in names}


def _check_choice(choice: Choice, languages: Sequence[str], where: str) -> list[str]:
    problems = []
    if not choice.id or "#" in choice.id or ":" in choice.id:
        problems.append(f"{where}: choice id {choice.id!r} must be non-empty without '#' or ':'")
    for lang in languages:
        label = choice.labels.get(lang, "")
        if not label.strip():
            problems.append(f"{where}: choice {choice.id!r} has no {lang!r} label")
        elif len(label) > MAX_CHOICE_LABEL:
            problems.append(
                f"{where}: choice {choice.id!r} {lang!r} label {label!r} is {len(label)} characters;"
                f" at most {MAX_CHOICE_LABEL} (put the rest in descriptions)"
            )
        if len(choice.descriptions.get(lang, "")) > MAX_CHOICE_DESCRIPTION:
            problems.append(
                f"{where}: choice {choice.id!r} {lang!r} description is longer than {MAX_CHOICE_DESCRIPTION}"
            )
    return problems


def validate_choice(choice: Choice, languages: Sequence[str]) -> list[str]:
    """Problems with one reference-data choice (for admin forms): empty list when it is usable."""
    return _check_choice(choice, languages, "choice")


def _inline_choices(
    raw: Any, catalogues: Mapping[str, Mapping[str, str]], languages: Sequence[str], where: str
) -> tuple[tuple[Choice, ...], dict[str, tuple[str, ...]]]:
    if not isinstance(raw, list) or not raw:
        raise DefinitionError(f"{where}.options: expected a non-empty list")
    result = []
    keywords: dict[str, tuple[str, ...]] = {}
    for number, item in enumerate(raw, 1):
        if not isinstance(item, Mapping) or "id" not in item or "label" not in item:
            raise DefinitionError(f"{where}.options[{number}]: needs 'id' and 'label' (a catalogue key)")
        labels = {}
        descriptions = {}
        for lang in languages:
            catalogue = catalogues.get(lang, {})
            if item["label"] not in catalogue:
                raise DefinitionError(f"{where}: catalogue {lang!r} lacks key {item['label']!r}")
            labels[lang] = catalogue[item["label"]]
            if item.get("description"):
                if item["description"] not in catalogue:
                    raise DefinitionError(f"{where}: catalogue {lang!r} lacks key {item['description']!r}")
                descriptions[lang] = catalogue[item["description"]]
        result.append(Choice(id=str(item["id"]), labels=labels, descriptions=descriptions))
        keywords[str(item["id"])] = _words(item.get("synonyms"), f"{where}.options[{number}].synonyms")
    return tuple(result), keywords


def _source_choices(
    step: Mapping[str, Any], choices: Mapping[str, Sequence[Choice]], where: str
) -> tuple[tuple[Choice, ...], dict[str, tuple[str, ...]]]:
    """The caller's choices for a step, and the questionnaire's keywords for them."""
    source = step["options_from"]
    if source not in choices or not choices[source]:
        raise DefinitionError(f"{where}: choice source {source!r} was not supplied or is empty")
    extra = step.get("synonyms") or {}
    if not isinstance(extra, Mapping):
        raise DefinitionError(f"{where}.synonyms: expected an object of choice id -> words")
    result = []
    keywords = {}
    for choice in choices[source]:
        keywords[choice.id] = _words(extra.get(choice.id), f"{where}.synonyms.{choice.id}")
        result.append(
            Choice(
                id=choice.id,
                labels=dict(choice.labels),
                descriptions=dict(choice.descriptions),
                synonyms=tuple(choice.synonyms),
                group=choice.group,
                kind=choice.kind,
            )
        )
    return tuple(result), keywords


def _places(
    raw: Mapping[str, Any], choices: Mapping[str, Sequence[Choice]], languages: Sequence[str], where: str
) -> tuple[Choice, ...]:
    """The places of a location step. Long names are allowed: the engine shortens them in rows."""
    places, _ = _source_choices(raw, choices, where)
    problems = []
    for place in places:
        if not place.id or any(c in place.id for c in ":#"):
            problems.append(f"{where}: place id {place.id!r} must be non-empty without '#' or ':'")
        if not any(place.labels.get(lang, "").strip() for lang in languages):
            problems.append(f"{where}: place {place.id!r} has no label")
    if len({place.id for place in places}) != len(places):
        problems.append(f"{where}: duplicate place ids")
    if problems:
        raise DefinitionError("; ".join(problems))
    return places


def _conditions(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping) or not raw:
        raise DefinitionError(f"{where}.when: expected an object of answer key -> values")
    table = {}
    for key, values in raw.items():
        table[str(key)] = _words(values, f"{where}.when.{key}")
        if not table[str(key)]:
            raise DefinitionError(f"{where}.when.{key}: needs at least one value")
    return table


def _summary(raw: Any, where: str) -> tuple[SummaryLine, ...]:
    if raw == "auto":
        return ()
    if not isinstance(raw, list):
        raise DefinitionError(f"{where}.summary: expected a list")
    lines = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, Mapping) or "line" not in item:
            raise DefinitionError(f"{where}.summary[{number}]: needs 'line' (a catalogue key)")
        if bool(item.get("answer")) == bool(item.get("value")):
            raise DefinitionError(f"{where}.summary[{number}]: give exactly one of 'answer' or 'value'")
        if item.get("value") and item["value"] != "media_count":
            raise DefinitionError(f"{where}.summary[{number}]: unknown value {item['value']!r}")
        lines.append(
            SummaryLine(
                line=str(item["line"]),
                answer=str(item.get("answer", "")),
                value=str(item.get("value", "")),
                max_length=int(item.get("max_length", 0)),
                optional=bool(item.get("optional", False)),
            )
        )
    return tuple(lines)


def _step(
    raw: Any,
    number: int,
    catalogues: Mapping[str, Mapping[str, str]],
    languages: Sequence[str],
    choices: Mapping[str, Sequence[Choice]],
) -> StepDef:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise DefinitionError(f"steps[{number}]: needs a non-empty string 'id'")
    where = f"step {raw['id']!r}"
    kind = raw.get("type")
    if kind not in STEP_TYPES:
        raise DefinitionError(f"{where}: unknown type {kind!r}; expected one of {STEP_TYPES}")
    if any(c in raw["id"] for c in ":#"):
        raise DefinitionError(f"{where}: step ids may not contain ':' or '#'")
    step_choices: tuple[Choice, ...] = ()
    keywords: dict[str, tuple[str, ...]] = {}
    if kind == "choice":
        if ("options_from" in raw) == ("options" in raw):
            raise DefinitionError(f"{where}: give exactly one of 'options_from' or 'options'")
        if "options_from" in raw:
            step_choices, keywords = _source_choices(raw, choices, where)
        else:
            step_choices, keywords = _inline_choices(raw["options"], catalogues, languages, where)
        problems = []
        for choice in step_choices:
            problems.extend(_check_choice(choice, languages, where))
        ids = [choice.id for choice in step_choices]
        if len(set(ids)) != len(ids):
            problems.append(f"{where}: duplicate choice ids")
        if problems:
            raise DefinitionError("; ".join(problems))
    place_index: tuple[place_matching.PlaceName, ...] = ()
    ignore_words = _words(raw.get("ignore_words"), f"{where}.ignore_words")
    if kind == "location" and "options_from" in raw:
        step_choices = _places(raw, choices, languages, where)
        place_index = place_matching.build_index(step_choices, ignore_words)
    display = raw.get("display", "auto")
    if display not in ("auto", "buttons", "list"):
        raise DefinitionError(f"{where}: display must be auto, buttons or list")
    if kind in ("choice", "text", "media", "location", "time") and not raw.get("prompt"):
        raise DefinitionError(f"{where}: needs 'prompt' (a catalogue key)")
    language_words = {}
    if kind == "language":
        table = raw.get("synonyms") or {}
        if not isinstance(table, Mapping):
            raise DefinitionError(f"{where}.synonyms: expected an object of language -> words")
        language_words = {lang: _words(table.get(lang), f"{where}.synonyms.{lang}") for lang in languages}
    return StepDef(
        id=raw["id"],
        type=kind,
        prompt=str(raw.get("prompt", "")),
        prompt_more=str(raw.get("prompt_more", "")),
        button=str(raw.get("button", "")),
        source=str(raw.get("options_from", "")),
        choices=step_choices,
        display=display,
        min_length=int(raw.get("min_length", 1)),
        collects_notes=bool(raw.get("collects_notes", False)),
        optional=bool(raw.get("optional", False)),
        summary=_summary(raw.get("summary", []), where) if kind == "confirm" else (),
        language_words=language_words,
        keywords=keywords,
        when=_conditions(raw.get("when"), where),
        edit_label=str(raw.get("edit_label", "")),
        edit=bool(raw.get("edit", False)) and kind == "confirm",
        summary_auto=kind == "confirm" and raw.get("summary") == "auto",
        within=str(raw.get("within", "")) if kind == "location" else "",
        ignore_words=ignore_words,
        place_index=place_index,
    )


def _referenced_keys(step: StepDef) -> list[str]:
    keys = [k for k in (step.prompt, step.prompt_more, step.button, step.edit_label) if k]
    keys.extend(line.line for line in step.summary)
    if step.summary_auto:
        keys.append(AUTO_SUMMARY_MEDIA)
    return keys


def _check_params(steps: Sequence[StepDef], catalogue: Mapping[str, str]) -> None:
    """Each text the engine formats may use only the fields the engine supplies."""
    allowed: dict[str, frozenset[str]] = {key: frozenset() for key in ENGINE_KEYS}
    allowed.update(ENGINE_PARAMS)
    for step in steps:
        for key in (step.prompt, step.button, step.edit_label):
            if key:
                allowed[key] = frozenset()
        if step.prompt_more:
            allowed[step.prompt_more] = STEP_PARAMS.get((step.type, "prompt_more"), frozenset())
        for line in step.summary:
            allowed[line.line] = STEP_PARAMS[("confirm", "summary")]
        if step.summary_auto:
            allowed[AUTO_SUMMARY_MEDIA] = STEP_PARAMS[("confirm", "summary")]
    for key, fields in allowed.items():
        extra = placeholders(catalogue[key]) - fields
        if extra:
            raise DefinitionError(f"catalogue key {key!r} uses unknown fields {sorted(extra)}")


def load_definition(
    questionnaire: Mapping[str, Any],
    catalogues: Mapping[str, Mapping[str, str]],
    choices: Mapping[str, Sequence[Choice]],
) -> Definition:
    """Build a validated :class:`Definition`; raise :class:`DefinitionError` on any problem."""
    if not isinstance(questionnaire.get("id"), str) or not isinstance(questionnaire.get("version"), int):
        raise DefinitionError("questionnaire needs a string 'id' and an integer 'version'")
    languages = tuple(questionnaire.get("languages") or catalogues.keys())
    if not languages:
        raise DefinitionError("no languages")
    problems = check_catalogues(catalogues, languages)
    if problems:
        raise DefinitionError("; ".join(problems))
    raw_steps = questionnaire.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise DefinitionError("questionnaire needs a non-empty list 'steps'")
    steps = tuple(_step(raw, n, catalogues, languages, choices) for n, raw in enumerate(raw_steps, 1))
    ids = [step.id for step in steps]
    if len(set(ids)) != len(ids):
        raise DefinitionError("duplicate step ids")
    if sum(step.type == "language" for step in steps) > 1:
        raise DefinitionError("at most one language step")
    notes = [step for step in steps if step.collects_notes]
    if len(notes) > 1 or any(step.type != "text" for step in notes):
        raise DefinitionError("at most one step may collect notes, and it must be a text step")
    needed = list(ENGINE_KEYS)
    for step in steps:
        needed.extend(_referenced_keys(step))
    for lang in languages:
        missing = [key for key in needed if key not in catalogues[lang]]
        if missing:
            raise DefinitionError(f"catalogue {lang!r} lacks keys {missing}")
    _check_params(steps, catalogues[languages[0]])
    check_flow(steps, catalogues, languages)
    option_keys: list[str] = []
    for raw in raw_steps:
        for option in raw.get("options") or ():
            option_keys.extend(str(option[k]) for k in ("label", "description") if option.get(k))
    time_words = _word_table(questionnaire.get("time_words"), TIME_WORDS, "time_words")
    return Definition(
        id=questionnaire["id"],
        version=questionnaire["version"],
        languages=languages,
        steps=steps,
        catalogues={lang: dict(catalogues[lang]) for lang in languages},
        commands=_word_table(questionnaire.get("commands"), COMMANDS, "commands"),
        words=_word_table(questionnaire.get("words"), WORDS, "words"),
        max_media=int(questionnaire.get("max_media", 10)),
        media_burst_seconds=int(questionnaire.get("media_burst_seconds", 60)),
        notes_min_words=int(questionnaire.get("notes_min_words", 4)),
        urgent_words=_words(questionnaire.get("urgent_words"), "urgent_words"),
        option_keys=tuple(dict.fromkeys(option_keys)),
        time_words=time_words,
        utc_offset_minutes=int(questionnaire.get("utc_offset_minutes", 0)),
    )
