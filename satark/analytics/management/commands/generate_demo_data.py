"""`manage.py generate_demo_data`: months of realistic generated tips for the dashboards (see
satark/analytics/demodata.py). Deterministic for a given --seed, --days, --tips and --until."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from satark.analytics import demodata


def _until(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--until: not an ISO date or date-time: {value!r}") from exc
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Create generated demo tips (marked answers.demo=1) across every station and category; --clear removes them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tips", type=int, default=5000, help="number of tips (default 5,000)")
        parser.add_argument("--days", type=int, default=120, help="the window before --until (default 120 days)")
        parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
        parser.add_argument("--until", type=_until, default=None,
                            help="end of the window, ISO date or date-time (default: now)")
        parser.add_argument("--clear", action="store_true", help="remove the generated data and exit")
        parser.add_argument("--replace", action="store_true", help="remove the generated data, then generate")
        parser.add_argument("--if-empty", action="store_true",
                            help="generate only when no generated data exists (for `make demo`)")

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write if options["verbosity"] > 0 else None
        if options["clear"] or options["replace"]:
            started = time.monotonic()
            cleared = demodata.clear()
            if say:
                say(f"removed {cleared.tips:,} generated tips, {cleared.events:,} audit events, "
                    f"{cleared.officers} demo officers in {time.monotonic() - started:.1f} s")
            if not cleared.chain_intact:
                self.stderr.write("audit events were recorded after the generated ones: verify_chain() now reports "
                                  "the gap where the generated events were (demo databases only)")
            if options["clear"]:
                return
        if demodata.has_demo_data():
            if options["if_empty"]:
                if say:
                    say("generated demo data already present: nothing to do")
                return
            raise CommandError("generated demo data already exists: use --replace (or --clear first)")
        if options["tips"] < 1 or options["days"] < 1:
            raise CommandError("--tips and --days must be positive")
        started = time.monotonic()
        try:
            result = demodata.generate(demodata.Options(
                tips=options["tips"], days=options["days"], seed=options["seed"], until=options["until"],
                progress=say if options["tips"] >= 50_000 else None,
            ))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if say:
            statuses = ", ".join(f"{k} {v:,}" for k, v in sorted(result.by_status.items()))
            say(f"generated {result.tips:,} demo tips over {options['days']} days ({statuses}), "
                f"{result.events:,} audit events, {result.reports:,} action reports, {result.officers} inactive demo "
                f"officers in {time.monotonic() - started:.1f} s")
