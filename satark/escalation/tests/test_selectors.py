"""What the dashboard can list: escalations of the tips a user may see, current or past."""

from __future__ import annotations

import pytest

from satark.escalation import selectors
from satark.escalation.service import escalate_overdue
from satark.tips.lifecycle import transition
from tests import factories as f

from .conftest import HOUR, Case

pytestmark = pytest.mark.django_db


def test_offices_see_the_escalations_of_their_own_tips_while_they_are_overdue(case: Case) -> None:
    dig = f.dig_office()
    jaunpur = f.sp_office("jaunpur")
    transition(case.tip, "assign", actor=case.office, officer=case.officer)
    t0 = case.start()
    assert selectors.next_step(case.tip) == t0 + 48 * HOUR
    escalate_overdue(t0 + 60 * HOUR)

    active = selectors.active_escalations(case.office)
    assert sorted(e.stage for e in active) == ["reminder", "sp_office"]
    assert sorted(e.stage for e in selectors.active_escalations(dig)) == ["reminder", "sp_office"]
    assert list(selectors.active_escalations(jaunpur)) == []
    assert selectors.levels([case.tip]) == {case.tip.pk: "sp_office"}
    assert selectors.next_step(case.tip) == t0 + 72 * HOUR

    transition(case.tip, "report", actor=f"officer:{case.officer.pk}")  # the deadline is met
    assert list(selectors.active_escalations(case.office)) == []
    assert selectors.levels([case.tip]) == {}
    assert selectors.next_step(case.tip) is None
    history = selectors.escalations_for_tip(case.tip)
    assert [e.stage for e in history] == ["sp_office", "reminder"]  # newest first
    assert {e.stage for e in selectors.recent_escalations(case.office, since=t0)} == {"reminder", "sp_office"}
    assert list(selectors.recent_escalations(jaunpur, since=t0)) == []
    assert {str(d) for d in selectors.duty_numbers()} == {"SP Office, Ghazipur", "DIG Office, Varanasi Range"}
