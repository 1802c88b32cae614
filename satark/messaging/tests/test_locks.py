from __future__ import annotations

import time

import pytest
from huey.exceptions import TaskLockedException

from satark.messaging.locks import expiring_lock


def test_a_held_lock_refuses_a_second_holder_and_is_released() -> None:
    with expiring_lock("sender:a"):
        with pytest.raises(TaskLockedException), expiring_lock("sender:a"):
            pass
        with expiring_lock("sender:b"):
            pass
    with expiring_lock("sender:a"):
        pass


def test_a_lock_left_by_a_dead_worker_expires() -> None:
    dead = expiring_lock("send:x", ttl=0.2)
    dead.__enter__()  # a worker that was killed: it never exits the block
    with pytest.raises(TaskLockedException), expiring_lock("send:x"):
        pass
    time.sleep(0.3)
    with expiring_lock("send:x"):
        pass
