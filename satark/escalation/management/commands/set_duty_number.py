"""Set an office's WhatsApp duty number (kept in the identity vault, like officers' numbers)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from satark.escalation.duty import DutyNumberError, clear_duty_number, find_office, set_duty_number


class Command(BaseCommand):
    help = (
        "Set the WhatsApp duty number that receives escalations: an SP office by district code "
        "(e.g. ghazipur), the DIG office by range code or the word 'range'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("office", help="district code (SP office), or range code / 'range' (DIG office)")
        parser.add_argument("number", nargs="?", help="a 10-digit Indian mobile number, with or without +91")
        parser.add_argument("--language", default="hi", choices=["hi", "en"], help="language of its messages")
        parser.add_argument("--clear", action="store_true", help="remove the office's duty number")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            office = find_office(options["office"])
            if options["clear"]:
                cleared = clear_duty_number(office, actor="manage.py set_duty_number")
                self.stdout.write(f"{office}: duty number {'removed' if cleared else 'was not set'}")
                return
            if not options["number"]:
                raise CommandError("give the number, or --clear")
            duty = set_duty_number(
                office, options["number"], language=options["language"], actor="manage.py set_duty_number"
            )
        except DutyNumberError as exc:
            raise CommandError(str(exc)) from exc
        # The number itself is not printed back: it is in the vault now.
        self.stdout.write(f"{duty.office_label('en')}: duty number set ({duty.language})")
