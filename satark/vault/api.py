"""The vault's whole public surface.

`reference_for` is called on receipt (it sees the identifiers once, in memory, and returns an opaque
reference); `address_for` is called only by the outbound send path (messaging.outbound).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.views.decorators.debug import sensitive_variables

from satark.core.address import Address
from satark.core.ids import opaque_id

from . import crypto
from .models import Identity


def _pseudonyms(channel: str, phone: str, user_id: str) -> tuple[str | None, str | None]:
    p_user = crypto.pseudonym(channel, "user:" + user_id) if user_id else None
    p_phone = crypto.pseudonym(channel, "phone:" + phone) if phone else None
    return p_user, p_phone


def _detach_phone(identity: Identity) -> None:
    """The number now belongs to someone else: the old identity keeps only its user id."""
    data = crypto.unseal(identity.ciphertext)
    data["phone"] = ""
    identity.pseudonym_phone = None
    identity.ciphertext = crypto.seal(data)
    identity.save(update_fields=["pseudonym_phone", "ciphertext"])


@sensitive_variables()
def _resolve(channel: str, phone: str, user_id: str) -> Identity | None:
    """Find the identity for a sender, never merging two different people.

    The business-scoped user id decides when present: a phone number held by an identity with a
    different user id has been reissued to a new person, so it is taken away from the old identity
    (which stays reachable by its user id) and the sender is treated as new."""
    p_user, p_phone = _pseudonyms(channel, phone, user_id)
    by_user = Identity.objects.filter(pseudonym_user=p_user).first() if p_user else None
    by_phone = Identity.objects.filter(pseudonym_phone=p_phone).first() if p_phone else None
    if by_phone is not None and by_user is not None and by_phone.pk != by_user.pk:
        _detach_phone(by_phone)
        by_phone = None
    if by_phone is not None and by_user is None and p_user and by_phone.pseudonym_user not in (None, p_user):
        _detach_phone(by_phone)
        by_phone = None
    identity = by_user or by_phone
    if identity is None:
        return None
    if identity.pseudonym_user != (p_user or identity.pseudonym_user) or identity.pseudonym_phone != (
        p_phone or identity.pseudonym_phone
    ):
        data = crypto.unseal(identity.ciphertext)
        data["phone"] = phone or data.get("phone", "")
        data["user_id"] = user_id or data.get("user_id", "")
        identity.pseudonym_user = p_user or identity.pseudonym_user
        identity.pseudonym_phone = p_phone or identity.pseudonym_phone
        identity.ciphertext = crypto.seal(data)
        identity.save(update_fields=["pseudonym_user", "pseudonym_phone", "ciphertext"])
    return identity


def id_digest(channel: str, external_id: str) -> str:
    """A keyed hash of a channel's message id. WhatsApp message ids embed the chat partner's phone
    number (base64), so they are stored only as this digest: enough to deduplicate deliveries and to
    match statuses to sends, useless for recovering the number."""
    if not external_id:
        return ""
    return "h:" + crypto.pseudonym(channel, "msgid:" + external_id)[:40]


@sensitive_variables()
def references_for(channel: str, senders: list[tuple[str, str]]) -> list[str]:
    """`reference_for` for many (phone, user id) pairs at once: one query for every sender already
    known as they are (the steady state); only new or changed senders take the slow path."""
    keys = [_pseudonyms(channel, phone, user_id) for phone, user_id in senders]
    users = {u for u, _ in keys if u}
    phones = {p for _, p in keys if p}
    rows = Identity.objects.filter(Q(pseudonym_user__in=users) | Q(pseudonym_phone__in=phones)).values_list(
        "pk", "reference", "pseudonym_user", "pseudonym_phone"
    )
    by_user = {row[2]: row for row in rows if row[2]}
    by_phone = {row[3]: row for row in rows if row[3]}
    references = []
    for (phone, user_id), (p_user, p_phone) in zip(senders, keys, strict=True):
        u = by_user.get(p_user) if p_user else None
        ph = by_phone.get(p_phone) if p_phone else None
        found = u or ph
        clean = (
            found is not None
            and (u is None or ph is None or u[0] == ph[0])
            and (p_user is None or found[2] == p_user)
            and (p_phone is None or found[3] == p_phone)
        )
        references.append(found[1] if clean and found else reference_for(channel, phone, user_id))
    return references


@sensitive_variables()
def reference_for(channel: str, phone: str, user_id: str = "") -> str:
    """The opaque reporter reference for a sender, created on first contact.

    Meta may identify one person by phone number, by business-scoped user id, or both; a sender seen
    once with each keeps one reference, and the missing half is filled in when it first appears."""
    if not phone and not user_id:
        raise ValueError("a sender needs a phone number or a user id")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                identity = _resolve(channel, phone, user_id)
                if identity is None:
                    p_user, p_phone = _pseudonyms(channel, phone, user_id)
                    identity = Identity.objects.create(
                        reference="rp_" + opaque_id(12),
                        pseudonym_user=p_user,
                        pseudonym_phone=p_phone,
                        ciphertext=crypto.seal({"channel": channel, "phone": phone, "user_id": user_id}),
                    )
                return identity.reference
        except IntegrityError:  # a concurrent first message from the same sender: look again
            continue
    raise RuntimeError("could not resolve the sender's identity")


@sensitive_variables()
def address_for(reference: str) -> Address:
    """Decrypt a reporter's address. Only the outbound send path may call this."""
    identity = Identity.objects.get(reference=reference)
    data = crypto.unseal(identity.ciphertext)
    return Address(channel=data["channel"], phone=data.get("phone", ""), user_id=data.get("user_id", ""))


@sensitive_variables()
def change_number(channel: str, old_phone: str, new_phone: str, new_user_id: str = "") -> str | None:
    """Meta's `user_changed_number`: move the mapping to the new number (and the regenerated user id),
    keeping the same reference so replies about earlier tips still reach the person. If the new number
    was known as someone else's, it is taken from that identity (numbers are reissued)."""
    with transaction.atomic():
        _p_user, p_old = _pseudonyms(channel, old_phone, "")
        identity = Identity.objects.filter(pseudonym_phone=p_old).first() if p_old else None
        if identity is None:
            return None
        p_user, p_new = _pseudonyms(channel, new_phone, new_user_id)
        for holder in Identity.objects.filter(pseudonym_phone=p_new).exclude(pk=identity.pk) if p_new else []:
            _detach_phone(holder)
        if p_user:
            Identity.objects.filter(pseudonym_user=p_user).exclude(pk=identity.pk).update(pseudonym_user=None)
        data = crypto.unseal(identity.ciphertext)
        data["phone"] = new_phone
        data["user_id"] = new_user_id
        identity.pseudonym_phone = p_new
        identity.pseudonym_user = p_user
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
