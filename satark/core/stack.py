"""Starts the product's processes (web server, task consumer, WhatsApp simulator) as child processes.

Used by `manage.py demo` and by the end-to-end tests, so both run the same stack. It imports nothing
of the product: everything is started by command line.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 30.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


@dataclass
class Stack:
    env: dict[str, str]
    web_port: int = 8000
    sim_port: int = 8001
    log_dir: Path | None = None
    with_simulator: bool = True
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def sim_url(self) -> str:
        return f"http://127.0.0.1:{self.sim_port}"

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        out = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = (self.log_dir / f"{name}.log").open("ab")
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT if out else None, start_new_session=True
        )
        self.procs.append(proc)
        return proc

    def start(self) -> None:
        try:
            self._start()
        except BaseException:
            self.stop()  # never leave half a stack running
            raise

    def _start(self) -> None:
        py = sys.executable
        sim = None
        if self.with_simulator:
            self.env = {**self.env, "SATARK_GRAPH_API_BASE": self.sim_url}
            sim = self._spawn(
                "simulator",
                [
                    py,
                    "-m",
                    "satark.simulator",
                    "--port",
                    str(self.sim_port),
                    "--webhook-url",
                    f"{self.web_url}/webhooks/whatsapp/",
                ],
            )
        web = self._spawn(
            "web",
            [
                py,
                "-m",
                "gunicorn",
                "satark.wsgi",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "1",
                "--threads",
                "8",
                "--worker-class",
                "gthread",
                "--timeout",
                "60",
                "--access-logfile",
                "-",
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(L)ss",
            ],
        )
        self._spawn("consumer", [py, "manage.py", "run_huey", "--quiet"])
        if sim is not None:
            wait_for_port(self.sim_port, proc=sim)
            # The fake account starts with no templates, like a new WhatsApp Business Account.
            subprocess.run(  # noqa: S603
                [py, "manage.py", "sync_templates"], cwd=ROOT, env=self.env, check=True, capture_output=True
            )
        wait_for_port(self.web_port, proc=web)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGINT)  # Huey shuts down gracefully on SIGINT
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()
