"""Database routing: the identity vault may live in a database of its own.

With a `"vault"` alias in `DATABASES` (production: `SATARK_VAULT_DATABASE_URL`), every read and write
of the `vault` app goes there, the vault's migrations run only there, and nothing else is migrated
there. Without it, the vault shares `"default"` like any other app (the embedded profile).

The decision is taken from `settings.DATABASES` at each call, so adding or removing the alias needs
no change here. Migrating a split deployment takes two commands:

    python manage.py migrate                     # everything but the vault, on "default"
    python manage.py migrate --database=vault    # the vault's tables, on "vault"
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

VAULT_ALIAS = "vault"
VAULT_APP_LABELS = frozenset({"vault"})


def vault_database() -> str:
    """The alias that holds the vault's tables right now."""
    return VAULT_ALIAS if VAULT_ALIAS in settings.DATABASES else DEFAULT_DB_ALIAS


def _is_vault(model_or_obj: Any) -> bool:
    return model_or_obj._meta.app_label in VAULT_APP_LABELS


class VaultRouter:
    """Sends the vault app to the "vault" alias when it exists; says nothing about other apps."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return vault_database() if _is_vault(model) else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return vault_database() if _is_vault(model) else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # No foreign key may cross the boundary once the vault is a separate database (the vault
        # has none today; this keeps it that way).
        if vault_database() != DEFAULT_DB_ALIAS and _is_vault(obj1) != _is_vault(obj2):
            return False
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        if vault_database() == DEFAULT_DB_ALIAS:
            return None  # single database: the default behaviour
        if app_label in VAULT_APP_LABELS:
            return db == VAULT_ALIAS
        if db == VAULT_ALIAS:
            return False  # the vault's database holds the vault and nothing else
        return None
