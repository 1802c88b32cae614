"""The WhatsApp implementation of messaging's Channel protocol."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from satark.core.address import Address
from satark.messaging.types import FetchedMedia, SendError

from .client import GraphClient
from .render import RenderError, render


class WhatsAppChannel:
    name = "whatsapp"

    def __init__(self, client: GraphClient | None = None) -> None:
        self.client = client or GraphClient.from_settings()

    def send(self, address: Address, payload: dict[str, Any], *, callback_data: str = "") -> str:
        try:
            body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual", **render(payload)}
        except RenderError as exc:
            raise SendError(f"invalid message: {exc}", code=100) from exc
        if address.phone:
            body["to"] = "+" + address.phone.lstrip("+")
        elif address.user_id:
            body["recipient"] = address.user_id
        else:
            raise SendError("no address", code=100)
        if callback_data:
            body["biz_opaque_callback_data"] = callback_data[:512]
        return self.client.send_message(body)

    def fetch_media(self, media_id: str) -> FetchedMedia:
        info = self.client.media_info(media_id)
        cap = max(settings.SATARK_MEDIA_MAX_BYTES.values())
        content, mime = self.client.download(str(info["url"]), cap)
        return FetchedMedia(
            content=content, mime_type=str(info.get("mime_type") or mime), declared_sha256=str(info.get("sha256") or "")
        )

    def mark_read(self, message_id: str) -> None:
        self.client.mark_read(message_id)
