"""A file that arrives in a WhatsApp message outside the questionnaire (a reporter's addition or answer, an
officer's report): registered for the media pipeline once, whoever sent it."""

from __future__ import annotations

from satark.media.models import MediaAsset
from satark.media.pipeline import register
from satark.messaging.types import InboundMessage


def register_message_media(message: InboundMessage) -> MediaAsset:
    """The message's file as a MediaAsset (the same row again for a redelivered message); the caller
    attaches it to its tip or report."""
    if message.media is None:
        raise ValueError("the message carries no file")
    return register(
        channel=message.channel,
        external_id=message.media.id,
        kind=message.media.kind,
        mime=message.media.mime_type,
        sha256=message.media.sha256,
        caption=message.media.caption,
        conversation_id=None,
    )
