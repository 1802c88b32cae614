from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from satark.core import testing as t
from satark.vault import api
from satark.vault.models import Identity

pytestmark = pytest.mark.django_db

REPORTERS = [(t.SENTINEL_PHONE, ""), ("919111111111", "IN.SECOND00001"), ("", "IN.THIRD000001")]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_vault_keys", *args, stdout=out)
    return out.getvalue()


def test_rotating_then_dropping_the_old_key_keeps_every_reporter_reachable(settings) -> None:  # type: ignore[no-untyped-def]
    refs = [api.reference_for("whatsapp", phone, user) for phone, user in REPORTERS]
    old_key = settings.SATARK_VAULT_KEYS[0]
    new_key = Fernet.generate_key().decode()
    with override_settings(SATARK_VAULT_KEYS=[new_key, old_key]):
        first = _run()
        again = _run()  # idempotent: nothing left to do
    assert "identities: 3; re-encrypted under the first key: 3; already under it: 0; unreadable" in first
    assert "older keys may now be removed" in first
    assert "re-encrypted under the first key: 0; already under it: 3" in again
    with override_settings(SATARK_VAULT_KEYS=[new_key]):
        for ref, (phone, user) in zip(refs, REPORTERS, strict=True):
            address = api.address_for(ref)
            assert (address.phone, address.user_id) == (phone, user)
        assert "already under it: 3; unreadable with the configured keys: 0" in _run("--force")
    with override_settings(SATARK_VAULT_KEYS=[old_key]), pytest.raises(InvalidToken):
        api.address_for(refs[0])  # the old key alone no longer opens anything


def test_a_single_key_is_refused_without_force() -> None:
    api.reference_for("whatsapp", t.SENTINEL_PHONE)
    with pytest.raises(CommandError, match="only one key"):
        _run()
    before = Identity.objects.get().ciphertext
    assert "already under it: 1" in _run("--force")
    assert Identity.objects.get().ciphertext == before  # --force with one key changes nothing


def test_identities_no_key_opens_are_reported_and_fail_the_command(settings) -> None:  # type: ignore[no-untyped-def]
    ref = api.reference_for("whatsapp", t.SENTINEL_PHONE)
    lost_key = Fernet.generate_key().decode()
    Identity.objects.filter(reference=ref).update(
        ciphertext=Fernet(lost_key.encode()).encrypt(b'{"channel": "whatsapp"}').decode()
    )
    api.reference_for("whatsapp", "919111111111")
    new_key = Fernet.generate_key().decode()
    with override_settings(SATARK_VAULT_KEYS=[new_key, *settings.SATARK_VAULT_KEYS]):
        with pytest.raises(CommandError, match="1 identities open under none"):
            _run()
        assert api.rotate_keys() == api.RotationResult(rotated=0, current=1, unreadable=1)


def test_forget_deletes_the_identity_for_good() -> None:
    ref = api.reference_for("whatsapp", t.SENTINEL_PHONE, "IN.ABCDEF123456")
    other = api.reference_for("whatsapp", "919111111111")
    assert api.forget(ref) is True
    assert api.forget(ref) is False  # already gone
    assert list(Identity.objects.values_list("reference", flat=True)) == [other]
    with pytest.raises(api.UnknownReference):
        api.address_for(ref)
    # The same person writing again is a new, unrelated reporter.
    assert api.reference_for("whatsapp", t.SENTINEL_PHONE, "IN.ABCDEF123456") not in (ref, other)
    assert api.forget_many([other, "", "rp_unknown"]) == 1
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone()[0] == 1
