"""`make demo`: migrate, load reference data, create demo accounts, start web + consumer + simulator."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from satark.core.stack import Stack

# Simulator numbers for the offices' duty phones (not real numbers: set only when the simulator runs, which is
# then the only peer; `make run` against a real Graph API never sets them).
DEMO_DUTY_NUMBERS = [
    ("jaunpur", "919000000201"),
    ("ghazipur", "919000000202"),
    ("chandauli", "919000000203"),
    ("range", "919000000299"),
]


class Command(BaseCommand):
    help = "Run the whole product locally on its embedded default, with the WhatsApp simulator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("SATARK_PORT", "8000")))
        parser.add_argument("--sim-port", type=int, default=int(os.environ.get("SATARK_SIM_PORT", "8001")))
        parser.add_argument("--setup-only", action="store_true", help="prepare the database and exit")
        parser.add_argument(
            "--no-simulator",
            action="store_true",
            help="run only the web server and the consumer, against the Graph API the environment names",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0)
        call_command("load_reference")
        if not options["no_simulator"]:
            self.stdout.write("Demo logins (username / password), also in var/demo-logins:")
            call_command("create_demo_users")
            # Duty phones of the offices, for escalations (play them as phones in the simulator too).
            self.stdout.write("Demo duty numbers (overdue tips are escalated to these):")
            for office, number in DEMO_DUTY_NUMBERS:
                call_command("set_duty_number", office, number, verbosity=0)
                self.stdout.write(f"  +{number}  {'DIG range office' if office == 'range' else 'SP office ' + office}")
        if options["setup_only"]:
            return
        if not options["no_simulator"]:
            # A few months of generated tips for the dashboards, once (skipped when generated data exists; not
            # with --setup-only, which the browser tests use and which must start empty).
            call_command("generate_demo_data", "--if-empty", "--tips", "1500", "--days", "120")

        def interrupt(signum: int, _frame: object) -> None:
            raise KeyboardInterrupt

        # A terminal closing or `kill` must stop the children too, not leave them running.
        signal.signal(signal.SIGTERM, interrupt)
        signal.signal(signal.SIGHUP, interrupt)
        env = dict(os.environ)
        if not options["no_simulator"]:
            # In the demo the reporter's notice leaves within a minute (in service: 20-180 minutes at
            # random, so its timing cannot be matched to a raid); set the variables to see the real delay.
            env.setdefault("SATARK_NOTICE_DELAY_MIN_MINUTES", "0")
            env.setdefault("SATARK_NOTICE_DELAY_MAX_MINUTES", "1")
        stack = Stack(
            env=env,
            web_port=options["port"],
            sim_port=options["sim_port"],
            log_dir=settings.VAR_DIR / "logs",
            with_simulator=not options["no_simulator"],
        )
        stack.start()
        if options["no_simulator"]:
            self.stdout.write(
                f"\nSatark Mitra is running without the simulator:\n"
                f"  Webhook:   {stack.web_url}/webhooks/whatsapp/\n"
                f"  Dashboard: {stack.web_url}/dashboard/\n"
                f"  Graph API: {settings.SATARK_GRAPH_API_BASE}/{settings.SATARK_GRAPH_API_VERSION}\n"
                f"  Logs: {settings.VAR_DIR / 'logs'}\nPress Ctrl-C to stop.\n"
            )
        else:
            self.stdout.write(
                "\nSatark Mitra is running (embedded: SQLite, SqliteHuey, local media):\n"
                f"  WhatsApp simulator (be a citizen or an officer):  {stack.sim_url}/\n"
                f"  Police dashboard (log in with a demo account):   {stack.web_url}/dashboard/\n"
                f"  Webhook the simulator posts to:                  {stack.web_url}/webhooks/whatsapp/\n"
                f"  Logs: {settings.VAR_DIR / 'logs'}\n"
                "Press Ctrl-C to stop.\n"
            )
        try:
            while all(p.poll() is None for p in stack.procs):
                time.sleep(0.5)
            self.stderr.write("a child process stopped; see the logs. Shutting down.")
        except KeyboardInterrupt:
            pass
        finally:
            stack.stop()
