"""A whole running product for end-to-end tests: web server, task consumer and WhatsApp simulator as
real processes on 127.0.0.1, on SQLite + SqliteHuey (embedded path) or PostgreSQL + Redis (production
path), chosen by SATARK_TEST_DB like the rest of the suite."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sqlite3
import struct
import subprocess
import sys
import time
from base64 import b32decode
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from satark.core.stack import ROOT, Stack, free_port

E2E_DB = "satark_e2e"
TEST_SECRETS = {
    "SATARK_SECRET_KEY": "e2e-secret-key-0123456789abcdef0123456789",
    "SATARK_VAULT_KEYS": "Cu-NAefTgtYxBtZvfAZIUgOmw7enEIMkQX_BcqQ7LSA=",
    "SATARK_PSEUDONYM_KEY": "e2e-pseudonym-key",
    "SATARK_WHATSAPP_TOKEN": "e2e-token",
    "SATARK_WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "SATARK_WHATSAPP_APP_SECRET": "e2e-app-secret",
    "SATARK_WHATSAPP_VERIFY_TOKEN": "e2e-verify",
}


@dataclass
class Running:
    stack: Stack
    backend: str
    var: Path
    database_url: str
    logins: dict[str, str] = field(default_factory=dict)
    totp_secrets: dict[str, str] = field(default_factory=dict)

    def sim(self) -> httpx.Client:
        return httpx.Client(base_url=self.stack.sim_url, timeout=40)

    def dump_database(self) -> str:
        """Every row of every table except the vault's, as text."""
        chunks: list[str] = []
        if self.backend == "sqlite":
            path = self.database_url.removeprefix("sqlite:///")
            with sqlite3.connect(path) as conn:
                tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
                for table in tables:
                    if table == "vault_identity":
                        continue
                    for row in conn.execute(f'select * from "{table}"'):
                        chunks.append(f"{table}: {row!r}")
        else:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                tables = [
                    r[0] for r in conn.execute("select tablename from pg_tables where schemaname='public'").fetchall()
                ]
                for table in tables:
                    if table == "vault_identity":
                        continue
                    for row in conn.execute(f'select * from "{table}"').fetchall():
                        chunks.append(f"{table}: {row!r}")
        return "\n".join(chunks)

    def dump_queue(self) -> str:
        """Everything in the task queue's storage (SqliteHuey file or the Redis database)."""
        if self.backend == "sqlite":
            path = self.var / "huey.sqlite3"
            with sqlite3.connect(path) as conn:
                tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
                return "\n".join(repr(row) for table in tables for row in conn.execute(f'select * from "{table}"'))
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=14)
        out = []
        for key in client.keys("*"):
            kind = client.type(key)
            if kind == b"string":
                out.append(repr(client.get(key)))
            elif kind == b"list":
                out.append(repr(client.lrange(key, 0, -1)))
            elif kind == b"zset":
                out.append(repr(client.zrange(key, 0, -1)))
            elif kind == b"hash":
                out.append(repr(client.hgetall(key)))
            else:
                out.append(repr(key))
        return "\n".join(out)


def _prepare_backend(backend: str, var: Path) -> dict[str, str]:
    if backend == "postgres":
        import psycopg
        import redis

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {E2E_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {E2E_DB}")
        redis.Redis(host="127.0.0.1", port=6379, db=14).flushdb()
        return {
            "SATARK_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{E2E_DB}",
            "SATARK_HUEY_URL": "redis://127.0.0.1:6379/14",
        }
    return {
        "SATARK_DATABASE_URL": f"sqlite:///{var / 'satark.sqlite3'}",
        "SATARK_HUEY_URL": f"sqlite:///{var / 'huey.sqlite3'}",
    }


def start_product(tmp: Path) -> Iterator[Running]:
    backend = os.environ.get("SATARK_TEST_DB", "sqlite")
    var = tmp / "var"
    var.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SATARK_") or k == "SATARK_TEST_DB"}
    env.update(TEST_SECRETS)
    env.update(_prepare_backend(backend, var))
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "satark.settings.embedded",
            "SATARK_VAR_DIR": str(var),
            "SATARK_MEDIA_ROOT": str(var / "media"),
            "SATARK_LOG_LEVEL": "INFO",
            # Notices to reporters normally wait 20-180 minutes at random; here a few seconds.
            "SATARK_NOTICE_DELAY_MIN_MINUTES": "0",
            "SATARK_NOTICE_DELAY_MAX_MINUTES": "0.05",
            "PYTHONUNBUFFERED": "1",
        }
    )
    setup = subprocess.run(
        [sys.executable, "manage.py", "demo", "--setup-only"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    rows = [line.split(" ") for line in (var / "demo-logins").read_text().splitlines()]
    logins = {row[0]: row[1] for row in rows}
    TOTP_SECRETS.update({row[0]: row[2] for row in rows if len(row) > 2})
    stack = Stack(env=env, web_port=free_port(), sim_port=free_port(), log_dir=var / "logs")
    stack.start()
    try:
        yield Running(
            stack=stack,
            backend=backend,
            var=var,
            database_url=env["SATARK_DATABASE_URL"],
            logins=logins,
            totp_secrets=dict(TOTP_SECRETS),
        )
    finally:
        stack.stop()


# Demo accounts' TOTP secrets (base32), from var/demo-logins.
TOTP_SECRETS: dict[str, str] = {}
_LAST_STEP: dict[str, int] = {}


def totp_code(username: str) -> str:
    """The account's RFC 6238 code (30-second steps, 6 digits). A code is accepted once per step, so a second
    sign-in within the same step uses the next step's code (the server tolerates one step of drift)."""
    while True:
        now = int(time.time()) // 30
        step = max(now, _LAST_STEP.get(username, -1) + 1)
        if step <= now + 1:
            break
        time.sleep(1)
    _LAST_STEP[username] = step
    digest = hmac.new(b32decode(TOTP_SECRETS[username]), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Staff:
    """A police user in a real HTTP session against the running web server."""

    def __init__(self, base_url: str, username: str, password: str):
        self.client = httpx.Client(base_url=base_url, timeout=20, follow_redirects=True)
        page = self.client.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:500]
        response = self.client.post(
            "/login/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": token.group(1),
                "next": "/dashboard/",
            },
            headers={"Referer": f"{base_url}/login/"},
        )
        if "/login/verify/" in str(response.url):  # the second factor: a code from the demo account's secret
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
            assert token, response.text[:500]
            response = self.client.post(
                "/login/verify/",
                data={"code": totp_code(username), "csrfmiddlewaretoken": token.group(1), "next": "/dashboard/"},
                headers={"Referer": str(response.url)},
            )
        assert response.status_code == 200 and "/dashboard/" in str(response.url), response.text[:500]

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        token = self.client.cookies.get("csrftoken", "")
        base = str(self.client.base_url).rstrip("/")
        return self.client.post(path, data={**data, "csrfmiddlewaretoken": token}, headers={"Referer": base + path})


def outbound(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m["direction"] == "out"]
