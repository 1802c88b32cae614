"""The conversation engine: ``step(definition, state, event, now) -> (state, effects)``.

Pure: no I/O, no clock (``now`` is passed in), no randomness. The same inputs always give the
same outputs. A reply that does not fit the current step never raises; it gets a short
re-prompt that repeats the step's question.
"""

from __future__ import annotations

from datetime import datetime

from . import matching, render
from .definition import Definition, StepDef
from .types import (
    CANCELLED,
    SUBMITTED,
    Cancelled,
    CollectMedia,
    Effect,
    Event,
    Message,
    Reply,
    State,
    Submit,
    Text,
)

MEDIA_KINDS = ("image", "video", "audio", "document")
FLAG_DOCUMENT_WARNED = "document_warned"
LOCATION_ANSWER = "location"


def step(definition: Definition, state: State | None, event: Event, now: datetime) -> tuple[State, tuple[Effect, ...]]:
    """Advance one conversation by one inbound event.

    ``state=None`` (or a finished state, or one from another questionnaire) starts a new
    conversation: whatever the first event is, the answer is the welcome message.
    """
    if state is None or state.finished or state.questionnaire != definition.id:
        return _Turn.start(definition, event, now)
    if definition.step_def(state.step) is None:
        # The questionnaire changed under a running conversation: begin again politely.
        return _Turn.start(definition, event, now)
    turn = _Turn(definition, state, now)
    turn.handle(event)
    return turn.result()


