"""The bare baseline endpoint: checks X-Hub-Signature-256 over the raw body and answers 200.
No Django, no database: the ceiling any webhook implementation on this machine is measured against."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Iterable
from typing import Any

SECRET = os.environ.get("SATARK_WHATSAPP_APP_SECRET", "").encode()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, environ.get("HTTP_X_HUB_SIGNATURE_256", "")):
        start_response("403 Forbidden", [("Content-Type", "text/plain")])
        return [b"bad signature"]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"received": 1}']
