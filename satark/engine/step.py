"""The conversation engine: ``step(definition, state, event, now) -> (state, effects)``.

Pure: no I/O, no clock (``now`` is passed in), no randomness. The same inputs always give the
same outputs. A reply that does not fit the current step never raises; it gets a short
re-prompt that repeats the step's question.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from . import matching, render
from .definition import Definition
from .location_step import LocationMixin
from .time_step import TimeMixin
from .turn import LOCATION_ANSWER, MEDIA_KINDS, TurnBase, is_media
from .types import Effect, Event, State, StatusRequest, Text

__all__ = ["LOCATION_ANSWER", "MEDIA_KINDS", "step"]


def step(
    definition: Definition,
    state: State | None,
    event: Event,
    now: datetime,
    hints: Mapping[str, str] | None = None,
) -> tuple[State, tuple[Effect, ...]]:
    """Advance one conversation by one inbound event.

    ``state=None`` (or a finished state, or one from another questionnaire) starts a new
    conversation: whatever the first event is, the answer is the welcome message. ``hints`` (only
    read when a conversation starts) pre-answer the district/place steps from a QR poster.
    """
    if state is None or state.finished or state.questionnaire != definition.id:
        return _Turn.start(definition, event, now, hints)
    if definition.step_def(state.step) is None:
        # The questionnaire changed under a running conversation: begin again politely.
        return _Turn.start(definition, event, now, hints)
    turn = _Turn(definition, state, now)
    turn.handle(event)
    return turn.result()


class _Turn(LocationMixin, TimeMixin, TurnBase):
    """One step of one conversation: dispatch by event kind and step type."""

    @classmethod
    def start(
        cls, definition: Definition, event: Event, now: datetime, hints: Mapping[str, str] | None = None
    ) -> tuple[State, tuple[Effect, ...]]:
        first = definition.first_step
        language = "" if definition.language_step is not None else definition.languages[0]
        state = State(questionnaire=definition.id, version=definition.version, step=first.id, language=language)
        turn = cls(definition, state, now)
        if hints:
            turn.apply_hints(hints)
        turn.check_urgent(event.text)
        if is_media(event):
            turn.collect(event)
            turn.add_note(event.text)
        elif event.kind == "text" and matching.word_count(event.text) >= definition.notes_min_words:
            turn.add_note(event.text)
        if first.type == "language":
            turn.reply(render.language_prompt(definition, welcome=True))
        else:
            turn.prompt()
        return turn.result()

    # ----------------------------------------------------------------------------- dispatch

    def handle(self, event: Event) -> None:
        if event.kind == "text" or is_media(event):
            self.check_urgent(event.text)
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
        elif step.type == "text" and value == "skip" and step.optional:
            self.advance()
        elif step.type == "location":
            self.choice_location(value)
        elif step.type == "time":
            self.choice_time(value)
        elif step.type == "confirm":
            self.choice_confirm(value)
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
        for name in ("cancel", "restart", "help", "language", "status"):
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
        elif command == "status":
            self.effects.append(StatusRequest())
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
                "time": self.text_time,
                "confirm": self.text_confirm,
            }[self.current.type]
            handler(text)

    def restart(self) -> None:
        self.pending = []
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
            self.word(text, "continue", "done", "skip", "yes", "unknown") or matching.as_number(text) == 1
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

    # ----------------------------------------------------------------------------- confirm and edit

    def choice_confirm(self, value: str) -> None:
        if value == "yes":
            self.submit()
        elif value == "no":
            self.cancel()
        elif value == "edit" and self.current.edit:
            self.page = 1
            self.misses = 0
            self.prompt()
        elif value.startswith("edit:") and self.current.edit:
            self.start_edit(value.removeprefix("edit:"))
        else:
            self.miss()

    def text_confirm(self, text: str) -> None:
        step = self.current
        number = matching.as_number(text)
        if self.page == 1 and step.edit:
            editable = self.editable()
            if number is not None and 1 <= number <= len(editable):
                self.start_edit(editable[number - 1].id)
            elif self.word(text, "back", "no"):
                self.page = 0
                self.prompt()
            else:
                self.miss()
            return
        actions = render.confirm_actions(step)
        chosen = actions[number - 1] if number is not None and 1 <= number <= len(actions) else ""
        if self.word(text, "yes") or chosen == "yes":
            self.submit()
        elif self.word(text, "no") or chosen == "no":
            self.cancel()
        elif step.edit and (self.word(text, "edit") or chosen == "edit"):
            self.choice_confirm("edit")
        else:
            self.miss()
