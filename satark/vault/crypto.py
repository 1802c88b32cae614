"""Encryption and pseudonyms for the vault. Keys come from settings (the environment), never from the DB."""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("SATARK_VAULT_KEYS is empty: the vault cannot encrypt identifiers")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.SATARK_VAULT_KEYS))


@lru_cache(maxsize=4)
def _first(key: str) -> Fernet:
    return Fernet(key.encode())


def is_current(token: str) -> bool:
    """Whether the token is already encrypted under the first (newest) key."""
    keys = settings.SATARK_VAULT_KEYS
    if not keys:
        raise ImproperlyConfigured("SATARK_VAULT_KEYS is empty: the vault cannot encrypt identifiers")
    try:
        _first(keys[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def pseudonym(channel: str, identifier: str) -> str:
    key = settings.SATARK_PSEUDONYM_KEY
    if not key:
        raise ImproperlyConfigured("SATARK_PSEUDONYM_KEY is empty")
    return hmac.new(key.encode(), f"{channel}:{identifier}".encode(), hashlib.sha256).hexdigest()


def seal(data: dict[str, str]) -> str:
    return fernet().encrypt(json.dumps(data, sort_keys=True).encode()).decode()


def unseal(token: str) -> dict[str, str]:
    result: dict[str, str] = json.loads(fernet().decrypt(token.encode()))
    return result


def rotate(token: str) -> str:
    """Re-encrypt under the first (newest) key."""
    return fernet().rotate(token.encode()).decode()
