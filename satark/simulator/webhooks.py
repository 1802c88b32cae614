"""Building, signing and delivering Meta-shaped webhooks.

Bodies are serialised exactly once with ``json.dumps(obj, separators=(",", ":"))``
(ASCII escaping on, i.e. non-ASCII as ``\\uXXXX``) and signed with
``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app_secret, body)>``. Deliveries run on one
background thread fed by a due-time ordered queue; a failed attempt (non-200 or connection
error) is re-queued after the next configured back-off delay, and every attempt is logged.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import http.client
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from .config import SimulatorConfig

logger = logging.getLogger("satark.simulator")

JSONDict = dict[str, Any]
USER_AGENT = "facebookexternalua"


def serialise(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode("ascii")


def sign(app_secret: str, body: bytes) -> str:
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def envelope(config: SimulatorConfig, value: JSONDict) -> JSONDict:
    full: JSONDict = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": config.display_phone_number,
            "phone_number_id": config.phone_number_id,
        },
    }
    full.update(value)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": config.waba_id, "changes": [{"field": "messages", "value": full}]}],
    }


def message_value(contact: JSONDict | None, message: JSONDict) -> JSONDict:
    value: JSONDict = {}
    if contact is not None:
        value["contacts"] = [contact]
    value["messages"] = [message]
    return value


def status_value(status: JSONDict) -> JSONDict:
    return {"statuses": [status]}


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

    def as_json(self) -> JSONDict:
        return {
            "delivery_id": self.delivery_id,
            "kind": self.kind,
            "url": self.url,
            "attempt": self.attempt,
            "status_code": self.status_code,
            "error": self.error,
            "at": self.at,
            "wamid": self.wamid,
            "ok": self.status_code == 200,
        }


BuildFn = Callable[[], "JSONDict | None"]
ResultFn = Callable[[bool], None]


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


class Dispatcher:
    """Delivers webhooks from a background thread, in due-time order, with retries."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self._cond = threading.Condition()
        self._heap: list[_Job] = []
        self._seq = itertools.count()
        self._ids = itertools.count(1)
        self._generation = 0
        self._log: list[Delivery] = []
        self._busy = 0
        self._closed = False
        self._thread: threading.Thread | None = None

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
    ) -> int:
        """Queue a delivery. ``build`` runs when the job is due (so it can set state and
        timestamps at that moment) and returns the payload, or None to skip the job."""
        with self._cond:
            job = _Job(
                due=time.monotonic() + max(0.0, delay),
                seq=next(self._seq),
                delivery_id=next(self._ids),
                kind=kind,
                wamid=wamid,
                generation=self._generation,
                build=build,
                body=body,
                on_result=on_result,
            )
            heapq.heappush(self._heap, job)
            self._ensure_thread()
            self._cond.notify_all()
            return job.delivery_id

    def log(self) -> list[JSONDict]:
        with self._cond:
            return [d.as_json() for d in self._log]

    def pending(self) -> int:
        with self._cond:
            return len(self._heap) + self._busy

    def wait_idle(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        with self._cond:
            while self._heap or self._busy:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def reset(self) -> None:
        with self._cond:
            self._generation += 1
            self._heap.clear()
            self._log.clear()
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._heap.clear()
            self._cond.notify_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)

    # -- worker ---------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, name="sim-webhook-dispatcher", daemon=True)
            self._thread.start()

    def _next_job(self) -> _Job | None:
        with self._cond:
            while True:
                if self._closed:
                    return None
                if self._heap:
                    wait = self._heap[0].due - time.monotonic()
                    if wait <= 0:
                        job = heapq.heappop(self._heap)
                        self._busy += 1
                        return job
                    self._cond.wait(wait)
                else:
                    self._cond.wait()

    def _run(self) -> None:
        while True:
            job = self._next_job()
            if job is None:
                return
            try:
                self._process(job)
            except Exception:  # pragma: no cover - keep the worker alive
                logger.exception("webhook job failed")
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _process(self, job: _Job) -> None:
        with self._cond:
            if job.generation != self._generation:
                return
        if job.body is None:
            payload = job.build() if job.build is not None else None
            if payload is None:
                return
            job.body = serialise(payload)
        job.attempt += 1
        status_code, error = self._post(job.body)
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
                )
            )
            ok = status_code == 200
            retry = not ok and job.attempt <= len(self.config.retry_delays)
            if retry:
                job.due = time.monotonic() + self.config.retry_delays[job.attempt - 1]
                job.seq = next(self._seq)
                heapq.heappush(self._heap, job)
                self._cond.notify_all()
        logger.info("webhook %s attempt %d -> %s", job.kind, job.attempt, status_code or error)
        if job.on_result is not None and (ok or not retry):
            job.on_result(ok)

    def _post(self, body: bytes) -> tuple[int | None, str | None]:
        url = urlsplit(self.config.webhook_url)
        conn_cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        target = url.path or "/"
        if url.query:
            target += "?" + url.query
        conn = conn_cls(url.hostname or "127.0.0.1", url.port, timeout=self.config.webhook_timeout)
        try:
            conn.request(
                "POST",
                target,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                    "X-Hub-Signature-256": sign(self.config.app_secret, body),
                    "Accept": "*/*",
                },
            )
            response = conn.getresponse()
            response.read()
            return response.status, None
        except (OSError, http.client.HTTPException) as exc:
            return None, f"{type(exc).__name__}: {exc}"
        finally:
            conn.close()


def verify_handshake(config: SimulatorConfig, challenge: str) -> JSONDict:
    """Run Meta's GET verification handshake against the webhook URL."""
    url = urlsplit(config.webhook_url)
    query = urlencode(
        {
            "hub.mode": "subscribe",
            "hub.challenge": challenge,
            "hub.verify_token": config.verify_token,
        }
    )
    target = (url.path or "/") + "?" + (url.query + "&" if url.query else "") + query
    conn_cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    conn = conn_cls(url.hostname or "127.0.0.1", url.port, timeout=config.webhook_timeout)
    try:
        conn.request("GET", target, headers={"User-Agent": USER_AGENT})
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        verified = response.status == 200 and text == challenge
        return {"status_code": response.status, "body": text[:200], "verified": verified}
    except (OSError, http.client.HTTPException) as exc:
        return {"status_code": None, "error": str(exc), "verified": False}
    finally:
        conn.close()
