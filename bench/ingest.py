"""Sustained webhook ingestion through the real endpoint (gunicorn + Django + signature + durable
insert + task enqueue), on SQLite (embedded) and PostgreSQL (production), side by side with a bare
baseline endpoint that only checks the signature. Load from wrk on the same 2-core machine.

    .venv/bin/python bench/ingest.py            # both backends (needs PostgreSQL and Redis on 127.0.0.1)
    .venv/bin/python bench/ingest.py sqlite

Every acknowledged message must be stored: rows are counted after each run."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from satark.core import testing as t  # noqa: E402
from satark.core.stack import free_port, wait_for_port  # noqa: E402
from satark.whatsapp.signature import sign  # noqa: E402

SECRET = "bench-app-secret"
PG_DB = "satark_bench"
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
SERVERS = {
    # SQLite has one writer at a time: one process, threads waiting on the write lock.
    "sqlite": ["--workers", "1", "--threads", "16", "--worker-class", "gthread"],
    "postgres": os.environ.get("BENCH_PG_SERVER", "--workers 2 --threads 16 --worker-class gthread").split(),
}


def env_for(backend: str, var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SATARK_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "satark.settings.embedded",
            "SATARK_VAR_DIR": str(var),
            "SATARK_SECRET_KEY": "bench-secret-key-0123456789abcdefghij",
            "SATARK_VAULT_KEYS": "Cu-NAefTgtYxBtZvfAZIUgOmw7enEIMkQX_BcqQ7LSA=",
            "SATARK_PSEUDONYM_KEY": "bench-pseudonym",
            "SATARK_WHATSAPP_APP_SECRET": SECRET,
            "SATARK_WHATSAPP_VERIFY_TOKEN": "bench",
            "SATARK_WHATSAPP_TOKEN": "bench",
            "SATARK_LOG_LEVEL": "WARNING",
        }
    )
    if backend == "postgres":
        env["SATARK_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"
        env["SATARK_HUEY_URL"] = "redis://127.0.0.1:6379/12"
    else:
        env["SATARK_DATABASE_URL"] = f"sqlite:///{var / 'bench.sqlite3'}"
        env["SATARK_HUEY_URL"] = f"sqlite:///{var / 'huey.sqlite3'}"
    return env


def prepare(backend: str, env: dict[str, str]) -> None:
    if backend == "postgres":
        import psycopg
        import redis

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")
        redis.Redis(host="127.0.0.1", port=6379, db=12).flushdb()
    for command in (["migrate", "-v0"], ["load_reference", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def write_bodies(path: Path, prefix: str, count: int, senders: int = 2000) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            msg = t.text("गाँव में रोज़ रात जुआ होता है", sender=f"9180{i % senders:08d}", msg_id=f"wamid.{prefix}.{i:08d}")
            body = json.dumps(t.envelope(msg, profile_name="Bench"))
            out.write(f"{sign(body.encode(), SECRET)}\t{body}\n")


def wrk(url: str, bodies: Path, connections: int, seconds: int, delay_ms: int = 0) -> dict[str, float]:
    env = {**os.environ, "BODIES": str(bodies), "DELAY_MS": str(delay_ms)}
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(ROOT / "bench" / "post.lua"), url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"RESULT (.*)", result.stdout)
    assert match, result.stdout + result.stderr
    values = dict(kv.split("=") for kv in match.group(1).split())
    stats = {k: float(v) for k, v in values.items()}
    stats["rate"] = stats["requests"] / stats["duration_s"]
    return stats


def stored(backend: str, env: dict[str, str]) -> int:
    """Message rows in the inbox (ids are stored as digests, so runs are told apart by counting before/after)."""
    query = "select count(*) from messaging_inboxitem where kind = 'message'"
    if backend == "postgres":
        import psycopg

        with psycopg.connect(env["SATARK_DATABASE_URL"]) as conn:
            row = conn.execute(query).fetchone()
            return int(row[0]) if row else 0
    with sqlite3.connect(env["SATARK_DATABASE_URL"].removeprefix("sqlite:///")) as conn:
        return int(conn.execute(query).fetchone()[0])


def serve(app: str, backend: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            *SERVERS[backend],
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    wait_for_port(port, proc=proc)
    return proc, port


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def run_backend(backend: str, tmp: Path) -> list[str]:
    var = tmp / backend
    var.mkdir()
    env = env_for(backend, var)
    prepare(backend, env)
    warm, full, paced = tmp / f"{backend}-warm.txt", tmp / f"{backend}-full.txt", tmp / f"{backend}-paced.txt"
    write_bodies(warm, f"{backend}w", 5000)
    write_bodies(full, f"{backend}f", 60000)
    write_bodies(paced, f"{backend}p", 12000)
    lines = []
    for label, app, path in (
        ("baseline (signature only)", "bench.baseline_app:application", ""),
        ("webhook (store + enqueue)", "satark.wsgi:application", "/webhooks/whatsapp/"),
    ):
        proc, port = serve(app, backend, env)
        try:
            url = f"http://127.0.0.1:{port}{path or '/'}"
            wrk(url, warm, 16, 2)
            before = stored(backend, env) if path else 0
            top = wrk(url, full, 32, DURATION)
            middle = stored(backend, env) if path else 0
            # 28 connections, each pausing 45 ms between requests: about 500 msg/s with ~10 ms answers.
            slow = wrk(url, paced, 28, DURATION, delay_ms=45)
            after = stored(backend, env) if path else 0
        finally:
            stop(proc)
        check = ""
        if path:
            kept_top = middle - before
            kept_slow = after - middle
            acked_top = top["requests"] - top["non2xx"]
            acked_slow = slow["requests"] - slow["non2xx"]
            lost = max(0, int(acked_top - kept_top)) + max(0, int(acked_slow - kept_slow))
            check = f" | acked {int(acked_top + acked_slow)}, stored {kept_top + kept_slow}, lost {lost}"
        lines.append(
            f"{backend:8} {label:26} max {top['rate']:7.0f} msg/s p50 {top['p50_ms']:6.1f} ms p99 {top['p99_ms']:6.1f} ms"
            f" (non-2xx {int(top['non2xx'])}) | at {slow['rate']:4.0f} msg/s: p50 {slow['p50_ms']:5.1f} ms"
            f" p99 {slow['p99_ms']:5.1f} ms{check}"
        )
        print(lines[-1], flush=True)
    return lines


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    backends = sys.argv[1:] or ["sqlite", "postgres"]
    with tempfile.TemporaryDirectory(prefix="satark-ingest-") as tmp:
        for backend in backends:
            run_backend(backend, Path(tmp))
        time.sleep(0.1)


if __name__ == "__main__":
    main()
