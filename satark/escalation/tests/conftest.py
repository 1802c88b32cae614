"""A Ghazipur tip, an officer, the SP office and duty numbers for the Ghazipur SP office and the DIG office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from satark.escalation.duty import find_office, set_duty_number
from satark.escalation.models import DutyNumber
from satark.messaging.models import OutboxItem
from satark.people.models import Officer
from satark.tips.models import Tip
from satark.vault.api import reference_for
from tests import factories as f

OFFICER_PHONE = "919415012345"
OTHER_OFFICER_PHONE = "919415012346"
SP_DUTY_PHONE = "919000000201"
DIG_DUTY_PHONE = "919000000299"
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)

# The ladder the tests reason about, written out here so a change of the defaults does not hide in them.
LADDER = {
    "report": (("reminder", 0), ("sp_office", 12 * 60), ("dig_office", 24 * 60)),
    "assignment": (("sp_office", 0), ("dig_office", 120)),
}
DEFAULTS = {"assign_within_minutes": 120, "report_within_hours": 48}


@dataclass
class Case:
    office: Any
    officer: Officer
    other_officer: Officer
    tip: Tip
    sp_duty: DutyNumber
    dig_duty: DutyNumber

    def start(self) -> datetime:
        """When the tip's current wait began (its deadline counts from here)."""
        self.tip.refresh_from_db()
        return self.tip.status_changed_at or self.tip.created_at


def officer(name: str, phone: str, district_id: int) -> Officer:
    return Officer.objects.create(
        name=name, rank="si", district_id=district_id, contact_ref=reference_for("whatsapp", phone), language="hi"
    )


@pytest.fixture
def case(settings: Any) -> Case:
    settings.SATARK_ESCALATION_LADDER = LADDER
    settings.SATARK_ESCALATION_DEFAULTS = DEFAULTS
    f.load_reference()
    office = f.sp_office("ghazipur")
    district_id = office.staff.district_id
    return Case(
        office=office,
        officer=officer("R. Yadav", OFFICER_PHONE, district_id),
        other_officer=officer("S. Maurya", OTHER_OFFICER_PHONE, district_id),
        tip=f.tip("ghazipur", "gambling", description="बगीचे में रोज़ रात जुआ"),
        sp_duty=set_duty_number(find_office("ghazipur"), SP_DUTY_PHONE),
        dig_duty=set_duty_number(find_office("range"), DIG_DUTY_PHONE, language="en"),
    )


def sent_to(ref: str, purpose: str | None = None) -> list[OutboxItem]:
    rows = OutboxItem.objects.filter(recipient_ref=ref).order_by("id")
    return list(rows.filter(purpose=purpose) if purpose else rows)
