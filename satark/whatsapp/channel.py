"""The WhatsApp implementation of messaging's Channel protocol."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from satark.core.address import Address
from satark.messaging.types import FetchedMedia, MediaTooLarge, SendError

from .client import GraphClient
from .render import RenderError, render


class WhatsAppChannel:
    name = "whatsapp"

    def __init__(self, client: GraphClient | None = None) -> None:
        self.client = client or GraphClient.from_settings()

    def send(self, address: Address, payload: dict[str, Any], *, callback_data: str = "") -> str:
        payload = self._with_uploaded_media(payload)
        try:
            body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual", **render(payload)}
        except (RenderError, KeyError, TypeError) as exc:
            raise SendError(f"invalid message: {exc}", code=100) from exc
        if address.phone:
            body["to"] = "+" + address.phone.lstrip("+")
        elif address.user_id:
            body["recipient"] = address.user_id
        else:
            raise SendError("no address", code=100)
        if callback_data and payload.get("type") != "reaction":
            body["biz_opaque_callback_data"] = callback_data[:512]
        return self.client.send_message(body)

    def _with_uploaded_media(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A payload naming a local file ({"upload": {"path", "mime_type", "filename"?}}) is uploaded first
        and sent by its media id (Meta recommends ids over links)."""
        upload = payload.get("upload")
        if not upload:
            return payload
        path = Path(upload["path"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise SendError(f"media file unavailable: {type(exc).__name__}", code=100) from exc
        media_id = self.client.upload_media(content, upload["mime_type"], upload.get("filename") or path.name)
        return {**{k: v for k, v in payload.items() if k != "upload"}, "media_id": media_id}

    def fetch_media(self, media_id: str, max_bytes: int) -> FetchedMedia:
        info = self.client.media_info(media_id)
        size = str(info.get("file_size") or "")
        if size.isdigit() and int(size) > max_bytes:
            raise MediaTooLarge(f"media of {size} bytes is over the {max_bytes}-byte cap")
        content, mime = self.client.download(str(info["url"]), max_bytes)
        return FetchedMedia(
            content=content, mime_type=str(info.get("mime_type") or mime), declared_sha256=str(info.get("sha256") or "")
        )

    def mark_read(self, message_id: str, typing: bool = False) -> None:
        self.client.mark_read(message_id, typing=typing)

    def qr_code(self, prefilled_message: str) -> tuple[str, bytes]:
        """Meta's own QR code for a prefilled message: (deep link, PNG). Reuses the number's existing
        code for the same text, so running this again creates nothing new."""
        existing = next(
            (q for q in self.client.list_qr_codes() if q.get("prefilled_message") == prefilled_message), None
        )
        if existing is None:
            found = self.client.create_qr_code(prefilled_message, "PNG")
        else:  # Meta gives the image URL only on creation, or when asked for with `fields`
            found = self.client.get_qr_code(str(existing["code"]), "PNG")
        image_url = str(found.get("qr_image_url", ""))
        return str(found.get("deep_link_url", "")), self.client.fetch_public(image_url) if image_url else b""
