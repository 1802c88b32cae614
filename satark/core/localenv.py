"""Local secrets for the embedded profile: generated once into var/env, never committed."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

_BASE = Path(__file__).resolve().parent.parent.parent


def _var_dir() -> Path:
    return Path(os.environ.get("SATARK_VAR_DIR", _BASE / "var"))


def local_env_path() -> Path:
    return _var_dir() / "env"


def generate_local_env() -> dict[str, str]:
    """Fresh random secrets for a local install (the simulator shares the WhatsApp ones)."""
    return {
        "SATARK_SECRET_KEY": secrets.token_urlsafe(48),
        "SATARK_VAULT_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "SATARK_PSEUDONYM_KEY": secrets.token_urlsafe(32),
        "SATARK_WHATSAPP_TOKEN": "sim-" + secrets.token_urlsafe(24),
        "SATARK_WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
        "SATARK_WHATSAPP_APP_SECRET": secrets.token_hex(16),
        "SATARK_WHATSAPP_VERIFY_TOKEN": secrets.token_urlsafe(16),
    }


def load_local_env() -> None:
    """Fill os.environ from var/env (created on first use) without overriding what is already set."""
    path = local_env_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        values = generate_local_env()
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(path)
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip())
