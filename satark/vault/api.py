"""The vault's whole public surface.

`reference_for` is called on receipt (it sees the identifiers once, in memory, and returns an opaque
reference); `address_for` is called only by the outbound send path (messaging.outbound); `forget` is
called by the retention job.

The vault may live in a database of its own (`satark.settings.routers.VaultRouter`, alias "vault").
Every transaction here is therefore opened on the vault's alias (`_db()`), never on "default": when the
vault is separate, a caller's transaction on "default" does not cover the vault's writes. A reference
created inside a caller's transaction that then rolls back stays in the vault, unused and harmless
(the sender's next message finds it again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q
from django.views.decorators.debug import sensitive_variables

from satark.core.address import Address
from satark.core.ids import opaque_id

from . import crypto
from .models import Identity


def _db() -> str:
    """The database alias that holds the vault (the router's answer; "default" without a router)."""
    return router.db_for_write(Identity)


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
    _create_unknown(channel, senders, keys, by_user, by_phone)
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
def _create_unknown(
    channel: str,
    senders: list[tuple[str, str]],
    keys: list[tuple[str | None, str | None]],
    by_user: dict[str, Any],
    by_phone: dict[str, Any],
) -> None:
    """Senders seen for the first time (neither their user id nor their number is known) are created in
    one insert; rows another process created meanwhile are skipped and read back. Anything less simple
    (a number now used with another user id) is left to `reference_for`."""
    fresh: dict[tuple[str | None, str | None], tuple[str, str]] = {}
    for sender, key in zip(senders, keys, strict=True):
        p_user, p_phone = key
        if (p_user is None or p_user not in by_user) and (p_phone is None or p_phone not in by_phone):
            fresh.setdefault(key, sender)
    if len(fresh) < 2:
        return  # nothing to gain over the one-by-one path
    new = [
        Identity(
            reference="rp_" + opaque_id(12),
            pseudonym_user=p_user,
            pseudonym_phone=p_phone,
            ciphertext=crypto.seal({"channel": channel, "phone": phone, "user_id": user_id}),
        )
        for (p_user, p_phone), (phone, user_id) in fresh.items()
    ]
    with transaction.atomic(using=_db()):
        Identity.objects.bulk_create(new, ignore_conflicts=True)
    users = {u for u, _ in fresh if u}
    phones = {p for _, p in fresh if p}
    for row in Identity.objects.filter(Q(pseudonym_user__in=users) | Q(pseudonym_phone__in=phones)).values_list(
        "pk", "reference", "pseudonym_user", "pseudonym_phone"
    ):
        if row[2]:
            by_user[row[2]] = row
        if row[3]:
            by_phone[row[3]] = row


@sensitive_variables()
def reference_for(channel: str, phone: str, user_id: str = "") -> str:
    """The opaque reporter reference for a sender, created on first contact.

    Meta may identify one person by phone number, by business-scoped user id, or both; a sender seen
    once with each keeps one reference, and the missing half is filled in when it first appears."""
    if not phone and not user_id:
        raise ValueError("a sender needs a phone number or a user id")
    for _attempt in range(3):
        try:
            with transaction.atomic(using=_db()):
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


class UnknownReference(LookupError):
    """No address behind this reference: forgotten (retention, `forget`) or never created."""


@sensitive_variables()
def address_for(reference: str) -> Address:
    """Decrypt a reporter's address. Only the outbound send path may call this."""
    identity = Identity.objects.filter(reference=reference).first()
    if identity is None:
        raise UnknownReference("no address for this reference (forgotten, or never known)")
    data = crypto.unseal(identity.ciphertext)
    return Address(channel=data["channel"], phone=data.get("phone", ""), user_id=data.get("user_id", ""))


@sensitive_variables()
def change_number(channel: str, old_phone: str, new_phone: str, new_user_id: str = "") -> str | None:
    """Meta's `user_changed_number`: move the mapping to the new number (and the regenerated user id),
    keeping the same reference so replies about earlier tips still reach the person. If the new number
    was known as someone else's, it is taken from that identity (numbers are reissued)."""
    with transaction.atomic(using=_db()):
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


@dataclass(frozen=True)
class RotationResult:
    rotated: int  # re-encrypted under the first key
    current: int  # already under the first key: left as they are
    unreadable: int  # no configured key opens them (their key was dropped too early)

    @property
    def total(self) -> int:
        return self.rotated + self.current + self.unreadable


def rotate_keys(batch_size: int = 500) -> RotationResult:
    """Re-encrypt every identity under the newest key (the first of SATARK_VAULT_KEYS).

    Idempotent: identities already under the first key are not touched, so a second run (or a run
    resumed after a crash) reports them as `current`. Each row is re-read under a row lock and written
    in its own short transaction, so a concurrent `reference_for` filling in a user id is never
    overwritten with the older plaintext."""
    db = _db()
    rotated = current = unreadable = 0
    last_pk = 0
    while True:
        pks = list(
            Identity.objects.using(db).filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not pks:
            break
        last_pk = pks[-1]
        for pk in pks:
            with transaction.atomic(using=db):
                identity = Identity.objects.using(db).select_for_update().filter(pk=pk).first()
                if identity is None:  # forgotten meanwhile
                    continue
                if crypto.is_current(identity.ciphertext):
                    current += 1
                    continue
                try:
                    identity.ciphertext = crypto.rotate(identity.ciphertext)
                except InvalidToken:
                    unreadable += 1
                    continue
                identity.save(using=db, update_fields=["ciphertext"])
                rotated += 1
    return RotationResult(rotated=rotated, current=current, unreadable=unreadable)


def forget(reference: str) -> bool:
    """Delete a reporter's identity for good (retention, or on request). Returns whether it existed.

    After this, `address_for(reference)` raises `UnknownReference`: nothing can reach the
    reporter any more, and a new message from the same number starts a new, unrelated reference.
    On SQLite the freed pages are overwritten (`secure_delete`), so the ciphertext and pseudonyms do
    not linger in the file; PostgreSQL reclaims dead rows at its next VACUUM (and backups keep what
    they kept: the retention of backups must be no longer than the vault's)."""
    return forget_many([reference]) > 0


def forget_many(references: list[str]) -> int:
    """`forget` for many references at once; returns how many identities were deleted."""
    refs = [r for r in references if r]
    if not refs:
        return 0
    db = _db()
    with transaction.atomic(using=db):
        connection = connections[db]
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA secure_delete = ON")
        deleted, _ = Identity.objects.using(db).filter(reference__in=refs).delete()
    return deleted
