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
        assert api.rotate_keys().rotated == 1
    with override_settings(SATARK_VAULT_KEYS=[new_key]):
        assert api.address_for(ref).phone == t.SENTINEL_PHONE


def test_a_reissued_number_with_a_new_user_id_is_a_new_reporter() -> None:
    old = api.reference_for("whatsapp", t.SENTINEL_PHONE, "IN.OLDOWNER0001")
    new = api.reference_for("whatsapp", t.SENTINEL_PHONE, "IN.NEWOWNER0002")
    assert new != old
    # The old reporter stays reachable by their user id only; the number now reaches the new owner.
    assert (api.address_for(old).phone, api.address_for(old).user_id) == ("", "IN.OLDOWNER0001")
    assert api.address_for(new).phone == t.SENTINEL_PHONE
    assert api.reference_for("whatsapp", "", "IN.OLDOWNER0001") == old


def test_changing_to_a_number_someone_else_had_takes_it_from_them() -> None:
    mover = api.reference_for("whatsapp", "919222222222", "IN.MOVER000001")
    previous_holder = api.reference_for("whatsapp", t.SENTINEL_PHONE, "IN.HOLDER00001")
    assert api.change_number("whatsapp", "919222222222", t.SENTINEL_PHONE, "IN.MOVER000002") == mover
    assert api.address_for(mover).phone == t.SENTINEL_PHONE
    assert api.address_for(previous_holder).phone == ""
    assert api.reference_for("whatsapp", t.SENTINEL_PHONE, "IN.MOVER000002") == mover


def test_many_new_senders_in_one_batch_are_created_together_and_stay_stable() -> None:
    from satark.vault.models import Identity

    senders = [(f"9198000000{n:02d}", "") for n in range(20)] + [("", "IN.ONLYUSERID001")]
    senders += senders[:3]  # the same senders twice in one batch
    first = api.references_for("whatsapp", senders)
    assert Identity.objects.count() == 21 and len(set(first)) == 21
    assert first[:3] == first[-3:]
    again = [api.reference_for("whatsapp", phone, user) for phone, user in senders]
    assert again == first  # the one-by-one path finds exactly the identities the batch created


def test_a_batch_with_a_reissued_number_never_merges_two_people() -> None:
    from satark.vault.models import Identity

    # The same number with two different business-scoped user ids, both new, in one batch.
    refs = api.references_for(
        "whatsapp", [("919811111111", "IN.PERSONA00001"), ("919811111111", "IN.PERSONB00002"), ("919822222222", "")]
    )
    assert len(set(refs)) == 3 and Identity.objects.count() == 3
    holder = Identity.objects.filter(pseudonym_phone__isnull=False, pseudonym_user__isnull=False)
    assert holder.count() == 1  # the number belongs to one of them only
