"""Run the escalation once (what the periodic task does every few minutes), optionally at another moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from satark.escalation.service import escalate_overdue


def parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--now must be an ISO date and time such as 2026-03-01T14:30+05:30, not {text!r}") from exc
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Take the due escalation steps of overdue tips now (each step happens once, however often this runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="the moment to escalate at (ISO 8601; default: the current time)")
        parser.add_argument("--tip", action="append", dest="tips", help="only this tip reference (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_moment(options["now"]) if options["now"] else timezone.now()
        taken = escalate_overdue(now, options["tips"])
        for escalation in taken:
            outcome = "sent" if escalation.sent else f"not sent: {escalation.note}"
            self.stdout.write(f"{escalation.tip.reference} {escalation.stage} ({outcome})")
        self.stdout.write(f"{len(taken)} escalation step(s) taken at {now.isoformat()}")
