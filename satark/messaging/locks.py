"""Expiring locks in the task queue's storage (SQLite or Redis), so a killed worker cannot hold a
sender or a recipient for ever. Huey's own lock_task has no expiry on SQLite and remembers every lock
name in memory."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from huey.constants import EmptyData
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

DEFAULT_TTL = 300.0


@contextmanager
def expiring_lock(name: str, ttl: float = DEFAULT_TTL) -> Iterator[None]:
    key = f"{HUEY.name}.satark-lock.{name}"
    token = f"{time.time() + ttl:.3f}"
    if not HUEY.put_if_empty(key, token):
        held = HUEY.storage.peek_data(key)
        expiry = "0" if held is EmptyData else str(HUEY.serializer.deserialize(held))
        try:
            expired = float(expiry) < time.time()
        except ValueError:
            expired = True
        if not expired:
            raise TaskLockedException(f"{name} is locked")
        HUEY.delete(key)  # its holder died without releasing it
        if not HUEY.put_if_empty(key, token):
            raise TaskLockedException(f"{name} is locked")
    try:
        yield
    finally:
        HUEY.delete(key)
