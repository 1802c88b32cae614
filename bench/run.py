"""Benchmarks with baselines measured in the same run. `make bench` runs this; results go to bench/README.md.

1. Webhook ingestion (in-process WSGI, full middleware, SQLite WAL file, SqliteHuey enqueue):
   baseline = the GET verification handshake through the same stack (no database).
2. Conversation engine: a whole 8-event conversation through `engine.step`;
   baseline = a JSON round trip of the state per event (what the shell does anyway).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="satark-bench-"))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "satark.settings.embedded",
        "SATARK_VAR_DIR": str(TMP),
        "SATARK_DATABASE_URL": f"sqlite:///{TMP / 'bench.sqlite3'}",
        "SATARK_HUEY_URL": f"sqlite:///{TMP / 'huey.sqlite3'}",
        "SATARK_LOG_LEVEL": "WARNING",
    }
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402

from satark.core import testing as t  # noqa: E402
from satark.whatsapp.signature import sign  # noqa: E402
from satark.wsgi import application as product  # noqa: E402

REPEATS = 5


def timed(fn: Callable[[int], None], n: int) -> float:
    """Median seconds per operation over REPEATS runs of n operations."""
    samples = []
    for r in range(REPEATS):
        start = time.perf_counter()
        fn(r * n)
        samples.append((time.perf_counter() - start) / n)
    return statistics.median(samples)


def wsgi_call(
    app: WSGIHandler,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
) -> str:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "127.0.0.1",
    }
    for key, value in (headers or {}).items():
        environ["HTTP_" + key.upper().replace("-", "_")] = value
    status: list[str] = []
    result = app(environ, lambda s, h: status.append(s))
    b"".join(result)
    return status[0]


def bench_webhook() -> list[tuple[str, float, float]]:
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    app = product
    secret = settings.SATARK_WHATSAPP_APP_SECRET
    token = settings.SATARK_WHATSAPP_VERIFY_TOKEN
    n = 400

    def handshake(offset: int) -> None:
        for i in range(n):
            query = f"hub.mode=subscribe&hub.verify_token={token}&hub.challenge={offset + i}"
            assert wsgi_call(app, "GET", "/webhooks/whatsapp/", query=query).startswith("200")

    def post(bodies: list[bytes]) -> None:
        for body in bodies:
            status = wsgi_call(
                app, "POST", "/webhooks/whatsapp/", body, headers={"X-Hub-Signature-256": sign(body, secret)}
            )
            assert status.startswith("200"), status

    def one_message_new_sender(offset: int) -> None:
        post([t.encode(t.envelope(t.text("गाँव में जुआ", sender=f"9150000{offset + i:05d}"))) for i in range(n)])

    # Synthetic senders 91-5xxxxxxxxx: Indian mobile numbers begin with 6-9, so no one can hold these.
    def one_message_known_sender(offset: int) -> None:
        post([t.encode(t.envelope(t.text("और जानकारी", sender="915000000000"))) for _ in range(n)])

    batch = 20

    def batched(offset: int) -> None:
        bodies = []
        for i in range(n // batch):
            msgs = [t.text("batch", sender=f"9172{(offset + i) % 50:08d}") for _ in range(batch)]
            bodies.append(t.encode(t.envelope(*msgs)))
        post(bodies)

    base = timed(handshake, n)
    rows = [("GET handshake (baseline)", base, 1.0)]
    for name, fn, per in (
        ("POST 1 message, new sender (vault insert)", one_message_new_sender, n),
        ("POST 1 message, known sender", one_message_known_sender, n),
        (f"POST batch of {batch}, per message", batched, n),
    ):
        seconds = timed(fn, per)
        rows.append((name, seconds, seconds / base))
    return rows


def bench_engine() -> list[tuple[str, float, float]]:
    from satark.conversations.definitions import get_definition
    from satark.engine import Event, State, step

    definition = get_definition()
    script = [
        Event(kind="text", text="hi"),
        Event(kind="choice", choice_id="lang:hi"),
        Event(kind="text", text="jua"),
        Event(kind="text", text="गाजीपुर"),
        Event(kind="text", text="रोज़ रात बगीचे में जुआ होता है"),
        Event(kind="media", media_id="m1", media_kind="image", mime_type="image/jpeg"),
        Event(kind="choice", choice_id="media:done"),
        Event(kind="choice", choice_id="confirm:yes"),
    ]
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    n = 300

    def conversations(_offset: int) -> None:
        for _ in range(n):
            state = None
            for event in script:
                state, _effects = step(definition, state, event, now)
                state = State.from_json(json.loads(json.dumps(state.to_json())))

    def baseline(_offset: int) -> None:
        state = State(
            questionnaire="tip",
            version=1,
            step="confirm",
            language="hi",
            answers=(("category", "gambling"), ("description", "x" * 40)),
        )
        for _ in range(n):
            for _event in script:
                State.from_json(json.loads(json.dumps(state.to_json())))

    base = timed(baseline, n * len(script))
    full = timed(conversations, n * len(script))
    return [
        ("state JSON round trip per event (baseline)", base, 1.0),
        ("engine.step + JSON round trip per event", full, full / base),
    ]


def main() -> None:
    print(f"Python {sys.version.split()[0]}, Django {django.get_version()}, SQLite WAL at {TMP}")
    for title, rows in (("Webhook ingestion", bench_webhook()), ("Conversation engine", bench_engine())):
        print(f"\n{title}")
        print(f"{'case':48} {'per op':>10} {'ops/s':>9} {'x baseline':>11}")
        for name, seconds, ratio in rows:
            print(f"{name:48} {seconds * 1e3:8.3f}ms {1 / seconds:9.0f} {ratio:10.2f}x")


if __name__ == "__main__":
    main()
