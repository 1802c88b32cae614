from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from satark.core import testing as t
from satark.vault import api
from satark.vault.models import Identity

pytestmark = pytest.mark.django_db


def test_reference_is_stable_opaque_and_reversible_only_by_the_vault() -> None:
    ref = api.reference_for("whatsapp", t.SENTINEL_PHONE)
    assert ref == api.reference_for("whatsapp", t.SENTINEL_PHONE)
    assert ref.startswith("rp_") and "3210" not in ref
    row = Identity.objects.get()
    for spelling in t.SENTINEL_SPELLINGS:
        assert spelling not in row.ciphertext and spelling not in (row.pseudonym_phone or "")
    assert api.address_for(ref).phone == t.SENTINEL_PHONE
    assert t.SENTINEL_PHONE not in repr(api.address_for(ref))


def test_phone_and_business_scoped_id_resolve_to_one_reporter() -> None:
    by_phone = api.reference_for("whatsapp", t.SENTINEL_PHONE)
    both = api.reference_for("whatsapp", t.SENTINEL_PHONE, "IN.ABCDEF123456")
    only_user = api.reference_for("whatsapp", "", "IN.ABCDEF123456")
    assert by_phone == both == only_user
    assert api.address_for(by_phone).user_id == "IN.ABCDEF123456"


def test_changed_number_keeps_the_reference() -> None:
    ref = api.reference_for("whatsapp", t.SENTINEL_PHONE)
    assert api.change_number("whatsapp", t.SENTINEL_PHONE, "919111111111") == ref
    assert api.reference_for("whatsapp", "919111111111") == ref
    assert api.address_for(ref).phone == "919111111111"


def test_key_rotation_keeps_every_reporter_reachable(settings) -> None:  # type: ignore[no-untyped-def]
    ref = api.reference_for("whatsapp", t.SENTINEL_PHONE)
    old_key = settings.SATARK_VAULT_KEYS[0]
    new_key = Fernet.generate_key().decode()
    with override_settings(SATARK_VAULT_KEYS=[new_key, old_key]):
        assert api.rotate_keys() == 1
    with override_settings(SATARK_VAULT_KEYS=[new_key]):
        assert api.address_for(ref).phone == t.SENTINEL_PHONE
