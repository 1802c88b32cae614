"""TOTP devices (django-otp) and one-time recovery codes for staff accounts."""

from __future__ import annotations

import io
import secrets
from base64 import b32encode
from typing import Any

import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from satark.audit.actions import record

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def has_device(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled (one per user; a fresh secret when none is pending)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG drawn on the server (no external service, no script)."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        out, kind="svg", scale=5, border=4, xmldecl=False, svgclass="qr", dark="#000", light="#fff"
    )
    return out.getvalue().decode()


def _recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def confirm(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a first code; returns fresh recovery codes (shown once), or None."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(device.user)
    record("staff.2fa_enrolled", "user", device.user.get_username(), actor=device.user)
    return codes


def new_recovery_codes(user: Any) -> list[str]:
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return codes


def verify(user: Any, token: str) -> Any:
    """The device that accepts this code (a TOTP code or an unused recovery code), or None. Each device
    throttles its own failures (django-otp: exponential back-off)."""
    token = token.strip().replace(" ", "").lower()
    if not token:
        return None
    kinds: list[Any] = [TOTPDevice] if token.isdigit() else [StaticDevice]
    for model in kinds:
        for device in model.objects.filter(user=user, confirmed=True):
            with transaction.atomic():
                locked = model.objects.select_for_update().get(pk=device.pk)
                if locked.verify_token(token):
                    return locked
    return None


def throttled(user: Any) -> bool:
    return any(not d.verify_is_allowed()[0] for d in TOTPDevice.objects.filter(user=user, confirmed=True))


def remaining_recovery_codes(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def reset(user: Any, *, actor: Any, reason: str) -> None:
    """An administrator's reset: every device goes; the account enrols again at its next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record("staff.2fa_reset", "user", user.get_username(), actor=actor, details={"reason": reason})
