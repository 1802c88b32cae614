"""Sustained webhook ingestion through the real endpoint (gunicorn + Django + signature + durable
insert + task enqueue), on SQLite (embedded) and PostgreSQL (production), side by side with a bare
baseline endpoint that only checks the signature. Load from wrk on the same 2-core machine.

    .venv/bin/python bench/ingest.py            # both backends (needs PostgreSQL and Redis on 127.0.0.1)
    .venv/bin/python bench/ingest.py sqlite

Every acknowledged message must be stored: after each phase every message id wrk issued is looked up
(by the digest the product stores). Each backend runs BENCH_RUNS times (default 3) on a fresh database;
the summary gives medians."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
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
PSEUDONYM_KEY = "bench-pseudonym"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PG_DB = "satark_bench_ingest"  # not satark_bench: bench/dashboard.py keeps its 1,000,000 tips there
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
            "SATARK_PSEUDONYM_KEY": PSEUDONYM_KEY,
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


def write_bodies(path: Path, prefix: str, count: int, senders: int = 2000) -> list[str]:
    """Signed single-message bodies, one per line; returns their message ids in file order."""
    ids = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            ids.append(f"wamid.{prefix}.{i:08d}")
            msg = t.text("गाँव में रोज़ रात जुआ होता है", sender=f"9180{i % senders:08d}", msg_id=ids[-1])
            body = json.dumps(t.envelope(msg, profile_name="Bench"))
            out.write(f"{sign(body.encode(), SECRET)}\t{body}\n")
    return ids


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


def digest(message_id: str) -> str:
    """The product's stored form of a message id (vault.api.id_digest with the bench's pseudonym key)."""
    mac = hmac.new(PSEUDONYM_KEY.encode(), f"whatsapp:msgid:{message_id}".encode(), hashlib.sha256).hexdigest()
    return "h:" + mac[:40]


def stored_ids(backend: str, env: dict[str, str]) -> set[str]:
    """Every message id digest in the inbox."""
    query = "select substr(dedupe_key, 5) from messaging_inboxitem where kind = 'message'"  # msg:<digest>
    if backend == "postgres":
        import psycopg

        with psycopg.connect(env["SATARK_DATABASE_URL"]) as conn:
            return {row[0] for row in conn.execute(query).fetchall()}
    with sqlite3.connect(env["SATARK_DATABASE_URL"].removeprefix("sqlite:///")) as conn:
        return {row[0] for row in conn.execute(query).fetchall()}


def check_ids(backend: str, env: dict[str, str], ids: list[str], stats: dict[str, float]) -> tuple[int, int, int, int]:
    """(acknowledged, issued bodies found stored, issued bodies missing, bodies in flight at the stop). Each
    issued message id is looked up by its digest. Every acknowledged body was issued, so missing <= in flight
    means no acknowledged message can be missing; anything above that is a proven loss."""
    time.sleep(1.0)  # let requests in flight at the stop finish on the server side
    have = stored_ids(backend, env)
    issued = ids[: int(stats["issued"])]
    found = sum(1 for i in issued if digest(i) in have)
    in_flight = int(stats["issued"] - stats["requests"])
    return int(stats["requests"] - stats["non2xx"]), found, len(issued) - found, in_flight


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


def run_backend(backend: str, tmp: Path, run: int) -> dict[str, dict[str, float]]:
    """One run on a fresh database: baseline and webhook, each at full speed and paced."""
    var = tmp / f"{backend}-{run}"
    var.mkdir()
    env = env_for(backend, var)
    prepare(backend, env)
    warm, full, paced = (tmp / f"{backend}-{run}-{name}.txt" for name in ("warm", "full", "paced"))
    write_bodies(warm, f"{backend}{run}w", 5000)
    full_ids = write_bodies(full, f"{backend}{run}f", 60000)
    paced_ids = write_bodies(paced, f"{backend}{run}p", 12000)
    results: dict[str, dict[str, float]] = {}
    for label, app, path in (
        ("baseline", "bench.baseline_app:application", ""),
        ("webhook", "satark.wsgi:application", "/webhooks/whatsapp/"),
    ):
        proc, port = serve(app, backend, env)
        try:
            url = f"http://127.0.0.1:{port}{path or '/'}"
            wrk(url, warm, 16, 2)
            top = wrk(url, full, 32, DURATION)
            top_check = check_ids(backend, env, full_ids, top) if path else (0, 0, 0, 0)
            # 28 connections, each pausing 45 ms between requests: about 500 msg/s with ~10 ms answers.
            slow = wrk(url, paced, 28, DURATION, delay_ms=45)
            slow_check = check_ids(backend, env, paced_ids, slow) if path else (0, 0, 0, 0)
        finally:
            stop(proc)
        results[label] = {
            "rate": top["rate"],
            "p50": top["p50_ms"],
            "p99": top["p99_ms"],
            "non2xx": top["non2xx"] + slow["non2xx"],
            "slow_rate": slow["rate"],
            "slow_p50": slow["p50_ms"],
            "slow_p99": slow["p99_ms"],
            "acked": top_check[0] + slow_check[0],
            "found": top_check[1] + slow_check[1],
            "missing": top_check[2] + slow_check[2],
            "in_flight": top_check[3] + slow_check[3],
            # proven losses: issued ids missing beyond what was still in flight (per phase)
            "lost": max(0, top_check[2] - top_check[3]) + max(0, slow_check[2] - slow_check[3]),
        }
        r = results[label]
        print(
            f"  run {run + 1} {backend:8} {label:8} max {r['rate']:6.0f} msg/s p99 {r['p99']:6.1f} ms | "
            f"at {r['slow_rate']:4.0f}/s p99 {r['slow_p99']:5.1f} ms"
            + (
                f" | acked {int(r['acked'])}, issued ids stored {int(r['found'])}, missing {int(r['missing'])}"
                f" (in flight {int(r['in_flight'])}), lost {int(r['lost'])}"
                if path
                else ""
            ),
            flush=True,
        )
    return results


def summary(backend: str, runs: list[dict[str, dict[str, float]]]) -> list[str]:
    """Median of the runs per figure; every run's maximum listed; losses summed over all runs."""
    lines = []
    for label, title in (("baseline", "baseline (signature only)"), ("webhook", "webhook (store + enqueue)")):
        rows = [r[label] for r in runs]

        def med(key: str, rows: list[dict[str, float]] = rows) -> float:
            return statistics.median(row[key] for row in rows)

        line = (
            f"{backend:8} {title:26} max {med('rate'):7.0f} msg/s p50 {med('p50'):6.1f} ms p99 {med('p99'):6.1f} ms"
            f" (non-2xx {int(sum(row['non2xx'] for row in rows))}) | at {med('slow_rate'):4.0f} msg/s:"
            f" p50 {med('slow_p50'):5.1f} ms p99 {med('slow_p99'):5.1f} ms"
        )
        if label == "webhook":
            base = statistics.median(r["baseline"]["rate"] for r in runs)
            each = ", ".join(f"{row['rate']:.0f}" for row in rows)
            line += (
                f" | x{med('rate') / base:.2f} of baseline | runs: {each}"
                f" | acked {int(sum(row['acked'] for row in rows))}, every issued id checked:"
                f" missing {int(sum(row['missing'] for row in rows))} of"
                f" {int(sum(row['in_flight'] for row in rows))} in flight, lost {int(sum(row['lost'] for row in rows))}"
            )
        lines.append(line)
    return lines


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    backends = sys.argv[1:] or ["sqlite", "postgres"]
    lines = []
    with tempfile.TemporaryDirectory(prefix="satark-ingest-") as tmp:
        for backend in backends:
            runs = [run_backend(backend, Path(tmp), run) for run in range(RUNS)]
            lines += summary(backend, runs)
    print(f"\nmedian of {RUNS} runs, {DURATION} s each phase:")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
