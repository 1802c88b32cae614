"""`manage.py rotate_vault_keys`: re-encrypt every identity under the first key of SATARK_VAULT_KEYS.

Rotation, step by step:
1. generate a key, put it FIRST in SATARK_VAULT_KEYS (old keys after it), restart every process;
2. run this command (idempotent: run it again after a crash, or to check);
3. only when it reports 0 unreadable and 0 left under old keys, drop the old keys and restart;
4. `rotate_vault_keys --force` with the single remaining key checks that every identity opens.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from satark.vault.api import rotate_keys


class Command(BaseCommand):
    help = "Re-encrypt every vault identity under the first key of SATARK_VAULT_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="run with a single key (changes nothing; checks that every identity opens under it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keys = list(settings.SATARK_VAULT_KEYS)
        if not keys:
            raise CommandError("SATARK_VAULT_KEYS is empty: the vault cannot decrypt anything.")
        if len(keys) == 1 and not options["force"]:
            raise CommandError(
                "SATARK_VAULT_KEYS holds only one key, so there is nothing to rotate to. Put the new key first "
                "(comma-separated, the old keys after it), restart, and run this again. "
                "Use --force to check every identity against the single key without changing anything."
            )
        result = rotate_keys()
        self.stdout.write(
            f"identities: {result.total}; re-encrypted under the first key: {result.rotated}; "
            f"already under it: {result.current}; unreadable with the configured keys: {result.unreadable}"
        )
        if result.unreadable:
            raise CommandError(
                f"{result.unreadable} identities open under none of the configured keys: restore the key "
                "they were written with (after the others in SATARK_VAULT_KEYS) before dropping anything."
            )
        if len(keys) > 1:
            self.stdout.write("Every identity is under the first key: the older keys may now be removed.")
