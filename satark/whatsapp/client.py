"""A thin WhatsApp Cloud API client on httpx. Base URL, version and token come from settings, so the
same code talks to graph.facebook.com or to any faithful fake of it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from satark.messaging.types import MediaTooLarge, SendError

# Meta's error codes, by what the sender should do (whatsapp-cloud-api facts, §2.12).
THROTTLE = {4, 80007, 130429, 131048, 131056}  # back off
RETRYABLE = {1, 2, 131000, 131016, 131057, 133004}  # temporary trouble: retry soon
REENGAGE = {131047}  # 24-hour window closed: only a template reaches the person
# Everything else (100, 131008, 131009, 131026, 131050, 132xxx, 190, 368 ...) is fatal: never retried.


class ErrorClass(enum.Enum):
    THROTTLE = "throttle"
    RETRYABLE = "retryable"
    REENGAGE = "reengage"
    FATAL = "fatal"


def classify(code: int, http_status: int = 400) -> ErrorClass:
    if code in THROTTLE or (not code and http_status == 429):
        return ErrorClass.THROTTLE
    if code in RETRYABLE or (not code and http_status >= 500):
        return ErrorClass.RETRYABLE
    if code in REENGAGE:
        return ErrorClass.REENGAGE
    return ErrorClass.FATAL


DELAYS = {ErrorClass.THROTTLE: 30.0, ErrorClass.RETRYABLE: 5.0}


def error_for(code: int, message: str, http_status: int = 400, retry_after: float = 0.0) -> SendError:
    kind = classify(code, http_status)
    delay = max(DELAYS.get(kind, 0.0), retry_after)
    return SendError(
        message,
        code=code,
        retryable=kind in (ErrorClass.THROTTLE, ErrorClass.RETRYABLE),
        retry_after=delay,
        reengage=kind is ErrorClass.REENGAGE,
    )


@dataclass
class GraphClient:
    base: str
    version: str
    token: str
    phone_number_id: str
    timeout: float = 15.0
    transport: httpx.BaseTransport | None = None
    waba_id: str = ""

    @classmethod
    def from_settings(cls) -> GraphClient:
        return cls(
            base=settings.SATARK_GRAPH_API_BASE.rstrip("/"),
            version=settings.SATARK_GRAPH_API_VERSION,
            token=settings.SATARK_WHATSAPP_TOKEN,
            phone_number_id=settings.SATARK_WHATSAPP_PHONE_NUMBER_ID,
            timeout=settings.SATARK_GRAPH_TIMEOUT_SECONDS,
            waba_id=settings.SATARK_WHATSAPP_WABA_ID,
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
        header = response.headers.get("Retry-After", "")
        retry_after = float(header) if header.isdigit() else 0.0
        raise error_for(
            code,
            f"Graph API {response.status_code} code {code}: {str(error.get('message', ''))[:200]}",
            response.status_code,
            retry_after,
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

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            with self._client() as client:
                response = client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise SendError(f"network error: {type(exc).__name__}", retryable=True, retry_after=5.0) from exc
        self._raise_for(response)
        try:
            return response.json()
        except ValueError as exc:
            raise SendError("Graph API answered without JSON", retryable=True, retry_after=5.0) from exc

    def upload_media(self, content: bytes, mime_type: str, filename: str = "file") -> str:
        """POST /{phone-number-id}/media (multipart); returns the media id (valid 30 days)."""
        data = self._call(
            "POST",
            f"/{self.phone_number_id}/media",
            data={"messaging_product": "whatsapp", "type": mime_type},
            files={"file": (filename, content, mime_type)},
        )
        return str(data["id"])

    def create_template(self, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", f"/{self.waba_id}/message_templates", json=body)
        return result

    def list_templates(self, name: str = "") -> list[dict[str, Any]]:
        params = {"name": name} if name else {}
        data = self._call("GET", f"/{self.waba_id}/message_templates", params=params)
        return list(data.get("data") or [])

    def list_qr_codes(self) -> list[dict[str, Any]]:
        """GET /{phone-number-id}/message_qrdls: the number's QR codes (code, prefilled_message, deep_link_url)."""
        data = self._call("GET", f"/{self.phone_number_id}/message_qrdls")
        return list(data.get("data") or [])

    def create_qr_code(self, prefilled_message: str, image_format: str = "PNG") -> dict[str, Any]:
        """POST /{phone-number-id}/message_qrdls: a short wa.me/message/<code> link (and its QR image URL)
        that opens the chat with `prefilled_message` typed in (Meta allows up to 140 characters)."""
        body = {"prefilled_message": prefilled_message, "generate_qr_image": image_format}
        result: dict[str, Any] = self._call("POST", f"/{self.phone_number_id}/message_qrdls", json=body)
        return result

    def get_qr_code(self, code: str, image_format: str = "PNG") -> dict[str, Any]:
        data = self._call(
            "GET",
            f"/{self.phone_number_id}/message_qrdls/{code}",
            params={"fields": f"code,prefilled_message,deep_link_url,qr_image_url.format({image_format})"},
        )
        found = list(data.get("data") or [])
        if not found:
            raise SendError(f"QR code {code} not found", retryable=False)
        return dict(found[0])

    def fetch_public(self, url: str, max_bytes: int = 2 * 1024 * 1024) -> bytes:
        """A file Meta serves without the token (a QR image URL)."""
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.get(url)
        except httpx.HTTPError as exc:
            raise SendError(f"network error: {type(exc).__name__}", retryable=True, retry_after=5.0) from exc
        self._raise_for(response)
        if len(response.content) > max_bytes:
            raise SendError("file too large", retryable=False)
        return response.content

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
