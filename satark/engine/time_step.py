"""The time step: quick buttons (now, today, earlier) or a time in natural words.

A typed time is read by ``timeparse.parse_time``; when nothing can be read the words are kept as
typed (``<id>_kind`` "unknown") and the conversation goes on.
"""

from __future__ import annotations

from datetime import datetime, time

from . import matching
from .timeparse import APPROX, EXACT, RECURRING, UNKNOWN, When, local_time, parse_time
from .turn import DERIVED_KEYS, TurnBase

QUICK = ("now", "today", "earlier")


def iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


class TimeMixin(TurnBase):
    def local_now(self) -> datetime:
        return local_time(self.now, self.d.utc_offset_minutes)

    def store_time(self, when: When, text: str) -> None:
        step = self.current
        for suffix in DERIVED_KEYS["time"]:
            self.answers.pop(f"{step.id}_{suffix}", None)
        self.answers[step.id] = iso(when.start)
        if when.end is not None:
            self.answers[f"{step.id}_from"] = iso(when.start)
            self.answers[f"{step.id}_to"] = iso(when.end)
        self.answers[f"{step.id}_kind"] = when.kind
        self.answers[f"{step.id}_text"] = text.strip()
        if when.kind == RECURRING and when.daypart:
            self.answers[f"{step.id}_daypart"] = when.daypart

    def quick_time(self, value: str) -> None:
        local = self.local_now()
        if value == "now":
            self.store_time(When(EXACT, start=local), self.t("time_now"))
            self.advance()
        elif value == "today":
            midnight = datetime.combine(local.date(), time(), local.tzinfo)
            self.store_time(When(APPROX, start=midnight, end=local), self.t("time_today"))
            self.advance()
        else:
            self.page = 1
            self.misses = 0
            self.prompt()

    def choice_time(self, value: str) -> None:
        if value in QUICK:
            self.quick_time(value)
        elif value == "skip":
            self.advance()
        else:
            self.miss()

    def text_time(self, text: str) -> None:
        number = matching.as_number(text)
        if self.page == 0 and number is not None:
            if 1 <= number <= len(QUICK):
                self.quick_time(QUICK[number - 1])
            else:
                self.miss()
            return
        if self.word(text, "skip", "unknown"):
            self.store_time(When(UNKNOWN), "")
            self.advance()
            return
        when = parse_time(text, self.now, self.d.time_words, self.d.utc_offset_minutes)
        if when.kind == UNKNOWN and self.word(text, "yes", "no", "done", "back", "continue"):
            self.miss()  # a yes/no meant for another question says nothing about when
            return
        self.store_time(when, text)
        self.advance(self.t("noted") if when.kind == UNKNOWN else "")