class _Turn:
    """Mutable scratch space for computing one step; produces an immutable State at the end."""

    def __init__(self, definition: Definition, state: State, now: datetime) -> None:
        self.d = definition
        self.now = now
        self.step_id = state.step
        # A language that is no longer offered falls back to "not chosen" (bilingual texts).
        self.language = state.language if state.language in definition.languages else ""
        self.answers = dict(state.answers)
        self.media = list(state.media)
        self.page = state.page
        self.return_to = state.return_to
        self.status = state.status
        self.last_media_at = state.last_media_at
        self.misses = state.misses
        self.flags = list(state.flags)
        self.effects: list[Effect] = []

    # ----------------------------------------------------------------------------- plumbing

    @classmethod
    def start(cls, definition: Definition, event: Event, now: datetime) -> tuple[State, tuple[Effect, ...]]:
        first = definition.first_step
        language = "" if definition.language_step is not None else definition.languages[0]
        state = State(questionnaire=definition.id, version=definition.version, step=first.id, language=language)
        turn = cls(definition, state, now)
        if _is_media(event):
            turn.collect(event)
            turn.add_note(event.text)
        elif event.kind == "text" and matching.word_count(event.text) >= definition.notes_min_words:
            turn.add_note(event.text)
        if first.type == "language":
            turn.reply(render.language_prompt(definition, welcome=True))
        else:
            turn.prompt()
        return turn.result()

    def result(self) -> tuple[State, tuple[Effect, ...]]:
        state = State(
            questionnaire=self.d.id,
            version=self.d.version,
            step=self.step_id,
            language=self.language,
            answers=tuple(sorted(self.answers.items())),
            media=tuple(self.media),
            page=self.page,
            return_to=self.return_to,
            status=self.status,
            last_media_at=self.last_media_at,
            misses=self.misses,
            flags=tuple(self.flags),
        )
        return state, tuple(self.effects)

    @property
    def current(self) -> StepDef:
        found = self.d.step_def(self.step_id)
        assert found is not None  # checked in step()
        return found

    def t(self, key: str, **params: object) -> str:
        return self.d.text(self.language, key, **params)

    def reply(self, *messages: Message) -> None:
        self.effects.extend(Reply(message) for message in messages)

    def prompt(self, prefix: str = "") -> None:
        """Ask the current step's question, optionally after a short note."""
        self.reply(*render.with_prefix(prefix, self.question()))

    def question(self) -> Message:
        step = self.current
        lang = self.language
        if step.type == "language":
            return render.language_prompt(self.d, welcome=False)
        if step.type == "choice":
            return render.choice_prompt(self.d, step, lang, self.page)
        if step.type == "text":
            current = self.answers.get(step.id, "") if step.collects_notes else ""
            return render.text_prompt(self.d, step, lang, current)
        if step.type == "media":
            return render.media_prompt(self.d, step, lang, len(self.media))
        if step.type == "location":
            return render.location_prompt(self.d, step, lang)
        return render.confirm_prompt(self.d, step, lang, self.answers, len(self.media))

    def miss(self, note: str = "") -> None:
        """The reply did not fit: say so briefly and ask again."""
        self.misses += 1
        parts = [note or self.t("not_understood")]
        if self.misses >= 2:
            parts.append(self.t("help_hint"))
        self.prompt("\n".join(parts))

    def goto(self, step_id: str) -> None:
        self.step_id = step_id
        self.page = 0
        self.misses = 0
        self.prompt()

    def advance(self) -> None:
        """Move to the next step (or back to where a language change interrupted) and ask it."""
        self.misses = 0
        if self.return_to and self.d.step_def(self.return_to) is not None:
            target, self.return_to = self.return_to, ""
            self.goto(target)
            return
        position = self.d.index(self.step_id) + 1
        if position >= len(self.d.steps):
            self.submit()
            return
        self.goto(self.d.steps[position].id)

    def submit(self) -> None:
        self.status = SUBMITTED
        answers = dict(sorted(self.answers.items()))
        self.effects.append(Submit(answers=answers, media=tuple(self.media), language=self.language))

    def cancel(self) -> None:
        self.status = CANCELLED
        self.effects.append(Cancelled())
        self.reply(Text(body=self.t("cancelled")))

    def add_note(self, text: str) -> bool:
        """Add free text to the notes answer (the description). False when there is none."""
        notes = self.d.notes_step
        text = text.strip()
        if notes is None or not text:
            return False
        existing = self.answers.get(notes.id, "")
        if text in existing:
            return True
        self.answers[notes.id] = f"{existing}\n{text}" if existing else text
        return True

    # ----------------------------------------------------------------------------- media

    def burst_continues(self) -> bool:
        """True when the previous media item came less than the burst window ago."""
        previous = self.last_media_at
        self.last_media_at = self.now.isoformat()
        if not previous:
            return False
        try:
            gap = (self.now - datetime.fromisoformat(previous)).total_seconds()
        except (TypeError, ValueError):
            return False
        return 0 <= gap <= self.d.media_burst_seconds

    def collect(self, event: Event) -> tuple[bool, bool, str]:
        """Keep a media item. Returns (kept, quiet inside a burst, note to show)."""
        quiet = self.burst_continues()
        if len(self.media) >= self.d.max_media:
            return False, quiet, self.t("media_limit", limit=self.d.max_media)
        self.media.append(event.media_id)
        self.effects.append(
            CollectMedia(
                media_id=event.media_id,
                kind=event.media_kind,
                mime_type=event.mime_type,
                caption=event.text,
            )
        )
        note = ""
        if event.media_kind == "document" and FLAG_DOCUMENT_WARNED not in self.flags:
            self.flags.append(FLAG_DOCUMENT_WARNED)
            note = self.t("media_document_warning")
        return True, quiet, note

    def on_media(self, event: Event) -> None:
        kept, quiet, note = self.collect(event)
        step = self.current
        caption = event.text.strip()
        if not kept:
            if not quiet:
                self.prompt(note)
            return
        if caption:
            self.add_note(caption)
            if step.type == "text" and step.collects_notes:
                if note:
                    self.reply(Text(body=note))
                self.advance()
                return
        if quiet and not note:
            return
        if step.type == "media":
            self.prompt(note)
        else:
            self.prompt("\n".join(part for part in (self.t("media_saved"), note) if part))

    # ----------------------------------------------------------------------------- dispatch

    def handle(self, event: Event) -> None:
        if event.kind == "sticker" or (event.kind == "media" and event.media_kind == "sticker"):
            self.prompt(self.t("sticker"))
        elif event.kind == "media" and event.media_id and event.media_kind in MEDIA_KINDS:
            self.on_media(event)
        elif event.kind == "contacts":
            self.prompt(self.t("contacts"))
        elif event.kind == "location":
            self.on_location(event)
        elif event.kind == "choice":
            self.on_choice(event)
        elif event.kind == "text":
            self.on_text(event)
        else:  # reaction, unsupported, anything new
            self.prompt(self.t("unsupported"))

    def on_location(self, event: Event) -> None:
        if event.latitude is None or event.longitude is None:
            self.miss()
            return
        key = self.step_id if self.current.type == "location" else LOCATION_ANSWER
        self.answers[key] = f"{event.latitude:.6f},{event.longitude:.6f}"
        if event.place_name.strip():
            self.answers[f"{key}_name"] = event.place_name.strip()
        if self.current.type == "location":
            self.advance()
        else:
            self.prompt(self.t("location_received"))

    def on_choice(self, event: Event) -> None:
        choice_id = event.choice_id
        if choice_id.startswith("lang:"):
            self.choose_language(choice_id.removeprefix("lang:"))
            return
        step = self.current
        prefix = f"{step.id}:"
        if choice_id.startswith(f"{step.id}#page"):
            self.turn_page(choice_id.removeprefix(f"{step.id}#page"))
            return
        if not choice_id.startswith(prefix):
            self.miss()
            return
        value = choice_id.removeprefix(prefix)
        if step.type == "choice" and step.choice(value) is not None:
            self.answers[step.id] = value
            self.advance()
        elif step.type == "media" and value in ("done", "skip"):
            self.advance()
        elif step.type == "text" and value == "continue" and (self.answers.get(step.id) or step.optional):
            self.advance()
        elif step.type == "location" and value == "skip" and step.optional:
            self.advance()
        elif step.type == "confirm" and value == "yes":
            self.submit()
        elif step.type == "confirm" and value == "no":
            self.cancel()
        else:
            self.miss()

    def turn_page(self, raw: str) -> None:
        step = self.current
        count = len(render.pages(len(step.choices)))
        if step.type != "choice" or not raw.isdecimal() or int(raw) >= count:
            self.miss()
            return
        self.page = int(raw)
        self.prompt()

    def choose_language(self, code: str) -> None:
        if code not in self.d.languages:
            self.miss()
            return
        self.language = code
        if self.current.type == "language":
            self.advance()
        else:
            self.prompt()

    # ----------------------------------------------------------------------------- typed text

    def command(self, text: str) -> str:
        for name in ("cancel", "restart", "help", "language"):
            if matching.is_word(text, self.d.commands.get(name, ())):
                return name
        return ""

    def word(self, text: str, *names: str) -> bool:
        return any(matching.is_word(text, self.d.words.get(name, ())) for name in names)

    def on_text(self, event: Event) -> None:
        text = event.text
        command = self.command(text)
        if command == "cancel":
            self.cancel()
        elif command == "restart":
            self.restart()
        elif command == "help":
            self.reply(Text(body=self.t("help")))
            self.prompt()
        elif command == "language" and self.d.language_step is not None:
            if self.current.type != "language":
                self.return_to = self.step_id
            self.step_id = self.d.language_step.id
            self.page = 0
            self.prompt()
        else:
            handler = {
                "language": self.text_language,
                "choice": self.text_choice,
                "text": self.text_text,
                "media": self.text_media,
                "location": self.text_location,
                "confirm": self.text_confirm,
            }[self.current.type]
            handler(text)

    def restart(self) -> None:
        self.answers.clear()
        self.media.clear()
        self.return_to = ""
        self.last_media_at = ""
        self.flags.clear()
        self.misses = 0
        self.page = 0
        self.step_id = self.d.first_step.id
        if self.d.first_step.type == "language":
            self.language = ""
            self.reply(render.language_prompt(self.d, welcome=True))
        else:
            self.prompt()

    def note_or_miss(self, text: str) -> None:
        """Unfitting text: keep it as a note when it reads like a description, then ask again."""
        if matching.word_count(text) >= self.d.notes_min_words and self.add_note(text):
            self.misses += 1
            self.prompt(self.t("noted"))
        else:
            self.miss()

    def text_language(self, text: str) -> None:
        languages = self.d.languages
        number = matching.as_number(text)
        if number is not None and 1 <= number <= len(languages):
            self.choose_language(languages[number - 1])
            return
        step = self.current
        candidates = [
            (lang, [self.d.text(lang, "language_name"), lang], list(step.language_words.get(lang, ())))
            for lang in languages
        ]
        found, exact = matching.find(text, candidates)
        if found and exact:
            self.choose_language(found)
        else:
            self.note_or_miss(text)

    def text_choice(self, text: str) -> None:
        step = self.current
        number = matching.as_number(text)
        if number is not None:
            if 1 <= number <= len(step.choices):
                self.answers[step.id] = step.choices[number - 1].id
                self.advance()
            else:
                self.miss()
            return
        slices = render.pages(len(step.choices))
        if len(slices) > 1 and not render.uses_buttons(step):
            if self.word(text, "more") and self.page < len(slices) - 1:
                self.page += 1
                self.prompt()
                return
            if self.word(text, "back") and self.page > 0:
                self.page -= 1
                self.prompt()
                return
        candidates = []
        for choice in step.choices:
            # Labels and the caller's synonyms must be the whole message; the questionnaire's
            # curated keywords may also appear inside a sentence.
            names: list[str] = [choice.id, *choice.synonyms]
            for label in choice.labels.values():
                names.extend(matching.label_names(label))
            candidates.append((choice.id, names, list(step.keywords.get(choice.id, ()))))
        found, exact = matching.find(text, candidates)
        if found:
            if not exact and matching.word_count(text) >= self.d.notes_min_words:
                self.add_note(text)
            self.answers[step.id] = found
            self.advance()
        else:
            self.note_or_miss(text)

    def text_text(self, text: str) -> None:
        step = self.current
        has_answer = bool(self.answers.get(step.id))
        if (has_answer or step.optional) and (
            self.word(text, "continue", "done", "skip", "yes") or matching.as_number(text) == 1
        ):
            self.advance()
            return
        if len(matching.normalize(text)) < step.min_length:
            self.misses += 1
            self.prompt(self.t("text_too_short"))
            return
        if step.collects_notes:
            self.add_note(text)
        else:
            self.answers[step.id] = text.strip()
        self.advance()

    def text_media(self, text: str) -> None:
        if self.word(text, "done", "skip", "continue", "yes") or matching.as_number(text) == 1:
            self.advance()
            return
        notes = self.d.notes_step
        if notes is not None and len(matching.normalize(text)) >= notes.min_length and self.add_note(text):
            self.prompt(self.t("noted"))
        else:
            self.miss()

    def text_location(self, text: str) -> None:
        step = self.current
        if step.optional and self.word(text, "skip", "done", "continue"):
            self.advance()
        elif len(matching.normalize(text)) >= step.min_length:
            self.answers[f"{step.id}_text"] = text.strip()
            self.advance()
        else:
            self.miss()

    def text_confirm(self, text: str) -> None:
        number = matching.as_number(text)
        if self.word(text, "yes") or number == 1:
            self.submit()
        elif self.word(text, "no") or number == 2:
            self.cancel()
        else:
            self.miss()


def _is_media(event: Event) -> bool:
    return event.kind == "media" and bool(event.media_id) and event.media_kind in MEDIA_KINDS
