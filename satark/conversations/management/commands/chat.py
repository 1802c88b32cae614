"""`manage.py chat`: talk to the bot as a citizen in a terminal, for people working on questionnaires.

It runs the same engine and the same questionnaire and catalogues as WhatsApp, with the reference data in
the database, but sends nothing and stores nothing. Type text as a citizen would; a number picks the
numbered button or row; `/photo`, `/video`, `/voice`, `/doc` send a pretend attachment; `/pin LAT LON`
sends a location pin; `/sticker`; `/quit`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from itertools import count
from typing import Any, TextIO

from django.core.management.base import BaseCommand

from satark.conversations.definitions import get_definition
from satark.engine import Buttons, Event, ListMenu, LocationRequest, Message, Option, Reply, State, Text, step

MEDIA = {
    "/photo": ("image", "image/jpeg"),
    "/video": ("video", "video/mp4"),
    "/voice": ("audio", "audio/ogg"),
    "/doc": ("document", "application/pdf"),
}


def show(message: Message, out: TextIO) -> list[Option]:
    """Print a bot message; return its options (buttons or rows) in the order they are numbered."""
    options: list[Option] = []
    if isinstance(message, Text):
        out.write(f"\nबॉट/bot: {message.body}\n")
    elif isinstance(message, Buttons | ListMenu):
        if message.header:
            out.write(f"\n== {message.header} ==")
        out.write(f"\nबॉट/bot: {message.body}\n")
        if isinstance(message, ListMenu):
            out.write(f"  [{message.button}]\n")
        options = list(message.options)
        for n, option in enumerate(options, start=1):
            extra = f" — {option.description}" if option.description else ""
            out.write(f"  {n}) {option.title}{extra}\n")
        if message.footer:
            out.write(f"  ({message.footer})\n")
    elif isinstance(message, LocationRequest):
        out.write(f"\nबॉट/bot: {message.body}\n  [send a pin with: /pin 25.58 83.58]\n")
    return options


def to_event(line: str, options: list[Option], media_ids: Any) -> Event | None:
    text = line.strip()
    if text in MEDIA:
        kind, mime = MEDIA[text]
        return Event(kind="media", media_id=f"console-{next(media_ids)}", media_kind=kind, mime_type=mime)
    if text == "/sticker":
        return Event(
            kind="sticker", media_id=f"console-{next(media_ids)}", media_kind="sticker", mime_type="image/webp"
        )
    if text.startswith("/pin"):
        parts = text.split()
        try:
            return Event(kind="location", latitude=float(parts[1]), longitude=float(parts[2]))
        except (IndexError, ValueError):
            return None
    if text.isdigit() and options and 1 <= int(text) <= len(options):
        chosen = options[int(text) - 1]
        return Event(kind="choice", choice_id=chosen.id, choice_title=chosen.title)
    return Event(kind="text", text=text)


class Command(BaseCommand):
    help = "Talk to the bot as a citizen in the terminal (nothing is sent or stored)."

    def handle(self, *args: Any, **options: Any) -> None:
        out: Any = self.stdout
        stdin: TextIO = sys.stdin
        definition = get_definition()
        state: State | None = None
        choices: list[Option] = []
        media_ids = count(1)
        out.write("Satark Mitra console. Type as a citizen would; /quit to leave.\n")
        while True:
            out.write("\nआप/you> ")
            out.flush()
            line = stdin.readline()
            if not line or line.strip() == "/quit":
                return
            event = to_event(line, choices, media_ids)
            if event is None:
                out.write("  (could not read that command)\n")
                continue
            state, effects = step(definition, state, event, datetime.now(UTC))
            for effect in effects:
                if isinstance(effect, Reply):
                    shown = show(effect.message, out)
                    if shown:
                        choices = shown
                else:
                    out.write(f"  [{type(effect).__name__}: {effect}]\n")
            if state.finished:
                out.write(f"\n(conversation {state.status}; answers: {dict(state.answers)})\n")
                state = None
