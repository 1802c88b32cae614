"""Background delivery of webhooks: a thread pool, per-phone order, retries, holds and a log.

Jobs sit in a due-time ordered heap. ``config.webhook_workers`` threads (default 4) take due
jobs; jobs sharing a ``key`` (the phone number) are delivered one at a time in order, jobs of
different keys in parallel (Meta delivers concurrently). Each thread keeps one keep-alive
connection to the product (``config.webhook_keepalive``). A failed attempt (non-200,
connection error, timeout) is re-queued after the next ``config.retry_delays`` back-off;
every attempt is logged with its round-trip time. An active :class:`holding.Hold` diverts
ready webhooks (first attempts only) until it releases them batched and/or reordered.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .config import SimulatorConfig
from .holding import Held, Hold, HoldSpec, combine
from .webhooks import USER_AGENT, serialise, sign

logger = logging.getLogger("satark.simulator")

JSONDict = dict[str, Any]
RELEASED_KEY = "\x00released"  # jobs released by a hold keep their release order
STALE_CONNECTION = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


@dataclass
class Outcome:
    """Final result of one webhook: ``round_trip`` of the last attempt, ``total`` since scheduling."""

    ok: bool
    status_code: int | None
    round_trip: float
    total: float


BuildFn = Callable[[], "JSONDict | None"]
ResultFn = Callable[[Outcome], None]


@dataclass
class Delivery:
    """One record of the delivery log (one per attempt)."""

    delivery_id: int
    kind: str
    url: str
    attempt: int
    status_code: int | None
    error: str | None
    at: float
    wamid: str | None
    wamids: list[str] | None
    round_trip: float

    def as_json(self) -> JSONDict:
        data: JSONDict = {
            "delivery_id": self.delivery_id,
            "kind": self.kind,
            "url": self.url,
            "attempt": self.attempt,
            "status_code": self.status_code,
            "error": self.error,
            "at": self.at,
            "wamid": self.wamid,
            "ok": self.status_code == 200,
            "round_trip_ms": round(self.round_trip * 1000, 3),
        }
        if self.wamids is not None:
            data["wamids"] = self.wamids
        return data


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    delivery_id: int = field(compare=False)
    kind: str = field(compare=False)
    wamid: str | None = field(compare=False)
    generation: int = field(compare=False)
    build: BuildFn | None = field(compare=False, default=None)
    body: bytes | None = field(compare=False, default=None)
    attempt: int = field(compare=False, default=0)
    on_result: ResultFn | None = field(compare=False, default=None)
    key: str | None = field(compare=False, default=None)
    created: float = field(compare=False, default=0.0)
    wamids: list[str] | None = field(compare=False, default=None)
    bypass_hold: bool = field(compare=False, default=False)
    flush: tuple[int, int] | None = field(compare=False, default=None)  # (hold id, batch)


class Dispatcher:
    """Delivers webhooks from a pool of background threads, with retries."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self._cond = threading.Condition()  # re-entrant
        self._heap: list[_Job] = []
        self._blocked: dict[str, deque[_Job]] = {}
        self._inflight: set[str] = set()
        self._seq = itertools.count()
        self._ids = itertools.count(1)
        self._hold_ids = itertools.count(1)
        self._generation = 0
        self._log: deque[Delivery] = deque(maxlen=max(1, config.delivery_log_limit))
        self._busy = 0
        self._closed = False
        self._threads: list[threading.Thread] = []
        self._hold: Hold | None = None
        self._local = threading.local()

    # -- public API ---------------------------------------------------------------
    def schedule(
        self,
        kind: str,
        *,
        delay: float = 0.0,
        build: BuildFn | None = None,
        body: bytes | None = None,
        wamid: str | None = None,
        on_result: ResultFn | None = None,
        key: str | None = None,
    ) -> int:
        """Queue a delivery. ``build`` runs when the job is due (so it can set state and
        timestamps at that moment) and returns the payload, or None to skip the job.
        Jobs with the same ``key`` are delivered one after the other."""
        with self._cond:
            now = time.monotonic()
            job = _Job(
                due=now + max(0.0, delay),
                seq=next(self._seq),
                delivery_id=next(self._ids),
                kind=kind,
                wamid=wamid,
                generation=self._generation,
                build=build,
                body=body,
                on_result=on_result,
                key=key,
                created=now,
            )
            self._push(job)
            return job.delivery_id

    def log(self) -> list[JSONDict]:
        with self._cond:
            return [d.as_json() for d in self._log]

    def pending(self) -> int:
        """Webhooks queued or being posted (held ones are not counted)."""
        with self._cond:
            return len(self._heap) + self._busy + sum(len(q) for q in self._blocked.values())

    def wait_idle(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        with self._cond:
            while self._heap or self._busy or self._blocked:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def reset(self) -> None:
        with self._cond:
            self._generation += 1
            self._heap.clear()
            self._blocked.clear()
            self._log.clear()
            self._hold = None
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._heap.clear()
            self._blocked.clear()
            self._cond.notify_all()
            threads = list(self._threads)
        deadline = time.monotonic() + 2.0
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(timeout=max(0.0, deadline - time.monotonic()))

    # -- holds (delivery modes) -------------------------------------------------------
    def set_hold(self, spec: HoldSpec) -> JSONDict:
        """Start holding; webhooks already held by a previous hold are released first."""
        with self._cond:
            self.release_hold(stop=True)
            self._hold = Hold(spec, next(self._hold_ids))
            return self._hold.as_json()

    def hold_json(self) -> JSONDict | None:
        with self._cond:
            return None if self._hold is None else self._hold.as_json()

    def release_hold(self, *, stop: bool) -> int:
        """Release what is held now (as the hold's spec says); ``stop`` also ends the hold."""
        with self._cond:
            hold = self._hold
            if hold is None:
                return 0
            items = hold.take()
            if stop:
                self._hold = None
            self._release(hold.spec, items)
            return len(items)

    def _release(self, spec: HoldSpec, items: list[Held]) -> None:
        if not items:
            return
        if spec.grouping == "none":
            for item in items:
                self._push(self._released_job(item.kind, item.body, item.wamid, item.on_result, item.created))
            return
        body = serialise(combine([json.loads(item.body) for item in items], spec.grouping))
        callbacks = [(item.on_result, item.created) for item in items if item.on_result is not None]

        def on_result(outcome: Outcome) -> None:
            now = time.monotonic()
            for callback, created in callbacks:
                callback(Outcome(outcome.ok, outcome.status_code, outcome.round_trip, now - created))

        job = self._released_job(
            "batch:" + spec.grouping, body, items[0].wamid, on_result if callbacks else None, time.monotonic()
        )
        job.wamids = [item.wamid for item in items if item.wamid is not None]
        self._push(job)

    def _released_job(
        self, kind: str, body: bytes, wamid: str | None, on_result: ResultFn | None, created: float
    ) -> _Job:
        return _Job(
            due=time.monotonic(),
            seq=next(self._seq),
            delivery_id=next(self._ids),
            kind=kind,
            wamid=wamid,
            generation=self._generation,
            body=body,
            on_result=on_result,
            key=RELEASED_KEY,
            created=created,
            bypass_hold=True,
        )

    def _try_hold(self, job: _Job, body: bytes) -> bool:
        with self._cond:
            hold = self._hold
            if hold is None or job.generation != self._generation or not hold.accepts(job.kind):
                return False
            if not hold.items and hold.spec.max_wait is not None:
                flush = _Job(
                    due=time.monotonic() + hold.spec.max_wait,
                    seq=next(self._seq),
                    delivery_id=0,
                    kind="hold:flush",
                    wamid=None,
                    generation=self._generation,
                    flush=(hold.hold_id, hold.batch),
                )
                self._push(flush)
            hold.items.append(Held(job.kind, body, job.wamid, job.created, job.on_result))
            if hold.full:
                self._release(hold.spec, hold.take())
                if not hold.spec.repeat:
                    self._hold = None
            return True

    def _flush(self, job: _Job) -> None:
        with self._cond:
            hold = self._hold
            if hold is None or job.flush != (hold.hold_id, hold.batch) or job.generation != self._generation:
                return
            self._release(hold.spec, hold.take())
            if not hold.spec.repeat:
                self._hold = None

    # -- worker ---------------------------------------------------------------------
    def _push(self, job: _Job) -> None:
        heapq.heappush(self._heap, job)
        self._ensure_threads()
        self._cond.notify_all()

    def _ensure_threads(self) -> None:
        if self._closed:
            return
        wanted = max(1, self.config.webhook_workers)
        while len(self._threads) < wanted:
            thread = threading.Thread(target=self._run, name=f"sim-webhook-{len(self._threads) + 1}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next_job(self) -> _Job | None:
        with self._cond:
            while True:
                if self._closed:
                    return None
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0].due - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                job = heapq.heappop(self._heap)
                if job.key is not None:
                    if job.key in self._inflight:
                        self._blocked.setdefault(job.key, deque()).append(job)
                        continue
                    self._inflight.add(job.key)
                self._busy += 1
                return job

    def _done(self, job: _Job) -> None:
        with self._cond:
            self._busy -= 1
            if job.key is not None:
                self._inflight.discard(job.key)
                queue = self._blocked.get(job.key)
                if queue:
                    heapq.heappush(self._heap, queue.popleft())
                    if not queue:
                        del self._blocked[job.key]
            self._cond.notify_all()

    def _run(self) -> None:
        try:
            while True:
                job = self._next_job()
                if job is None:
                    return
                try:
                    self._process(job)
                except Exception:  # pragma: no cover - keep the worker alive
                    logger.exception("webhook job failed")
                finally:
                    self._done(job)
        finally:
            self._drop_connection()

    def _process(self, job: _Job) -> None:
        if job.flush is not None:
            self._flush(job)
            return
        with self._cond:
            if job.generation != self._generation:
                return
        if job.body is None:
            payload = job.build() if job.build is not None else None
            if payload is None:
                return
            job.body = serialise(payload)
        if job.attempt == 0 and not job.bypass_hold and self._try_hold(job, job.body):
            return
        job.attempt += 1
        started = time.monotonic()
        status_code, error = self._post(job.body)
        round_trip = time.monotonic() - started
        with self._cond:
            if job.generation != self._generation:
                return
            self._log.append(
                Delivery(
                    delivery_id=job.delivery_id,
                    kind=job.kind,
                    url=self.config.webhook_url,
                    attempt=job.attempt,
                    status_code=status_code,
                    error=error,
                    at=time.time(),
                    wamid=job.wamid,
                    wamids=job.wamids,
                    round_trip=round_trip,
                )
            )
            ok = status_code == 200
            retry = not ok and job.attempt <= len(self.config.retry_delays)
            if retry:
                job.due = time.monotonic() + self.config.retry_delays[job.attempt - 1]
                job.seq = next(self._seq)
                self._push(job)
        logger.info("webhook %s attempt %d -> %s", job.kind, job.attempt, status_code or error)
        if job.on_result is not None and (ok or not retry):
            job.on_result(Outcome(ok, status_code, round_trip, time.monotonic() - job.created))

    # -- HTTP -------------------------------------------------------------------------
    def _new_connection(self) -> http.client.HTTPConnection:
        url = urlsplit(self.config.webhook_url)
        conn_cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        return conn_cls(url.hostname or "127.0.0.1", url.port, timeout=self.config.webhook_timeout)

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None
        self._local.used = False

    def _post(self, body: bytes) -> tuple[int | None, str | None]:
        url = urlsplit(self.config.webhook_url)
        target = url.path or "/"
        if url.query:
            target += "?" + url.query
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Hub-Signature-256": sign(self.config.app_secret, body),
            "Accept": "*/*",
        }
        keepalive = self.config.webhook_keepalive
        while True:
            if keepalive and getattr(self._local, "conn", None) is not None:
                conn = self._local.conn
                reused = bool(self._local.used)
            else:
                conn = self._new_connection()
                reused = False
                if keepalive:
                    self._local.conn, self._local.used = conn, False
            try:
                conn.request("POST", target, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if keepalive and not response.will_close:
                    self._local.used = True
                else:
                    conn.close()
                    if keepalive:
                        self._local.conn = None
                return response.status, None
            except (OSError, http.client.HTTPException) as exc:
                if keepalive:
                    self._drop_connection()
                else:
                    conn.close()
                if reused and isinstance(exc, STALE_CONNECTION):
                    continue  # the product closed an idle keep-alive connection: reconnect once
                return None, f"{type(exc).__name__}: {exc}"
