from __future__ import annotations

import threading

import pytest
from django.db import connection

from satark.audit.actions import record, verify_chain
from satark.audit.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                record("tip.viewed", "tip", f"VNS-{n}{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == 40
    assert verify_chain() == (True, None)
    assert len(set(AuditEvent.objects.values_list("prev_hash", flat=True))) == 40
