"""Test profile. SATARK_TEST_DB=sqlite (embedded path) or postgres (production path on 127.0.0.1:5432)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import database_from_url, huey_from_url

_TMP = Path(tempfile.mkdtemp(prefix="satark-test-"))
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
DEBUG = False
if os.environ.get("SATARK_TEST_DB", "sqlite") == "postgres":
    DATABASES = {"default": database_from_url("postgres://postgres@127.0.0.1:5432/test")}
    # Production path: Redis-backed queue, but tasks run in-process here so unit tests stay deterministic;
    # the end-to-end tests run a real consumer against Redis.
    HUEY = huey_from_url("redis://127.0.0.1:6379/15", immediate=True)
else:
    DATABASES = {"default": database_from_url(f"sqlite:///{_TMP / 'test.sqlite3'}")}
    # A real file in WAL mode, as in the embedded profile (not Django's default shared in-memory database).
    DATABASES["default"]["TEST"] = {"NAME": str(_TMP / "test-db.sqlite3")}
    HUEY = huey_from_url(f"sqlite:///{_TMP / 'huey.sqlite3'}", immediate=True)
MEDIA_ROOT = _TMP / "media"
SATARK_VAULT_KEYS = ["Cu-NAefTgtYxBtZvfAZIUgOmw7enEIMkQX_BcqQ7LSA="]
SATARK_PSEUDONYM_KEY = "test-pseudonym-key"
SATARK_GRAPH_API_BASE = "http://127.0.0.1:9"
SATARK_WHATSAPP_TOKEN = "test-token"  # noqa: S105
SATARK_WHATSAPP_PHONE_NUMBER_ID = "106540352242922"
SATARK_WHATSAPP_APP_SECRET = "test-app-secret"  # noqa: S105
SATARK_WHATSAPP_VERIFY_TOKEN = "test-verify-token"  # noqa: S105
# Unit tests run inside a transaction per test: store in the request's own thread there.
SATARK_GROUP_COMMIT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
