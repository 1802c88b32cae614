"""Embedded default profile: SQLite in WAL mode, SqliteHuey, local media folder, the simulator as Graph API.

Secrets are read from var/env (written once by `manage.py demo` with fresh random keys) when the
environment does not provide them, so a fresh clone runs with no configuration at all.
"""

from __future__ import annotations

import os

from satark.core.localenv import load_local_env

load_local_env()

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

DEBUG = env("SATARK_DEBUG", "0") == "1"
SATARK_GRAPH_API_BASE = os.environ.get("SATARK_GRAPH_API_BASE", "http://127.0.0.1:8001")
