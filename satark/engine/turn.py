"""The scratch space of one ``step()`` call: state fields, prompting, the flow between steps, media.

:class:`TurnBase` holds what every step type needs; the step types' handlers are mixins
(``location_step``, ``time_step``) combined with the dispatch in ``step.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from . import matching, render
from .definition import Definition, StepDef
from .types import CANCELLED, SUBMITTED, Cancelled, CollectMedia, Effect, Event, Message, Reply, State, Submit, Text

MEDIA_KINDS = ("image", "video", "audio", "document")
FLAG_DOCUMENT_WARNED = "document_warned"
FLAG_EDITING = "editing"  # an answer is being changed from the confirm step
PREFILLED_PREFIX = "prefilled:"  # a step answered from a QR poster's prefilled text (skipped, editable)
EDITED_PREFIX = "edited:"  # steps answered again during this edit
LOCATION_ANSWER = "location"  # where a pin is kept when the questionnaire has no location step
URGENT_ANSWER = "urgent"
# Answer keys a step stores besides its own id.
DERIVED_KEYS = {
    "location": ("lat", "lon", "name", "text", "place"),
    "time": ("from", "to", "kind", "text", "daypart"),
}


class TurnBase:
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
        self.pending = list(state.pending)
        self.effects: list[Effect] = []

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
            pending=tuple(self.pending),
        )
        return state, tuple(self.effects)

    @property
    def current(self) -> StepDef:
        found = self.d.step_def(self.step_id)
        assert found is not None  # checked in step()
        return found

    def t(self, key: str, **params: object) -> str:
        return self.d.text(self.language, key, **params)

    def word(self, text: str, *names: str) -> bool:
        return any(matching.is_word(text, self.d.words.get(name, ())) for name in names)

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
            return render.location_prompt(self.d, step, lang, self.pending)
        if step.type == "time":
            return render.time_prompt(self.d, step, lang, earlier=self.page == 1)
        self.prune()
        if self.page == 1 and step.edit:
            return render.edit_menu(self.d, step, lang, self.editable())
        return render.confirm_prompt(self.d, step, lang, self.answers, len(self.media))

    def miss(self, note: str = "") -> None:
        """The reply did not fit: say so briefly and ask again."""
        self.misses += 1
        parts = [note or self.t("not_understood")]
        if self.misses >= 2:
            parts.append(self.t("help_hint"))
        self.prompt("\n".join(parts))

    def goto(self, step_id: str, prefix: str = "") -> None:
        self.step_id = step_id
        self.page = 0
        self.misses = 0
        self.pending = []
        self.prompt(prefix)

    # ----------------------------------------------------------------------------- the flow

    def keys_of(self, step: StepDef) -> list[str]:
        """The answer keys a step has stored."""
        derived = tuple(f"{step.id}_{suffix}" for suffix in DERIVED_KEYS.get(step.type, ()))
        return [key for key in self.answers if key == step.id or key in derived]

    def answered(self, step: StepDef) -> bool:
        return bool(self.keys_of(step))

    def next_step(self, after: str) -> StepDef | None:
        """The next step that applies to the answers so far (skipping a place already pinned)."""
        for step in self.d.steps[self.d.index(after) + 1 :]:
            if not step.active(self.answers):
                continue
            if step.type == "location" and f"{step.id}_lat" in self.answers and FLAG_EDITING not in self.flags:
                continue
            if f"{PREFILLED_PREFIX}{step.id}" in self.flags and self.answered(step) and FLAG_EDITING not in self.flags:
                continue
            return step
        return None

    def advance(self, prefix: str = "") -> None:
        """Move to the next step (or back to where a language change or an edit began) and ask it."""
        self.misses = 0
        self.pending = []
        if self.return_to and self.d.step_def(self.return_to) is not None:
            target, self.return_to = self.return_to, ""
            self.goto(target, prefix)
            return
        if FLAG_EDITING in self.flags:
            self.continue_edit(prefix)
            return
        following = self.next_step(self.step_id)
        if following is None:
            self.submit()
            return
        self.goto(following.id, prefix)

    def apply_hints(self, hints: Mapping[str, str]) -> None:
        """Pre-answer the district and place steps from a QR poster (``{"district": code, "station": code}``).
        Only ids the steps actually offer are taken; the steps are then skipped but stay editable at the
        confirmation, and a place in another district than the hint's wins, as when typed."""
        for step in self.d.steps:
            if step.type == "choice" and step.id in hints and step.choice(hints[step.id]) is not None:
                self.answers[step.id] = hints[step.id]
                self.flags.append(f"{PREFILLED_PREFIX}{step.id}")
            elif step.type == "location" and hints.get("station"):
                place = step.choice(hints["station"])
                if place is None:
                    continue
                self.answers[f"{step.id}_place"] = place.id
                if step.within and place.group:
                    self.answers[step.within] = place.group
                    self.flags.append(f"{PREFILLED_PREFIX}{step.within}")
                self.flags.append(f"{PREFILLED_PREFIX}{step.id}")

    def confirm_step(self) -> StepDef | None:
        return next((step for step in self.d.steps if step.type == "confirm"), None)

    def editable(self) -> list[StepDef]:
        """The steps offered in the edit menu: those with an edit label that apply now."""
        return [step for step in self.d.steps if step.edit_label and step.active(self.answers)]

    def start_edit(self, step_id: str) -> None:
        target = self.d.step_def(step_id)
        if target is None or target not in self.editable():
            self.miss()
            return
        self.flags = [f for f in self.flags if not f.startswith(EDITED_PREFIX) and f != FLAG_EDITING]
        self.flags.append(FLAG_EDITING)
        self.goto(target.id)

    def continue_edit(self, prefix: str) -> None:
        """After an edited answer: ask the questions it newly brings in, then the summary again."""
        edited = {f.removeprefix(EDITED_PREFIX) for f in self.flags if f.startswith(EDITED_PREFIX)}
        edited.add(self.step_id)
        self.flags.append(EDITED_PREFIX + self.step_id)
        confirm = self.confirm_step()
        end = self.d.index(confirm.id) if confirm is not None else len(self.d.steps)
        for step in self.d.steps[self.d.index(self.step_id) + 1 : end]:
            depends = any(key == e or key.startswith(f"{e}_") for key in step.when for e in edited)
            if depends and step.active(self.answers) and not self.answered(step):
                self.goto(step.id, prefix)
                return
        self.flags = [f for f in self.flags if not f.startswith(EDITED_PREFIX) and f != FLAG_EDITING]
        if confirm is None:
            self.submit()
        else:
            self.goto(confirm.id, prefix)

    def prune(self) -> None:
        """Forget the answers of steps that no longer apply (the category was changed)."""
        for step in self.d.steps:
            if step.when and not step.active(self.answers):
                for key in self.keys_of(step):
                    del self.answers[key]

    def submit(self) -> None:
        self.prune()
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

    def check_urgent(self, text: str) -> None:
        """Urgent words anywhere in a message: tell them to call 112 at once; the tip goes on."""
        if text and matching.contains_any(text, self.d.urgent_words):
            self.answers[URGENT_ANSWER] = "yes"
            self.reply(Text(body=self.t("urgent_112")))
            if matching.word_count(text) >= self.d.notes_min_words:
                self.add_note(text)

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


def is_media(event: Event) -> bool:
    return event.kind == "media" and bool(event.media_id) and event.media_kind in MEDIA_KINDS
