"""The channel protocol and the configured channel (settings.SATARK_CHANNEL, a dotted path)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from satark.core.address import Address

from .types import FetchedMedia


class Channel(Protocol):
    name: str

    def send(self, address: Address, payload: dict[str, Any], *, callback_data: str = "") -> str:
        """Send one channel-neutral message; return the channel's message id or raise SendError."""

    def fetch_media(self, media_id: str, max_bytes: int) -> FetchedMedia:
        """Download inbound media by the channel's media id; MediaTooLarge over max_bytes."""

    def mark_read(self, message_id: str, typing: bool = False) -> None:
        """Tell the sender their message was read (and, with typing, that a reply is coming)."""


@lru_cache(maxsize=1)
def get_channel() -> Channel:
    factory = import_string(settings.SATARK_CHANNEL)
    channel: Channel = factory()
    return channel


def reset_channel() -> None:
    get_channel.cache_clear()
