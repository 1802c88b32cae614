"""`manage.py import_officers roster.csv` — load or update an office's field officers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from satark.people.roster import COLUMNS, RosterError, import_roster


class Command(BaseCommand):
    help = f"Import officers from a CSV with the columns: {', '.join(COLUMNS)}. Nothing is imported if a row is bad."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("roster", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["roster"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            created, updated = import_roster(path)
        except RosterError as exc:
            raise CommandError(f"nothing was imported; fix these rows:\n{exc}") from exc
        self.stdout.write(f"{created} officers added, {updated} updated")
