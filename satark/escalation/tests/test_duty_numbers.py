"""Duty numbers live in the vault (like officers' numbers): set by command or in the admin, never shown."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.http import HttpResponse

from satark.audit.models import AuditEvent
from satark.escalation.duty import duty_number_for
from satark.escalation.models import DutyNumber
from satark.geography.models import District, Range
from satark.vault.api import address_for
from tests import factories as f

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_command_stores_only_a_vault_reference() -> None:
    f.load_reference()
    out = run("set_duty_number", "ghazipur", "+91 90000 00201")
    assert "SP Office, Ghazipur: duty number set (hi)" in out and "9000000201" not in out
    duty = DutyNumber.objects.get(district__code="ghazipur")
    assert duty.contact_ref.startswith("rp_") and "9000000201" not in str(vars(duty))
    assert address_for(duty.contact_ref).phone == "919000000201"
    assert duty_number_for(duty.contact_ref) == duty

    run("set_duty_number", "range", "9000000299", "--language", "en")
    dig = DutyNumber.objects.get(range__code="VNS")
    assert (dig.office, dig.language, address_for(dig.contact_ref).phone) == ("dig_office", "en", "919000000299")
    run("set_duty_number", "ghazipur", "9000000202")  # replaced, not added
    assert DutyNumber.objects.count() == 2
    assert address_for(DutyNumber.objects.get(district__code="ghazipur").contact_ref).phone == "919000000202"
    actions = list(AuditEvent.objects.values_list("action", "object_id"))
    assert actions.count(("escalation.duty_number_set", "sp:ghazipur")) == 2
    assert ("escalation.duty_number_set", "dig:VNS") in actions
    assert "9000000" not in str(list(AuditEvent.objects.values_list("details", flat=True)))

    assert "removed" in run("set_duty_number", "ghazipur", "--clear")
    assert not DutyNumber.objects.filter(district__code="ghazipur").exists()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("nowhere", "9000000201"), "no office 'nowhere'"),
        (("ghazipur", "12345"), "not a 10-digit Indian mobile number"),
        (("ghazipur",), "give the number, or --clear"),
    ],
)
def test_the_command_refuses_bad_input(args: tuple[str, ...], error: str) -> None:
    f.load_reference()
    with pytest.raises(CommandError, match=error):
        run("set_duty_number", *args)
    assert DutyNumber.objects.count() == 0


class AdminClient:
    """The duty-number admin through the real site: a superuser signed in with both factors."""

    def __init__(self) -> None:
        self.user = get_user_model().objects.create_superuser("root", password=f.PASSWORD)
        self.client = f.verified_client(self.user)

    def html(self, response: HttpResponse) -> str:
        return response.content.decode()

    def add(self, data: dict[str, Any]) -> HttpResponse:
        response: HttpResponse = self.client.post("/admin/escalation/dutynumber/add/", data)
        return response

    def changelist(self, data: dict[str, Any] | None = None) -> HttpResponse:
        path = "/admin/escalation/dutynumber/"
        response: HttpResponse = self.client.post(path, data) if data else self.client.get(path)
        return response

    def change_page(self, pk: int) -> HttpResponse:
        response: HttpResponse = self.client.get(f"/admin/escalation/dutynumber/{pk}/change/")
        return response


def test_the_admin_sets_a_number_it_never_shows() -> None:
    f.load_reference()
    client = AdminClient()
    ghazipur = District.objects.get(code="ghazipur")
    response = client.add(
        {"district": ghazipur.pk, "range": "", "number": "9000000201", "language": "en", "active": "on"}
    )
    assert response.status_code == 302, client.html(response)[:2000]
    duty = DutyNumber.objects.get()
    assert (duty.language, address_for(duty.contact_ref).phone) == ("en", "919000000201")
    for page in (client.changelist(), client.change_page(duty.pk)):
        html = client.html(page)
        assert "SP Office, Ghazipur" in html and "9000000201" not in html

    both = client.add(
        {"district": ghazipur.pk, "range": Range.objects.get().pk, "number": "9000000203", "language": "hi"}
    )
    assert "Choose either a district" in client.html(both)

    # The admin action: pick the office, type the new number on the intermediate page.
    intermediate = client.html(client.changelist({"action": "set_number", "_selected_action": [duty.pk]}))
    assert "Set the duty number of SP Office, Ghazipur" in intermediate
    done = client.changelist(
        {"action": "set_number", "_selected_action": [duty.pk], "apply": "1", "number": "9000000204", "language": "hi"}
    )
    assert done.status_code == 302
    duty.refresh_from_db()
    assert (duty.language, address_for(duty.contact_ref).phone) == ("hi", "919000000204")
    assert AuditEvent.objects.filter(action="escalation.duty_number_set", actor_label="root").count() == 2


def test_the_escalate_command_runs_at_a_given_moment() -> None:
    f.load_reference()
    run("set_duty_number", "ghazipur", "9000000201")
    tip = f.tip("ghazipur")
    start = tip.created_at
    assert "0 escalation step(s)" in run("escalate", "--now", start.isoformat())
    out = run("escalate", "--now", (start.replace(microsecond=0)).isoformat(), "--tip", tip.reference)
    assert "0 escalation step(s)" in out
    late = start.timestamp() + 5 * 3600
    from datetime import UTC, datetime

    out = run("escalate", "--now", datetime.fromtimestamp(late, tz=UTC).isoformat(), "--tip", tip.reference)
    assert f"{tip.reference} sp_office (sent)" in out
    assert f"{tip.reference} dig_office (not sent: no duty number set for the DIG office)" in out
    with pytest.raises(CommandError, match="ISO date"):
        run("escalate", "--now", "tomorrow")
