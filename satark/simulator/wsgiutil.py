"""Tiny request/response helpers on top of raw WSGI (standard library only)."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

MAX_BODY = 120 * 1024 * 1024  # a bit above Meta's 100 MB media limit

JSONDict = dict[str, Any]


class BadRequest(Exception):
    """Raised by handlers of the control plane for malformed requests."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Request:
        headers: dict[str, str] = {}
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                headers[key[5:].replace("_", "-").lower()] = value
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = b""
        if 0 < length <= MAX_BODY:
            body = environ["wsgi.input"].read(length)
        # PATH_INFO is decoded by the server as latin-1; restore UTF-8.
        raw_path = environ.get("PATH_INFO", "/") or "/"
        try:
            path = raw_path.encode("latin-1").decode("utf-8")
        except UnicodeError:
            path = raw_path
        parsed = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        query = {k: v[-1] for k, v in parsed.items()}
        return cls(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=path,
            query=query,
            headers=headers,
            body=body,
        )

    def json(self) -> Any:
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))

    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)

    def status_line(self) -> str:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Unknown"
        return f"{self.status} {phrase}"

    def header_list(self) -> list[tuple[str, str]]:
        headers = [("Content-Type", self.content_type), ("Content-Length", str(len(self.body)))]
        headers.append(("Cache-Control", "no-store"))
        return headers + self.headers

    def iter_body(self) -> Iterable[bytes]:
        return [self.body]


def json_response(obj: Any, status: int = 200) -> Response:
    body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return Response(status=status, body=body, content_type="application/json; charset=utf-8")


def fbtrace_id() -> str:
    return "A" + secrets.token_urlsafe(16)[:22]


def graph_error(
    code: int,
    message: str,
    details: str | None = None,
    *,
    status: int = 400,
    error_type: str = "OAuthException",
    subcode: int | None = None,
    prefix: bool = True,
) -> Response:
    """Meta's error envelope (see reference doc section 2.12)."""
    error: JSONDict = {
        "message": f"(#{code}) {message}" if prefix else message,
        "type": error_type,
        "code": code,
    }
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    if subcode is not None:
        error["error_subcode"] = subcode
    error["fbtrace_id"] = fbtrace_id()
    return json_response({"error": error}, status=status)


def unknown_object(object_id: str, method: str) -> Response:
    verb = {"GET": "get", "POST": "post", "DELETE": "delete"}.get(method, method.lower())
    message = (
        f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read "
        "the Graph API documentation at https://developers.facebook.com/docs/graph-api"
    )
    return graph_error(100, message, status=400, error_type="GraphMethodException", subcode=33, prefix=False)


def auth_error() -> Response:
    return graph_error(
        190,
        "Invalid OAuth access token - Cannot parse access token",
        status=401,
        prefix=False,
    )


_LONG_DIGITS = re.compile(r"\d{6,}")


def redact(text: str) -> str:
    """Remove anything that could be a phone number (runs of 6+ digits)."""
    return _LONG_DIGITS.sub("<n>", text)
