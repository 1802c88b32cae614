"""Offices' WhatsApp duty numbers, kept in the identity vault exactly as officers' numbers are
(people.roster): the number is turned into an opaque vault reference once, here, and only the send path
(messaging.outbound) ever turns it back into a number."""

from __future__ import annotations

from django.db import transaction

from satark.audit.actions import record
from satark.geography.models import District, Range
from satark.people.roster import normalise_mobile
from satark.vault.api import reference_for

from .models import DutyNumber

LANGUAGES = ("hi", "en")


class DutyNumberError(ValueError):
    pass


def find_office(code: str) -> District | Range:
    """A district code or name (its SP office), or a range code or the word "range" (the DIG office)."""
    text = code.strip().lower()
    district = District.objects.filter(code=text).first() or next(
        (d for d in District.objects.all() if text in [str(n).lower() for n in d.name.values()]), None
    )
    if district is not None:
        return district
    ranges = list(Range.objects.all())
    if text in ("range", "dig", "dig_office") and len(ranges) == 1:
        return ranges[0]
    for unit in ranges:
        if text == unit.code.lower() or text in [str(n).lower() for n in unit.name.values()]:
            return unit
    known = ", ".join([*District.objects.values_list("code", flat=True), *(r.code for r in ranges), "range"])
    raise DutyNumberError(f"no office {code!r} (known: {known})")


def set_duty_number(office: District | Range, number: str, *, language: str = "hi", actor: object = None) -> DutyNumber:
    """Set (or replace) an office's duty number. Audited without the number."""
    phone = normalise_mobile(number)
    if phone is None:
        raise DutyNumberError("the duty number is not a 10-digit Indian mobile number")
    if language not in LANGUAGES:
        raise DutyNumberError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    with transaction.atomic():
        contact = reference_for("whatsapp", phone)
        key = {"district": office} if isinstance(office, District) else {"range": office}
        duty, created = DutyNumber.objects.update_or_create(
            **key, defaults={"contact_ref": contact, "language": language, "active": True}
        )
        record(
            "escalation.duty_number_set",
            "office",
            office_id(office),
            actor=actor,
            details={"created": created, "language": language},
        )
    return duty


def clear_duty_number(office: District | Range, *, actor: object = None) -> bool:
    key = {"district": office} if isinstance(office, District) else {"range": office}
    with transaction.atomic():
        deleted, _ = DutyNumber.objects.filter(**key).delete()
        if deleted:
            record("escalation.duty_number_cleared", "office", office_id(office), actor=actor)
    return deleted > 0


def duty_number_for(sender_ref: str) -> DutyNumber | None:
    """The office whose duty number wrote to us, if any (for routing its replies away from the citizen flow)."""
    return DutyNumber.objects.filter(contact_ref=sender_ref, active=True).first()


def office_id(office: District | Range) -> str:
    return f"sp:{office.code}" if isinstance(office, District) else f"dig:{office.code}"
