"""Demo accounts for each role. Passwords and TOTP secrets are random per install and kept in
var/demo-logins ("username password totp-secret"): add the secret to an authenticator app (or compute the
code with `oathtool --totp -b SECRET`) for the second login step."""

from __future__ import annotations

import secrets
from base64 import b32decode, b32encode
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from satark.geography.models import District
from satark.people.models import Officer, Role, StaffProfile
from satark.vault.api import reference_for

# Simulator numbers for one demo officer per district (not real numbers; the simulator is the only peer).
DEMO_OFFICERS = [
    ("919000000101", "Demo SI Jaunpur", "jaunpur"),
    ("919000000102", "Demo SI Ghazipur", "ghazipur"),
    ("919000000103", "Demo SI Chandauli", "chandauli"),
]


def demo_accounts() -> list[tuple[str, str, str, str | None]]:
    """(username, full name, role, district code)."""
    accounts: list[tuple[str, str, str, str | None]] = [("dig.office", "DIG Office operator", Role.DIG_OFFICE, None)]
    for district in District.objects.order_by("order"):
        accounts.append(
            (f"sp.{district.code}", f"SP Office operator, {district.name.get('en')}", Role.SP_OFFICE, district.code)
        )
    accounts.append(("admin", "Range administrator", Role.ADMIN, None))
    return accounts


class Command(BaseCommand):
    help = "Create (or reset) one demo account per role; prints the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=str(Path(settings.VAR_DIR) / "demo-logins"))

    def handle(self, *args: Any, **options: Any) -> None:
        if not District.objects.exists():
            raise CommandError("load the reference data first: manage.py load_reference")
        path = Path(options["file"])
        known: dict[str, str] = {}
        known_secrets: dict[str, str] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                parts = line.split(" ")
                if len(parts) >= 2:
                    known[parts[0]] = parts[1]
                if len(parts) >= 3:
                    known_secrets[parts[0]] = parts[2]
        User = get_user_model()
        lines = []
        for username, full_name, role, district_code in demo_accounts():
            password = known.get(username) or secrets.token_urlsafe(9)
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = full_name
            user.is_staff = role == Role.ADMIN
            user.is_superuser = False
            user.set_password(password)
            user.save()
            district = District.objects.get(code=district_code) if district_code else None
            StaffProfile.objects.update_or_create(user=user, defaults={"role": role, "district": district})
            if role == Role.ADMIN:
                from django.contrib.auth.models import Permission

                # Configuration only: reference data and categories. No user or role management, which
                # would let the account grant itself a tip-reading role.
                user.user_permissions.set(
                    Permission.objects.filter(content_type__app_label="geography")
                    | Permission.objects.filter(content_type__app_label="tips", codename__endswith="category")
                    | Permission.objects.filter(content_type__app_label="people", codename__endswith="_officer")
                )
            secret = known_secrets.get(username) or b32encode(secrets.token_bytes(20)).decode()
            _enrol_totp(user, secret)
            lines.append(f"{username} {password} {secret}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        path.chmod(0o600)
        for line in lines:
            self.stdout.write("  " + "  /  ".join(line.split(" ")))
        self.stdout.write("  (username / password / TOTP secret for an authenticator app: the second login step)")
        self.stdout.write("Demo officers (add their numbers as phones in the simulator to play them):")
        for number, name, district_code in DEMO_OFFICERS:
            district = District.objects.filter(code=district_code).first()
            if district is None:
                continue
            officer, _ = Officer.objects.update_or_create(
                contact_ref=reference_for("whatsapp", number),
                defaults={"name": name, "rank": "si", "district": district, "language": "hi", "active": True},
            )
            self.stdout.write(f"  +{number}  {officer}, {district.name.get('en')}")


def _enrol_totp(user: Any, secret: str) -> None:
    """A confirmed TOTP device with this base32 secret (demo accounts only: real staff enrol themselves)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="demo", confirmed=True, key=b32decode(secret).hex())
