"""The location step: a WhatsApp pin, or a typed place matched to a station, tehsil or block.

A typed place is matched approximately (see ``places.py``) against the step's places, those of
the district already answered first. One clear match is offered alone ("Is it Madiyahun?"
yes/no); several close ones are offered as a list of up to three, with "None of these". Nothing
is ever a dead end: a place that is not found, or not confirmed, is kept as typed.
"""

from __future__ import annotations

from . import matching
from .places import find_places
from .turn import LOCATION_ANSWER, TurnBase
from .types import Event

PIN_KEYS = ("lat", "lon", "name")
TYPED_KEYS = ("text", "place")


class LocationMixin(TurnBase):
    def on_location(self, event: Event) -> None:
        if event.latitude is None or event.longitude is None:
            self.miss()
            return
        at_step = self.current.type == "location"
        step = self.current if at_step else self.d.location_step(self.answers)
        key = step.id if step is not None else LOCATION_ANSWER
        self.answers[key] = f"{event.latitude:.6f},{event.longitude:.6f}"
        if step is not None:
            self.clear(key, (*TYPED_KEYS, "name"))
            self.answers[f"{key}_lat"] = f"{event.latitude:.6f}"
            self.answers[f"{key}_lon"] = f"{event.longitude:.6f}"
        if event.place_name.strip():
            self.answers[f"{key}_name"] = event.place_name.strip()
        if at_step:
            self.advance()
        else:
            self.prompt(self.t("location_received"))

    def clear(self, key: str, suffixes: tuple[str, ...]) -> None:
        for suffix in suffixes:
            self.answers.pop(f"{key}_{suffix}", None)

    def choice_location(self, value: str) -> None:
        step = self.current
        if value == "skip" and step.optional:
            self.advance()
        elif value == "yes" and len(self.pending) == 1:
            self.accept_place(self.pending[0])
        elif value in ("no", "none") and self.pending:
            self.advance(self.t("place_not_found"))
        elif value.startswith("pick:") and value.removeprefix("pick:") in self.pending:
            self.accept_place(value.removeprefix("pick:"))
        else:
            self.miss()

    def text_location(self, text: str) -> None:
        step = self.current
        number = matching.as_number(text)
        if len(self.pending) == 1:
            if self.word(text, "yes") or number == 1:
                self.accept_place(self.pending[0])
                return
            if self.word(text, "no") or number == 2:
                self.advance(self.t("place_not_found"))
                return
        elif self.pending:
            if number is not None and 1 <= number <= len(self.pending):
                self.accept_place(self.pending[number - 1])
                return
            if self.word(text, "no") or number == len(self.pending) + 1:
                self.advance(self.t("place_not_found"))
                return
        if self.word(text, "skip", "unknown", "done", "continue") and (step.optional or self.pending):
            self.advance()
            return
        if number is not None or len(matching.normalize(text)) < max(step.min_length, 2):
            self.miss()
            return
        self.answers.pop(step.id, None)
        self.clear(step.id, PIN_KEYS + TYPED_KEYS)
        self.answers[f"{step.id}_text"] = text.strip()
        if not step.place_index:
            self.advance()
            return
        group = self.answers.get(step.within, "") if step.within else ""
        found, confident = find_places(step.place_index, text, step.ignore_words, group)
        if not found:
            self.advance(self.t("place_not_found"))
            return
        self.pending = list(found[:1]) if confident else list(found)
        self.page = 1
        self.misses = 0
        self.prompt()

    def accept_place(self, place_id: str) -> None:
        step = self.current
        place = step.choice(place_id)
        if place is None:
            self.miss()
            return
        self.answers[f"{step.id}_place"] = place.id
        if step.within and place.group and self.answers.get(step.within) != place.group:
            # The reporter confirmed a place in another district: the place wins.
            self.answers[step.within] = place.group
        self.advance()
