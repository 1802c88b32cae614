"""Group commit for webhook ingestion: one writer thread per web process stores whatever webhook
bodies have arrived meanwhile in ONE transaction (one vault query, one insert, one commit), then
answers each waiting request. Under load this turns N commits into one and removes the write-lock
contention that gives SQLite its latency tail; idle, it costs one thread hand-off.

A request is answered 200 only after its rows are committed; if the shared batch fails, each body is
retried on its own so one bad body cannot fail the others (and a failing one gets an error, so Meta
redelivers it)."""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection

from .inbound import IngestReport, ingest
from .types import InboundItem

log = logging.getLogger(__name__)
MAX_BATCH_BODIES = 256
WAIT_SECONDS = 20.0

_queue: queue.Queue[tuple[list[InboundItem], Future[IngestReport]]] = queue.Queue()
_started = threading.Lock()
_writers: list[threading.Thread] = []  # the one writer of this process (a list: no `global` needed)


_CLOSE: list[InboundItem] = []  # a batch of no items: close the writer's connection (tests, shutdown)


def _writer() -> None:
    while True:
        first = _queue.get()
        if first[0] is _CLOSE:
            connection.close()
            first[1].set_result(IngestReport())
            continue
        batch = [first]
        while len(batch) < MAX_BATCH_BODIES:
            try:
                following = _queue.get_nowait()
            except queue.Empty:
                break
            if following[0] is _CLOSE:
                _queue.put(following)  # handled after this batch
                break
            batch.append(following)
        close_old_connections()
        try:
            combined = ingest([item for items, _ in batch for item in items])
        except Exception:
            log.warning("group commit of %d bodies failed; storing them one by one", len(batch))
            connection.close()
            for items, future in batch:
                try:
                    future.set_result(ingest(items))
                except Exception as exc:
                    future.set_exception(exc)
            continue
        for items, future in batch:
            future.set_result(IngestReport(received=len(items), senders=combined.senders, statuses=combined.statuses))


def _ensure_writer() -> None:
    if _writers and _writers[0].is_alive():
        return
    with _started:
        if not _writers or not _writers[0].is_alive():
            thread = threading.Thread(target=_writer, name="satark-group-commit", daemon=True)
            thread.start()
            _writers[:] = [thread]


def submit(items: list[InboundItem]) -> IngestReport:
    """Store the items durably (with whatever else is waiting) and return once they are committed."""
    if not settings.SATARK_GROUP_COMMIT:
        return ingest(items)
    _ensure_writer()
    future: Future[IngestReport] = Future()
    _queue.put((items, future))
    try:
        return future.result(timeout=WAIT_SECONDS)
    except TimeoutError as exc:  # not stored in time: the caller answers an error and Meta redelivers
        raise DatabaseError("webhook items were not committed in time") from exc


def release_connection() -> None:
    """Make the writer thread close its database connection (it reopens on the next batch)."""
    if _writers and _writers[0].is_alive():
        future: Future[IngestReport] = Future()
        _queue.put((_CLOSE, future))
        future.result(timeout=WAIT_SECONDS)
