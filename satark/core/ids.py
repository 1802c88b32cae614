"""Identifiers that people read aloud: short, unambiguous, random."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, U (avoids accidental words), so a reference survives being read over a phone line.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(prefix: str, length: int = 5) -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))
    return f"{prefix}-{body}"


def opaque_id(nbytes: int = 16) -> str:
    return secrets.token_urlsafe(nbytes)
