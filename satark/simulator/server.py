"""Run the simulator on a threaded stdlib WSGI server.

``python -m satark.simulator --help`` lists the flags; each defaults to an environment
variable (see ``main``). One log line per request goes to stderr, without phone numbers.
"""

from __future__ import annotations

import argparse
import logging
import os
import socketserver
import sys
import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from .app import SimulatorApp, make_app
from .config import SimulatorConfig
from .wsgiutil import redact

logger = logging.getLogger("satark.simulator")


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    simulator_app: SimulatorApp | None = None

    def shutdown_simulator(self) -> None:
        """Stop serving, close the socket and stop the webhook dispatcher."""
        self.shutdown()
        self.server_close()
        if self.simulator_app is not None:
            self.simulator_app.close()


class QuietHandler(WSGIRequestHandler):
    """The app logs requests itself; the handler only reports protocol errors, redacted."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return

    def log_message(self, format: str, *args: Any) -> None:
        logger.warning("http: %s", redact(format % args))


def serve(
    config: SimulatorConfig, host: str = "127.0.0.1", port: int = 8001, *, log_polls: bool = False
) -> tuple[ThreadingWSGIServer, threading.Thread]:
    """Start the simulator in a daemon thread; returns once the socket is listening.

    Port 0 picks a free port. When ``config.public_base_url`` is empty it becomes
    ``http://{host}:{actual port}``. Stop with ``server.shutdown_simulator()``.
    The app is available as ``server.simulator_app`` (state: ``.simulator``).
    """
    server = ThreadingWSGIServer((host, port), QuietHandler)
    actual_port = server.server_address[1]
    if not config.public_base_url:
        config = replace(config, public_base_url=f"http://{host}:{actual_port}")
    app = make_app(config, log_polls=log_polls)
    server.set_app(app)
    server.simulator_app = app
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="sim-http", daemon=True)
    thread.start()
    return server, thread


def build_parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m satark.simulator", description="WhatsApp Cloud API simulator")
    parser.add_argument("--host", default=env("SATARK_SIM_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("SATARK_SIM_PORT", "8001")))
    parser.add_argument(
        "--webhook-url",
        default=env("SATARK_SIM_WEBHOOK_URL", "http://127.0.0.1:8000/webhooks/whatsapp/"),
    )
    parser.add_argument("--app-secret", default=env("SATARK_WHATSAPP_APP_SECRET", ""))
    parser.add_argument("--verify-token", default=env("SATARK_WHATSAPP_VERIFY_TOKEN", ""))
    parser.add_argument("--access-token", default=env("SATARK_WHATSAPP_TOKEN", ""))
    parser.add_argument(
        "--phone-number-id",
        default=env("SATARK_WHATSAPP_PHONE_NUMBER_ID", SimulatorConfig.phone_number_id),
    )
    parser.add_argument(
        "--public-base-url",
        default=env("SATARK_SIM_PUBLIC_BASE_URL", ""),
        help="base URL used in media URLs (default http://HOST:PORT)",
    )
    parser.add_argument("--log-polls", action="store_true", help="also log the page's polling requests")
    parser.add_argument(
        "--lax-templates",
        action="store_true",
        default=env("SATARK_SIM_STRICT_TEMPLATES", "1").lower() in ("0", "false", "no"),
        help="accept any well-formed template send (default: the template must exist and be APPROVED)",
    )
    parser.add_argument(
        "--template-approval-delay",
        type=float,
        default=float(env("SATARK_SIM_TEMPLATE_APPROVAL_DELAY", "0")),
        help="seconds before a created template is APPROVED",
    )
    parser.add_argument(
        "--webhook-workers",
        type=int,
        default=int(env("SATARK_SIM_WEBHOOK_WORKERS", str(SimulatorConfig.webhook_workers))),
        help="threads delivering webhooks concurrently (per phone, order is kept)",
    )
    parser.add_argument(
        "--pair-rate-burst",
        type=int,
        default=int(env("SATARK_SIM_PAIR_RATE_BURST", str(SimulatorConfig.pair_rate_burst))),
        help="sends to one user allowed in a burst before 131056 (0 disables the pair rate limit)",
    )
    parser.add_argument(
        "--pair-rate-interval",
        type=float,
        default=float(env("SATARK_SIM_PAIR_RATE_INTERVAL", str(SimulatorConfig.pair_rate_interval))),
        help="seconds per regained send of the pair rate limit",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s sim %(message)s")
    missing = [
        flag
        for flag, value in (
            ("--app-secret", args.app_secret),
            ("--access-token", args.access_token),
        )
        if not value
    ]
    if missing:
        logger.warning("no value for %s: webhooks/auth will use an empty secret", ", ".join(missing))
    config = SimulatorConfig(
        webhook_url=args.webhook_url,
        app_secret=args.app_secret,
        verify_token=args.verify_token,
        access_token=args.access_token,
        phone_number_id=args.phone_number_id,
        public_base_url=args.public_base_url,
        strict_templates=not args.lax_templates,
        template_approval_delay=args.template_approval_delay,
        webhook_workers=args.webhook_workers,
        pair_rate_burst=args.pair_rate_burst,
        pair_rate_interval=args.pair_rate_interval,
    )
    server, thread = serve(config, host=args.host, port=args.port, log_polls=args.log_polls)
    host, port = server.server_address[0], server.server_address[1]
    logger.info("WhatsApp simulator on http://%s:%s/ (webhooks -> %s)", host, port, args.webhook_url)
    try:
        thread.join()
    except KeyboardInterrupt:
        logger.info("stopping")
    finally:
        server.shutdown_simulator()
    return 0
