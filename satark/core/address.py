"""Where a message goes: the only type that carries a person's channel identifiers in memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    channel: str
    phone: str
    user_id: str

    def __repr__(self) -> str:  # never print an identifier by accident
        return f"Address(channel={self.channel!r}, phone=<hidden>, user_id=<hidden>)"

    __str__ = __repr__
