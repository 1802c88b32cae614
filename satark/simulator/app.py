"""WSGI entry point of the WhatsApp Cloud API simulator.

``make_app(config)`` returns a WSGI callable; its ``simulator`` attribute is the
:class:`Simulator` holding all state. Routes:

- ``/v{N}.{M}/...``, ``/_media/{token}`` and ``/_qr/{code}.svg|png``: the fake Graph API
  (``graph.py``, ``graph_manage.py``)
- ``/_sim/api/...``: control-plane JSON API (``control.py``)
- ``/``, ``/_sim/static/...``, ``/_sim/media/{id}``: the browser page (``ui.py``)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from .config import SimulatorConfig
from .control import ControlAPI
from .graph import GraphAPI, is_graph_path
from .state import Simulator
from .ui import UI, is_ui_path
from .wsgiutil import Request, Response, json_response, redact

logger = logging.getLogger("satark.simulator")

StartResponse = Callable[..., Any]
QUIET_PATHS = ("/_sim/api/wait", "/_sim/api/idle", "/_sim/api/deliveries", "/_sim/api/phones")


class SimulatorApp:
    """The WSGI application. ``log_polls`` also logs the page's 1-second polling."""

    def __init__(self, config: SimulatorConfig, *, log_polls: bool = False) -> None:
        self.config = config
        self.simulator = Simulator(config)
        self.graph = GraphAPI(self.simulator)
        self.control = ControlAPI(self.simulator)
        self.ui = UI(self.simulator)
        self.log_polls = log_polls

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/_sim/api/"):
            return self.control.handle(request)
        if is_graph_path(path):
            return self.graph.handle(request)
        if is_ui_path(path):
            return self.ui.handle(request)
        return json_response({"error": "not found"}, status=404)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.monotonic()
        request = Request.from_environ(environ)
        try:
            response = self.dispatch(request)
        except Exception:
            logger.exception("internal error in %s %s", request.method, redact(request.path))
            response = json_response({"error": "internal simulator error"}, status=500)
        self._log(request, response, time.monotonic() - started)
        start_response(response.status_line(), response.header_list())
        if request.method == "HEAD":
            return [b""]
        return response.iter_body()

    def _log(self, request: Request, response: Response, elapsed: float) -> None:
        quiet = (
            request.method == "GET"
            and response.status == 200
            and (request.path.startswith(QUIET_PATHS) or request.path.startswith("/_sim/media/"))
        )
        if quiet and not self.log_polls:
            return
        # Only the path (never the query) and with digit runs masked: no phone numbers.
        logger.info(
            "%s %s -> %d (%.0f ms)",
            request.method,
            redact(request.path),
            response.status,
            elapsed * 1000,
        )

    def close(self) -> None:
        self.simulator.close()


def make_app(config: SimulatorConfig, *, log_polls: bool = False) -> SimulatorApp:
    return SimulatorApp(config, log_polls=log_polls)


__all__ = ["Simulator", "SimulatorApp", "SimulatorConfig", "make_app"]
