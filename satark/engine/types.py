"""Value types of the conversation engine: inbound events, outbound messages, effects and state.

Everything here is a frozen dataclass built from standard-library types only, so the shell
(``satark.conversations``) can construct events and interpret effects without knowing how the
engine works inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# --------------------------------------------------------------------------------------------
# Reference data supplied by the caller
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One button or list row of an outbound message. ``id`` comes back in ``Event.choice_id``."""

    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Choice:
    """One answer offered by a choice step, from a named choice source (e.g. categories, districts).

    ``labels`` are short titles per language (at most ``MAX_CHOICE_LABEL`` characters, so that a
    list row can carry its number: "10. <label>" fits WhatsApp's 24-character row title and the
    bare label fits a 20-character reply button). ``descriptions`` are optional longer texts per
    language (at most 72 characters), shown under the title in list menus. ``synonyms`` are extra
    words that select this choice when typed as the whole message (any language, any script);
    keywords that may also appear inside a sentence belong in the questionnaire's step
    ``synonyms``, which are curated to avoid everyday words.

    For a location step's places, ``synonyms`` are the other spellings of the place in any script
    ("Mariahu", "Madiyahun", and the Devanagari spelling); they are also matched approximately.
    """

    id: str
    labels: Mapping[str, str]
    descriptions: Mapping[str, str] = field(default_factory=dict)
    synonyms: tuple[str, ...] = ()
    # Places only (the "places" source of a location step): the group the place belongs to
    # (the district code, compared with the step's ``within`` answer) and what it is
    # ("station", "tehsil", "block", ...). Both are optional and ignored by choice steps.
    group: str = ""
    kind: str = ""

    def label(self, language: str) -> str:
        """The label in ``language``, falling back to any label that exists."""
        if language in self.labels:
            return self.labels[language]
        return next(iter(self.labels.values()), self.id)

    def description(self, language: str) -> str:
        return self.descriptions.get(language, "")


# --------------------------------------------------------------------------------------------
# Outbound messages (channel-neutral)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    body: str


@dataclass(frozen=True)
class Buttons:
    """Reply buttons: 1..3 options, titles at most 20 characters, body at most 1024."""

    body: str
    options: tuple[Option, ...]
    header: str = ""
    footer: str = ""


@dataclass(frozen=True)
class ListMenu:
    """A list message: 1..10 rows, titles at most 24, descriptions at most 72, body at most 4096."""

    body: str
    button: str
    options: tuple[Option, ...]
    header: str = ""
    footer: str = ""


@dataclass(frozen=True)
class LocationRequest:
    body: str


Message = Text | Buttons | ListMenu | LocationRequest

# --------------------------------------------------------------------------------------------
# Effects returned by step()
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """Send this message to the reporter."""

    message: Message


@dataclass(frozen=True)
class CollectMedia:
    """Fetch and keep this media item (the caller downloads it; WhatsApp media URLs expire)."""

    media_id: str
    kind: str
    mime_type: str
    caption: str = ""


@dataclass(frozen=True)
class Submit:
    """The reporter confirmed: create the tip. ``media`` are media ids collected and kept."""

    answers: Mapping[str, str]
    media: tuple[str, ...]
    language: str


@dataclass(frozen=True)
class Cancelled:
    """The reporter cancelled; nothing is to be submitted. Any collected media may be discarded."""


@dataclass(frozen=True)
class StatusRequest:
    """The reporter asked for the status of their tips: the shell answers with the reporter's own
    tips (reference and status). The engine repeats the current question right after this effect,
    so the shell should send its answer before the following replies."""


Effect = Reply | CollectMedia | Submit | Cancelled | StatusRequest

# --------------------------------------------------------------------------------------------
# Inbound events
# --------------------------------------------------------------------------------------------

EVENT_KINDS = ("text", "choice", "location", "media", "sticker", "reaction", "contacts", "unsupported")


@dataclass(frozen=True)
class Event:
    """One inbound message, already translated from the channel's wire format.

    ``kind`` is one of ``EVENT_KINDS``. For media, ``text`` carries the caption and
    ``media_kind`` is one of image, video, audio, document, sticker.
    """

    kind: str
    text: str = ""
    choice_id: str = ""
    choice_title: str = ""
    latitude: float | None = None
    longitude: float | None = None
    place_name: str = ""
    media_id: str = ""
    media_kind: str = ""
    mime_type: str = ""
    prefill: Mapping[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Conversation state
# --------------------------------------------------------------------------------------------

ACTIVE = "active"
SUBMITTED = "submitted"
CANCELLED = "cancelled"
STATE_SCHEMA = 1


@dataclass(frozen=True)
class State:
    """The whole memory of one conversation. Immutable; ``step()`` returns a new one.

    ``answers`` is kept as sorted (key, value) pairs so that equal states compare and serialise
    identically. ``last_media_at`` is the ISO-8601 time of the previous media item (for
    acknowledging a burst of photos once). ``return_to`` is the step to resume after the language
    was changed mid-conversation. ``misses`` counts consecutive replies that did not fit the step.

    ``page`` is the list page of a choice step; other step types use it for a sub-question:
    a location step confirming a match (1), a time step waiting for a typed time (1), a confirm
    step showing the edit menu (1). ``pending`` holds the place ids offered by a location step.
    ``flags`` are small markers: "editing" while an answer is changed from the confirm step.
    """

    questionnaire: str
    version: int
    step: str
    language: str = ""
    answers: tuple[tuple[str, str], ...] = ()
    media: tuple[str, ...] = ()
    page: int = 0
    return_to: str = ""
    status: str = ACTIVE
    last_media_at: str = ""
    misses: int = 0
    flags: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()

    @property
    def finished(self) -> bool:
        return self.status in (SUBMITTED, CANCELLED)

    @property
    def answer_map(self) -> dict[str, str]:
        return dict(self.answers)

    def answer(self, key: str) -> str:
        return self.answer_map.get(key, "")

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": STATE_SCHEMA,
            "questionnaire": self.questionnaire,
            "version": self.version,
            "step": self.step,
            "language": self.language,
            "answers": {key: value for key, value in self.answers},
            "media": list(self.media),
            "page": self.page,
            "return_to": self.return_to,
            "status": self.status,
            "last_media_at": self.last_media_at,
            "misses": self.misses,
            "flags": list(self.flags),
            "pending": list(self.pending),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> State:
        answers = data.get("answers") or {}
        return cls(
            questionnaire=str(data.get("questionnaire", "")),
            version=int(data.get("version", 0)),
            step=str(data.get("step", "")),
            language=str(data.get("language", "")),
            answers=tuple(sorted((str(k), str(v)) for k, v in dict(answers).items())),
            media=tuple(str(m) for m in data.get("media") or ()),
            page=int(data.get("page", 0)),
            return_to=str(data.get("return_to", "")),
            status=str(data.get("status", ACTIVE)),
            last_media_at=str(data.get("last_media_at", "")),
            misses=int(data.get("misses", 0)),
            flags=tuple(str(f) for f in data.get("flags") or ()),
            pending=tuple(str(p) for p in data.get("pending") or ()),
        )
