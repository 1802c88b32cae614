from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from satark.messaging.groupcommit import release_connection, submit
from satark.messaging.models import InboxItem
from satark.messaging.types import InboundMessage
from satark.vault.api import id_digest

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _writer_connection_closed() -> Iterator[None]:
    yield
    release_connection()  # or the test database cannot be dropped at the end of the run


def message(n: int, phone: str = "") -> InboundMessage:
    return InboundMessage(
        channel="whatsapp",
        external_id=f"wamid.GC{n}",
        timestamp=n,
        kind="text",
        text=str(n),
        sender_phone=phone if phone or n < 0 else f"9190000{n % 7:05d}",
    )


def submit_closing(items: list[Any]) -> object:
    try:
        return submit(items)
    finally:
        connection.close()


@override_settings(SATARK_GROUP_COMMIT=True)
def test_concurrent_bodies_are_all_committed_before_they_are_answered() -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        reports = list(pool.map(lambda n: submit_closing([message(n)]), range(200)))
    assert all(r.received == 1 for r in reports)  # type: ignore[attr-defined]
    assert InboxItem.objects.count() == 200
    assert InboxItem.objects.values("sender_ref").distinct().count() == 7
    assert sum(t.name == "satark-group-commit" for t in threading.enumerate()) == 1


@override_settings(SATARK_GROUP_COMMIT=True)
def test_one_bad_body_fails_alone() -> None:
    bad = object()  # not an inbound item at all: a programming error in the caller
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(submit_closing, [message(n)]) for n in range(20)]
        failing = pool.submit(submit_closing, [bad])
        futures += [pool.submit(submit_closing, [message(n)]) for n in range(20, 40)]
        with pytest.raises(AttributeError):
            failing.result()
        assert all(f.result().received == 1 for f in futures)  # type: ignore[attr-defined]
    assert InboxItem.objects.count() == 40


def test_a_message_without_any_sender_id_is_recorded_not_refused() -> None:
    from satark.messaging.inbound import ingest

    nobody = InboundMessage(channel="whatsapp", external_id="wamid.NOSENDER", timestamp=1, kind="text", text="x")
    assert ingest([nobody, message(1)]).received == 2
    assert InboxItem.objects.get(dedupe_key=f"msg:{id_digest('whatsapp', 'wamid.NOSENDER')}").kind == "error"
    assert InboxItem.objects.filter(kind="message").count() == 1
