"""The vault on a database of its own: a real second SQLite file as alias "vault", migrated with
`migrate --database=vault`, with the router installed as production would install it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test import override_settings

from satark.core import testing as t
from satark.settings.base import database_from_url
from satark.settings.routers import VAULT_ALIAS, VaultRouter, vault_database
from satark.vault import api
from satark.vault.models import Identity

ROUTERS = ["satark.settings.routers.VaultRouter"]


@pytest.fixture
def vault_alias(tmp_path: Path, django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Add a "vault" alias (a fresh SQLite file) the way SATARK_VAULT_DATABASE_URL would, migrate the
    vault onto it, and take it away afterwards. `connections.settings` is `settings.DATABASES` (the same
    dict), so the router sees the alias exactly as it would in production.

    These tests are deliberately not `django_db` tests: Django's TestCase forbids connections to any
    alias it did not set up itself, and pytest-django sets up only aliases present at session start.
    So the test database is set up (`django_db_setup`) and unblocked by hand; nothing here writes to
    "default" (the vault's rows go to the temporary file, which is deleted with tmp_path)."""
    config = database_from_url(f"sqlite:///{tmp_path / 'vault.sqlite3'}")  # as base.py would build it
    connections.settings[VAULT_ALIAS] = connections.configure_settings(
        {DEFAULT_DB_ALIAS: dict(connections.settings[DEFAULT_DB_ALIAS]), VAULT_ALIAS: config}
    )[VAULT_ALIAS]
    try:
        with django_db_blocker.unblock(), override_settings(DATABASE_ROUTERS=ROUTERS):
            call_command("migrate", database=VAULT_ALIAS, verbosity=0)
            yield VAULT_ALIAS
    finally:
        connections[VAULT_ALIAS].close()
        del connections[VAULT_ALIAS]
        del connections.settings[VAULT_ALIAS]


def test_without_a_vault_alias_everything_stays_on_default() -> None:
    assert vault_database() == DEFAULT_DB_ALIAS
    r = VaultRouter()
    assert r.db_for_write(Identity) == DEFAULT_DB_ALIAS
    assert r.allow_migrate(DEFAULT_DB_ALIAS, "vault") is None  # no opinion: Django's default (migrate)
    assert r.allow_migrate(DEFAULT_DB_ALIAS, "tips") is None


def test_the_vault_alias_holds_the_vault_and_nothing_else(vault_alias: str) -> None:
    assert router.db_for_write(Identity) == router.db_for_read(Identity) == vault_alias
    assert router.allow_migrate(vault_alias, "vault") is True
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "vault") is False
    assert router.allow_migrate(vault_alias, "tips") is False
    assert router.allow_migrate(vault_alias, "auth") is False
    tables = set(connections[vault_alias].introspection.table_names())
    assert "vault_identity" in tables
    assert tables - {"vault_identity", "django_migrations"} == set(), tables


def test_reporters_are_stored_and_reached_through_the_vault_alias(vault_alias: str) -> None:
    before = Identity.objects.using(DEFAULT_DB_ALIAS).count()
    ref = api.reference_for("whatsapp", t.SENTINEL_PHONE, "IN.ABCDEF123456")
    assert api.references_for("whatsapp", [(t.SENTINEL_PHONE, "IN.ABCDEF123456")]) == [ref]
    assert Identity.objects.using(vault_alias).filter(reference=ref).exists()
    assert Identity.objects.using(DEFAULT_DB_ALIAS).count() == before  # nothing landed on "default"
    assert api.address_for(ref).phone == t.SENTINEL_PHONE
    assert api.change_number("whatsapp", t.SENTINEL_PHONE, "919111111111") == ref
    assert api.address_for(ref).phone == "919111111111"
    assert api.rotate_keys().current == 1
    assert api.forget(ref)
    assert not Identity.objects.using(vault_alias).exists()


def test_a_rolled_back_caller_transaction_on_default_does_not_undo_the_vault(vault_alias: str) -> None:
    """Documented behaviour of the split: the vault commits on its own connection."""

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic(using=DEFAULT_DB_ALIAS):
        ref = api.reference_for("whatsapp", t.SENTINEL_PHONE)
        raise Boom
    assert api.reference_for("whatsapp", t.SENTINEL_PHONE) == ref  # found again, not duplicated
    assert Identity.objects.using(vault_alias).count() == 1


def test_the_vault_opens_its_transactions_on_its_own_alias(vault_alias: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[bool, bool]] = []
    real_resolve = api._resolve

    def spy(channel: str, phone: str, user_id: str) -> Identity | None:
        seen.append((connections[vault_alias].in_atomic_block, connections[DEFAULT_DB_ALIAS].in_atomic_block))
        return real_resolve(channel, phone, user_id)

    monkeypatch.setattr(api, "_resolve", spy)
    api.reference_for("whatsapp", t.SENTINEL_PHONE)
    api.change_number("whatsapp", t.SENTINEL_PHONE, "919111111111")
    assert seen == [(True, False)]
    assert connections[vault_alias].in_atomic_block is False  # committed
