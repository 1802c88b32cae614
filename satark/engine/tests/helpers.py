"""Test helpers: the real questionnaire and catalogues, reference choices that mirror the
production seed data, a tiny conversation driver and a plain-text transcript renderer."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from satark.engine import (
    MAX_BUTTON_BODY,
    MAX_BUTTON_TITLE,
    MAX_LIST_BODY,
    MAX_LIST_BUTTON,
    MAX_LIST_ROWS,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_TITLE,
    MAX_TEXT_BODY,
    Buttons,
    Cancelled,
    Choice,
    CollectMedia,
    Definition,
    Effect,
    Event,
    ListMenu,
    LocationRequest,
    Message,
    Reply,
    State,
    StatusRequest,
    Submit,
    Text,
    load_definition,
    step,
)

CONVERSATIONS = Path(__file__).resolve().parents[2] / "conversations"
QUESTIONNAIRE = CONVERSATIONS / "questionnaires" / "tip.v2.json"
QUESTIONNAIRE_V1 = CONVERSATIONS / "questionnaires" / "tip.v1.json"
CATALOGUES = CONVERSATIONS / "catalogues"
GOLDEN = Path(__file__).resolve().parent / "golden"
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday; 15:00 in India


def _choice(choice_id: str, en: str, hi: str, en_desc: str = "", hi_desc: str = "") -> Choice:
    descriptions = {"en": en_desc, "hi": hi_desc} if en_desc else {}
    return Choice(id=choice_id, labels={"en": en, "hi": hi}, descriptions=descriptions)


# The categories exactly as the Varanasi range's reference data defines them (what citizens see).
_CATEGORY_DATA = json.loads(
    (Path(__file__).resolve().parents[3] / "reference" / "varanasi-range" / "categories.json").read_text("utf-8")
)
CATEGORIES = tuple(
    Choice(
        id=c["code"],
        labels=dict(c["title"]),
        descriptions=dict(c["description"]),
        synonyms=tuple(c.get("synonyms", ())),
    )
    for c in sorted(_CATEGORY_DATA["categories"], key=lambda c: c.get("order", 0))
)

DISTRICTS = (
    _choice("jaunpur", "Jaunpur", "जौनपुर"),
    _choice("ghazipur", "Ghazipur", "गाजीपुर"),
    _choice("chandauli", "Chandauli", "चन्दौली"),
)


def _place(
    place_id: str, kind: str, district: str, en: str, hi: str, *aliases: str, en_desc: str = "", hi_desc: str = ""
) -> Choice:
    """A place as the shell supplies it: id, labels, descriptions, aliases, group (district), kind."""
    district_names = {d.id: d.labels for d in DISTRICTS}[district]
    kinds = {
        "station": ("Police station", "थाना"),
        "tehsil": ("Tehsil", "तहसील"),
        "block": ("Block", "ब्लॉक"),
    }[kind]
    return Choice(
        id=place_id,
        labels={"en": en, "hi": hi},
        descriptions={
            "en": en_desc or f"{kinds[0]}, {district_names['en']}",
            "hi": hi_desc or f"{kinds[1]}, {district_names['hi']}",
        },
        synonyms=aliases,
        group=district,
        kind=kind,
    )


# Police stations (names from reference/varanasi-range/stations.csv) plus a few tehsils and blocks.
PLACES = (
    _place("jaunpur-kotwali", "station", "jaunpur", "Kotwali (Jaunpur city)", "कोतवाली जौनपुर", "Jaunpur Kotwali"),
    _place("jaunpur-badlapur", "station", "jaunpur", "Badlapur", "बदलापुर"),
    _place(
        "jaunpur-madiyahun",
        "station",
        "jaunpur",
        "Madiyahun",
        "मड़ियाहूं",
        "Mariahu",
        "Madiyahu",
        "Mariyahu",
        "मड़ियाहू",
        "मरियाहू",
    ),
    _place("jaunpur-kerakat", "station", "jaunpur", "Kerakat", "केराकत", "Kirakat"),
    _place("jaunpur-shahganj", "station", "jaunpur", "Shahganj", "शाहगंज"),
    _place("jaunpur-machhlishahr", "station", "jaunpur", "Machhlishahr", "मछलीशहर", "Machhali Shahar"),
    _place("jaunpur-rampur", "station", "jaunpur", "Rampur", "रामपुर"),
    _place("ghazipur-kotwali", "station", "ghazipur", "Kotwali (Ghazipur city)", "कोतवाली गाजीपुर"),
    _place("ghazipur-saidpur", "station", "ghazipur", "Saidpur", "सैदपुर"),
    _place("ghazipur-zamania", "station", "ghazipur", "Zamania", "जमानियां", "Jamania"),
    _place("ghazipur-bhudkuda", "station", "ghazipur", "Bhudkuda", "भुड़कुड़ा", "Bhurkura"),
    _place("ghazipur-rampur-majha", "station", "ghazipur", "Rampur Majha", "रामपुर मांझा"),
    _place("chandauli-kotwali", "station", "chandauli", "Kotwali Chandauli", "कोतवाली चंदौली", "Chandauli Sadar"),
    _place(
        "chandauli-mughalsarai",
        "station",
        "chandauli",
        "Kotwali Mughalsarai (Pt. DDU Nagar)",
        "कोतवाली मुगलसराय (पं. दीनदयाल उपाध्याय नगर)",
        "Mughalsarai",
        "Mugalsarai",
        "Mughal Sarai",
        "PDDU Nagar",
        "DDU Nagar",
        "Deen Dayal Upadhyay Nagar",
        "Pandit Deen Dayal Upadhyay Nagar",
        "पीडीडीयू नगर",
        "दीनदयाल नगर",
    ),
    _place("chandauli-chakia", "station", "chandauli", "Chakia", "चकिया"),
    _place("chandauli-saiyadraja", "station", "chandauli", "Saiyadraja", "सैयदराजा", "Saidraja", "Sayyadraja"),
    _place("chandauli-balua", "station", "chandauli", "Balua", "बलुआ"),
    _place("tehsil-mariahu", "tehsil", "jaunpur", "Mariahu", "मड़ियाहूं", "Madiyahun", "Mariahun"),
    _place("tehsil-jakhania", "tehsil", "ghazipur", "Jakhania", "जखनियां", "Jakhaniya"),
    _place("tehsil-sevrai", "tehsil", "ghazipur", "Sevrai", "सेवराई", "Sewrai"),
    _place("block-muftiganj", "block", "jaunpur", "Muftiganj", "मुफ्तीगंज"),
    _place("block-niyamtabad", "block", "chandauli", "Niyamtabad", "नियामताबाद"),
    _place("block-barhani", "block", "chandauli", "Barhani", "बरहनी"),
)

CHOICES: dict[str, Sequence[Choice]] = {"categories": CATEGORIES, "districts": DISTRICTS, "places": PLACES}


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def questionnaire(version: int = 2) -> dict[str, Any]:
    data: dict[str, Any] = read_json(QUESTIONNAIRE if version == 2 else QUESTIONNAIRE_V1)
    return data


def catalogues() -> dict[str, dict[str, str]]:
    return {path.stem: read_json(path) for path in sorted(CATALOGUES.glob("*.json"))}


def definition(choices: Mapping[str, Sequence[Choice]] | None = None) -> Definition:
    """The current questionnaire (v2) with the test reference data."""
    return load_definition(questionnaire(), catalogues(), choices or CHOICES)


def definition_v1(choices: Mapping[str, Sequence[Choice]] | None = None) -> Definition:
    """The first questionnaire, still loadable: conversations begun on it must go on."""
    return load_definition(questionnaire(1), catalogues(), choices or CHOICES)


# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------


def text(body: str) -> Event:
    return Event(kind="text", text=body)


def tap(choice_id: str, title: str = "") -> Event:
    return Event(kind="choice", choice_id=choice_id, choice_title=title)


def pin(latitude: float, longitude: float, name: str = "") -> Event:
    return Event(kind="location", latitude=latitude, longitude=longitude, place_name=name)


def photo(media_id: str, caption: str = "", kind: str = "image", mime: str = "image/jpeg") -> Event:
    return Event(kind="media", media_id=media_id, media_kind=kind, mime_type=mime, text=caption)


# ---------------------------------------------------------------------------------------------
# A conversation driver
# ---------------------------------------------------------------------------------------------


@dataclass
class Chat:
    """Feeds events one by one, with a clock advancing ``gap`` seconds per event."""

    definition: Definition
    state: State | None = None
    now: datetime = T0
    gap: float = 20.0
    log: list[tuple[Event, tuple[Effect, ...]]] = field(default_factory=list)

    def send(self, event: Event, after: float | None = None) -> tuple[Effect, ...]:
        self.now += timedelta(seconds=self.gap if after is None else after)
        self.state, effects = step(self.definition, self.state, event, self.now)
        self.log.append((event, effects))
        for effect in effects:
            if isinstance(effect, Reply):
                check_limits(effect.message)
        # Every state must survive the trip through JSON unchanged.
        assert State.from_json(json.loads(json.dumps(self.state.to_json()))) == self.state
        return effects

    def messages(self, effects: Iterable[Effect]) -> list[Message]:
        return [effect.message for effect in effects if isinstance(effect, Reply)]

    def say(self, event: Event, after: float | None = None) -> list[Message]:
        return self.messages(self.send(event, after))

    @property
    def current(self) -> State:
        assert self.state is not None
        return self.state


def check_limits(message: Message) -> None:
    """Fail when a message breaks a WhatsApp Cloud API limit (characters counted with len())."""
    assert message.body.strip(), message
    if isinstance(message, Text):
        assert len(message.body) <= MAX_TEXT_BODY, message
    elif isinstance(message, LocationRequest):
        assert len(message.body) <= MAX_BUTTON_BODY, message
    elif isinstance(message, Buttons):
        assert len(message.body) <= MAX_BUTTON_BODY, message
        assert 1 <= len(message.options) <= 3, message
        titles = [option.title for option in message.options]
        assert len(set(titles)) == len(titles), message
        for option in message.options:
            assert 1 <= len(option.title) <= MAX_BUTTON_TITLE, option
            assert not option.description, option
    else:
        assert isinstance(message, ListMenu)
        assert len(message.body) <= MAX_LIST_BODY, message
        assert 1 <= len(message.button) <= MAX_LIST_BUTTON, message
        assert 1 <= len(message.options) <= MAX_LIST_ROWS, message
        for option in message.options:
            assert 1 <= len(option.title) <= MAX_ROW_TITLE, option
            assert len(option.description) <= MAX_ROW_DESCRIPTION, option
    if isinstance(message, Buttons | ListMenu):
        ids = [option.id for option in message.options]
        assert len(set(ids)) == len(ids), message
        assert all(0 < len(i) <= 200 for i in ids), message
        assert len(message.header) <= 60 and len(message.footer) <= 60, message


# ---------------------------------------------------------------------------------------------
# Transcripts
# ---------------------------------------------------------------------------------------------


def render_event(event: Event) -> str:
    if event.kind == "text":
        return f">>> text: {event.text}"
    if event.kind == "choice":
        return f">>> tap: [{event.choice_id}] {event.choice_title}".rstrip()
    if event.kind == "media":
        caption = f" caption={event.text!r}" if event.text else ""
        return f">>> {event.media_kind}: {event.media_id}{caption}"
    if event.kind == "location":
        return f">>> location: {event.latitude},{event.longitude} {event.place_name}".rstrip()
    return f">>> {event.kind}"


def _indent(body: str) -> list[str]:
    return ["    | " + line if line else "    |" for line in body.split("\n")]


def render_message(message: Message) -> list[str]:
    if isinstance(message, Text):
        return ["<<< Text", *_indent(message.body)]
    if isinstance(message, LocationRequest):
        return ["<<< LocationRequest", *_indent(message.body)]
    if isinstance(message, Buttons):
        lines = ["<<< Buttons", *_indent(message.body)]
    else:
        lines = [f"<<< ListMenu button={message.button!r}", *_indent(message.body)]
    for option in message.options:
        lines.append(f"    [{option.id}] {option.title}")
        if option.description:
            lines.append(f"        {option.description}")
    return lines


def render_effect(effect: Effect) -> list[str]:
    if isinstance(effect, Reply):
        return render_message(effect.message)
    if isinstance(effect, CollectMedia):
        caption = f" caption={effect.caption!r}" if effect.caption else ""
        return [f"<<< CollectMedia {effect.media_id} {effect.kind} {effect.mime_type}{caption}"]
    if isinstance(effect, StatusRequest):
        return ["<<< StatusRequest"]
    if isinstance(effect, Submit):
        answers = json.dumps(dict(effect.answers), ensure_ascii=False, sort_keys=True)
        return [f"<<< Submit language={effect.language} media={list(effect.media)}", f"    {answers}"]
    assert isinstance(effect, Cancelled)
    return ["<<< Cancelled"]


def transcript(log: Iterable[tuple[Event, tuple[Effect, ...]]]) -> str:
    lines: list[str] = []
    for event, effects in log:
        lines.append(render_event(event))
        for effect in effects:
            lines.extend(render_effect(effect))
        lines.append("")
    return "\n".join(lines)


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>.txt; SATARK_UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("SATARK_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with SATARK_UPDATE_GOLDEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"transcript {name} differs from {path}; review and set SATARK_UPDATE_GOLDEN=1"
