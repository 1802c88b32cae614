"""The vault's whole public surface.

`reference_for` is called on receipt (it sees the identifiers once, in memory, and returns an opaque
reference); `address_for` is called only by the outbound send path (messaging.outbound).
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from satark.core.address import Address
from satark.core.ids import opaque_id

from . import crypto
from .models import Identity


def _find(channel: str, phone: str, user_id: str) -> tuple[Identity | None, str | None, str | None]:
    p_user = crypto.pseudonym(channel, "user:" + user_id) if user_id else None
    p_phone = crypto.pseudonym(channel, "phone:" + phone) if phone else None
    query = Q(pk__in=[])
    if p_user:
        query |= Q(pseudonym_user=p_user)
    if p_phone:
        query |= Q(pseudonym_phone=p_phone)
    return Identity.objects.filter(query).first(), p_user, p_phone


def reference_for(channel: str, phone: str, user_id: str = "") -> str:
    """The opaque reporter reference for a sender, created on first contact.

    Meta may identify one person by phone number, by business-scoped user id, or both; a sender seen
    once with each keeps one reference, and the missing half is filled in when it first appears."""
    if not phone and not user_id:
        raise ValueError("a sender needs a phone number or a user id")
    identity, p_user, p_phone = _find(channel, phone, user_id)
    if identity is not None:
        if (p_user and not identity.pseudonym_user) or (p_phone and not identity.pseudonym_phone):
            data = crypto.unseal(identity.ciphertext)
            data["phone"] = data.get("phone") or phone
            data["user_id"] = data.get("user_id") or user_id
            identity.pseudonym_user = identity.pseudonym_user or p_user
            identity.pseudonym_phone = identity.pseudonym_phone or p_phone
            identity.ciphertext = crypto.seal(data)
            try:
                with transaction.atomic():
                    identity.save(update_fields=["pseudonym_user", "pseudonym_phone", "ciphertext"])
            except IntegrityError:
                pass  # the other half belongs to another identity already; keep both as they are
        return identity.reference
    try:
        with transaction.atomic():
            identity = Identity.objects.create(
                reference="rp_" + opaque_id(12),
                pseudonym_user=p_user,
                pseudonym_phone=p_phone,
                ciphertext=crypto.seal({"channel": channel, "phone": phone, "user_id": user_id}),
            )
    except IntegrityError:  # a concurrent first message from the same sender
        found, _, _ = _find(channel, phone, user_id)
        if found is None:
            raise
        return found.reference
    return identity.reference


def touch_inbound(reference: str) -> None:
    Identity.objects.filter(reference=reference).update(last_inbound_at=timezone.now())


def last_inbound_at(reference: str) -> datetime | None:
    value: datetime | None = (
        Identity.objects.filter(reference=reference).values_list("last_inbound_at", flat=True).first()
    )
    return value


def address_for(reference: str) -> Address:
    """Decrypt a reporter's address. Only the outbound send path may call this."""
    identity = Identity.objects.get(reference=reference)
    data = crypto.unseal(identity.ciphertext)
    return Address(channel=data["channel"], phone=data.get("phone", ""), user_id=data.get("user_id", ""))


def change_number(channel: str, old_phone: str, new_phone: str, new_user_id: str = "") -> str | None:
    """Meta's `user_changed_number`: move the mapping to the new number (and the regenerated user id),
    keeping the same reference so replies about earlier tips still reach the person."""
    identity, _, _ = _find(channel, old_phone, "")
    if identity is None:
        return None
    data = crypto.unseal(identity.ciphertext)
    data["phone"] = new_phone
    data["user_id"] = new_user_id
    identity.pseudonym_phone = crypto.pseudonym(channel, "phone:" + new_phone) if new_phone else None
    identity.pseudonym_user = crypto.pseudonym(channel, "user:" + new_user_id) if new_user_id else None
    identity.ciphertext = crypto.seal(data)
    identity.save(update_fields=["pseudonym_phone", "pseudonym_user", "ciphertext"])
    return identity.reference


def rotate_keys() -> int:
    """Re-encrypt every identity under the newest key (the first of SATARK_VAULT_KEYS)."""
    count = 0
    for identity in Identity.objects.all().iterator():
        identity.ciphertext = crypto.rotate(identity.ciphertext)
        identity.save(update_fields=["ciphertext"])
        count += 1
    return count
