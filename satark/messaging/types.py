"""Channel-neutral message types. A channel adapter turns its wire format into these and back.

Identifiers (`sender_phone`, `sender_user_id`) exist only in memory on the way in: `messaging.inbound`
hands them to the vault and stores the opaque reference instead (see `InboundMessage.stored`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

KINDS = ("text", "choice", "location", "media", "sticker", "reaction", "contacts", "system", "unsupported")


@dataclass(frozen=True)
class MediaRef:
    id: str
    kind: str  # image | video | audio | document | sticker
    mime_type: str = ""
    sha256: str = ""  # as the channel declares it (WhatsApp: base64 of the digest)
    caption: str = ""
    filename: str = ""
    voice: bool = False
    url: str = ""


@dataclass(frozen=True)
class InboundMessage:
    channel: str
    external_id: str
    timestamp: int
    kind: str
    sender_phone: str = field(default="", repr=False)
    sender_user_id: str = field(default="", repr=False)
    text: str = ""
    choice_id: str = ""
    choice_title: str = ""
    latitude: float | None = None
    longitude: float | None = None
    place_name: str = ""
    place_address: str = ""
    media: MediaRef | None = None
    context_id: str = ""
    forwarded: bool = False
    raw_type: str = ""
    error_codes: tuple[int, ...] = ()
    new_phone: str = field(default="", repr=False)  # system: user_changed_number
    new_user_id: str = field(default="", repr=False)
    contacts_count: int = 0
    emoji: str = ""
    # A click-to-WhatsApp ad opened the chat: only what names the ad (never ctwa_clid or URLs).
    referral_source_type: str = ""
    referral_source_id: str = ""
    referral_headline: str = ""
    order_items: int = 0  # an 'order' message: how many product lines (the bot takes no orders)

    def stored(self) -> dict[str, Any]:
        """What may be persisted: everything except the sender's and third parties' identifiers."""
        data = {name: getattr(self, name) for name in _STORED_FIELDS}
        data["error_codes"] = list(self.error_codes)
        data["media"] = asdict(self.media) if self.media else None
        return data

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> InboundMessage:
        values = dict(data)
        media = values.pop("media", None)
        values["error_codes"] = tuple(values.get("error_codes", ()))
        return cls(media=MediaRef(**media) if media else None, **values)


_IDENTIFIERS = ("sender_phone", "sender_user_id", "new_phone", "new_user_id")
_STORED_FIELDS = tuple(f.name for f in fields(InboundMessage) if f.name not in _IDENTIFIERS)


@dataclass(frozen=True)
class StatusUpdate:
    channel: str
    external_id: str  # the id of the message we sent
    status: str  # sent | delivered | read | failed | played
    timestamp: int
    error_codes: tuple[int, ...] = ()
    error_title: str = ""
    callback_data: str = ""

    def stored(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChannelError:
    """An error reported by the channel about the account or app, not tied to one message."""

    channel: str
    code: int
    title: str
    timestamp: int

    def stored(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TemplateStatusUpdate:
    """The channel's review or quality decision about one of our message templates (one language)."""

    channel: str
    name: str
    language: str
    status: str  # APPROVED | REJECTED | PENDING | PAUSED | DISABLED | FLAGGED | ... (upper case)
    timestamp: int
    template_id: str = ""
    reason: str = ""  # why, when the channel says (e.g. a rejection reason); "" otherwise

    def stored(self) -> dict[str, Any]:
        return asdict(self)


InboundItem = InboundMessage | StatusUpdate | ChannelError | TemplateStatusUpdate


@dataclass(frozen=True)
class FetchedMedia:
    content: bytes
    mime_type: str
    declared_sha256: str = ""


class SendError(Exception):
    """A channel refused or failed a send.

    `retryable`: try again after `retry_after` seconds (throttling, temporary trouble).
    `reengage`: the recipient's conversation window is closed; only an approved template can reach them.
    Neither: a permanent failure (do not retry)."""

    def __init__(
        self,
        message: str,
        *,
        code: int = 0,
        retryable: bool = False,
        retry_after: float = 0.0,
        reengage: bool = False,
    ):
        super().__init__(message)
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after
        self.reengage = reengage


class MediaTooLarge(SendError):
    """The channel offers a file over our cap: not retryable; the sender should send a smaller one."""

    def __init__(self, message: str):
        super().__init__(message, code=-1, retryable=False)
