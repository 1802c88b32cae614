"""Production profile: PostgreSQL, Redis + Huey consumers, the real Graph API. Every secret is required."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

for _name in (
    "SATARK_SECRET_KEY",
    "SATARK_DATABASE_URL",
    "SATARK_HUEY_URL",
    "SATARK_VAULT_KEYS",
    "SATARK_PSEUDONYM_KEY",
    "SATARK_WHATSAPP_TOKEN",
    "SATARK_WHATSAPP_PHONE_NUMBER_ID",
    "SATARK_WHATSAPP_APP_SECRET",
    "SATARK_WHATSAPP_VERIFY_TOKEN",
    "SATARK_WHATSAPP_WABA_ID",
    "SATARK_WHATSAPP_DISPLAY_NUMBER",  # real posters must never carry the simulator's number
):
    if not env(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env("SATARK_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
