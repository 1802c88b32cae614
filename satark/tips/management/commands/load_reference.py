"""(Re)load a region's reference data: range, districts with boundaries, circles, stations, categories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from satark.geography.loading import ReferenceDataError, load_geography
from satark.tips.loading import load_categories


class Command(BaseCommand):
    help = "Load or reload reference data from reference/<region>/ (or --dir for another range or state)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", default=settings.SATARK_REGION, help="folder name under reference/")
        parser.add_argument("--dir", default="", help="path to a region folder with range.json")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["dir"]) if options["dir"] else Path(settings.SATARK_REFERENCE_DIR) / options["region"]
        if not (folder / "range.json").exists():
            raise CommandError(f"{folder} has no range.json")
        try:
            report = load_geography(folder)
            categories = load_categories(folder)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"loaded {report.districts} districts, {report.circles} new circles, {report.stations} stations "
            f"({report.deactivated} deactivated), {categories} categories from {folder}"
        )
