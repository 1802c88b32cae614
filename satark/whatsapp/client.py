"""A thin WhatsApp Cloud API client on httpx. Base URL, version and token come from settings, so the
same code talks to graph.facebook.com or to any faithful fake of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from satark.messaging.types import SendError

# Meta's error codes, by what the sender should do (see docs/whatsapp.md).
THROTTLE = {4, 80007, 130429, 131048, 131056}
RETRYABLE = {1, 2, 131000, 131016, 131057, 133004}
REENGAGE = {131047}


def classify(code: int) -> tuple[bool, float]:
    """(retryable, minimum delay in seconds)."""
    if code in THROTTLE:
        return True, 30.0
    if code in RETRYABLE:
        return True, 5.0
    return False, 0.0


@dataclass
class GraphClient:
    base: str
    version: str
    token: str
    phone_number_id: str
    timeout: float = 15.0
    transport: httpx.BaseTransport | None = None

    @classmethod
    def from_settings(cls) -> GraphClient:
        return cls(
            base=settings.SATARK_GRAPH_API_BASE.rstrip("/"),
            version=settings.SATARK_GRAPH_API_VERSION,
            token=settings.SATARK_WHATSAPP_TOKEN,
            phone_number_id=settings.SATARK_WHATSAPP_PHONE_NUMBER_ID,
            timeout=settings.SATARK_GRAPH_TIMEOUT_SECONDS,
        )

    def _client(self) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.base}/{self.version}",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=self.timeout,
            transport=self.transport,
        )

    @staticmethod
    def _raise_for(response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        try:
            error = response.json().get("error") or {}
        except ValueError:
            error = {}
        code = int(error.get("code") or 0)
        retryable, delay = classify(code)
        if not code and response.status_code >= 500:
            retryable, delay = True, 5.0
        retry_after = response.headers.get("Retry-After")
        if retry_after and retry_after.isdigit():
            delay = max(delay, float(retry_after))
        raise SendError(
            f"Graph API {response.status_code} code {code}: {error.get('message', '')[:200]}",
            code=code,
            retryable=retryable,
            retry_after=delay,
        )

    def send_message(self, body: dict[str, Any]) -> str:
        try:
            with self._client() as client:
                response = client.post(f"/{self.phone_number_id}/messages", json=body)
        except httpx.HTTPError as exc:
            raise SendError(f"network error: {type(exc).__name__}", retryable=True, retry_after=5.0) from exc
        self._raise_for(response)
        try:
            data = response.json()
        except ValueError as exc:
            raise SendError("Graph API answered 200 without JSON", retryable=True, retry_after=5.0) from exc
        messages = data.get("messages") or [] if isinstance(data, dict) else []
        if not messages or not messages[0].get("id"):
            raise SendError("Graph API answered without a message id", retryable=True, retry_after=5.0)
        return str(messages[0]["id"])

    def mark_read(self, message_id: str, typing: bool = False) -> None:
        body: dict[str, Any] = {"messaging_product": "whatsapp", "status": "read", "message_id": message_id}
        if typing:
            body["typing_indicator"] = {"type": "text"}
        try:
            with self._client() as client:
                response = client.post(f"/{self.phone_number_id}/messages", json=body)
        except httpx.HTTPError as exc:
            raise SendError(f"network error: {type(exc).__name__}", retryable=True, retry_after=5.0) from exc
        self._raise_for(response)

    def media_info(self, media_id: str) -> dict[str, Any]:
        try:
            with self._client() as client:
                response = client.get(f"/{media_id}", params={"phone_number_id": self.phone_number_id})
        except httpx.HTTPError as exc:
            raise SendError(f"network error: {type(exc).__name__}", retryable=True, retry_after=5.0) from exc
        self._raise_for(response)
        info: dict[str, Any] = response.json()
        return info

    def download(self, url: str, max_bytes: int) -> tuple[bytes, str]:
        """Second hop of a media download: the short-lived URL, with the bearer token, size-capped."""
        try:
            with (
                httpx.Client(timeout=self.timeout, transport=self.transport) as client,
                client.stream("GET", url, headers={"Authorization": f"Bearer {self.token}"}) as response,
            ):
                if response.status_code >= 400:
                    response.read()
                    self._raise_for(response)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise MediaTooLarge(f"media of {declared} bytes is over the {max_bytes}-byte cap")
                chunks = []
                total = 0
                for chunk in response.iter_bytes():
                    total += len(chunk)
                    if total > max_bytes:
                        raise MediaTooLarge(f"media larger than {max_bytes} bytes")
                    chunks.append(chunk)
                return b"".join(chunks), response.headers.get("content-type", "")
        except httpx.HTTPError as exc:
            raise SendError(f"network error: {type(exc).__name__}", retryable=True, retry_after=5.0) from exc


class MediaTooLarge(SendError):
    """The channel offers a file over our cap: not retryable, the sender should send a smaller one."""

    def __init__(self, message: str):
        super().__init__(message, code=-1, retryable=False)
