"""The current second-step code of a demo account, for people trying `make demo` without an
authenticator app:

    python manage.py demo_code sp.ghazipur

Only the demo accounts (create_demo_users) are served: a real account's code comes only from its owner's
authenticator app."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .create_demo_users import demo_accounts


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of a demo account (make demo only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if username not in {name for name, *_ in demo_accounts()}:
            raise CommandError(f"{username!r} is not a demo account; its code comes from its owner's app")
        user = get_user_model().objects.filter(username=username).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if device is None:
            raise CommandError(f"{username} has no authenticator set up: run `manage.py create_demo_users`")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
