"""The lifecycle transition table: every allowed move works and is audited; everything else is refused."""

from __future__ import annotations

import itertools

import pytest

from satark.audit.actions import verify_chain
from satark.audit.models import AuditEvent
from satark.people.models import Officer
from satark.tips.lifecycle import TRANSITIONS, TransitionRefused, transition
from satark.tips.models import Tip
from tests import factories as f

pytestmark = pytest.mark.django_db
ACTIONS = sorted({action for _, action in TRANSITIONS})


@pytest.fixture
def setup() -> tuple[object, Officer]:
    f.load_reference()
    user = f.sp_office("ghazipur")
    officer = Officer.objects.create(
        name="R. Yadav", rank="si", district_id=user.staff.district_id, contact_ref="rp_officer1"
    )
    return user, officer


def kwargs_for(action: str, officer: Officer) -> dict[str, object]:
    from satark.geography.models import District

    return {
        "reason": "checked on the ground",
        "outcome": "action_taken",
        "officer": officer,
        "district": District.objects.get(code="jaunpur"),
    }  # the factory's tips are in Ghazipur


@pytest.mark.parametrize(("state", "action"), list(itertools.product(Tip.Status.values, ACTIONS)))
def test_the_table_decides(setup: tuple[object, Officer], state: str, action: str) -> None:
    user, officer = setup
    tip = f.tip()
    Tip.objects.filter(pk=tip.pk).update(status=state)
    tip.refresh_from_db()
    expected = TRANSITIONS.get((state, action))
    if expected is None:
        with pytest.raises(TransitionRefused, match="cannot be"):
            transition(tip, action, actor=user, **kwargs_for(action, officer))  # type: ignore[arg-type]
        tip.refresh_from_db()
        assert tip.status == state
        return
    change = transition(tip, action, actor=user, **kwargs_for(action, officer))  # type: ignore[arg-type]
    assert (change.before, change.after, tip.status) == (state, expected, expected)
    event = AuditEvent.objects.filter(action=f"tip.{action}", object_id=tip.reference).get()
    assert event.actor_label == user.username and event.details["from"] == state  # type: ignore[attr-defined]


def test_a_whole_case_and_its_audit_trail(setup: tuple[object, Officer]) -> None:
    user, officer = setup
    tip = f.tip()
    transition(tip, "assign", actor=user, officer=officer)
    assert tip.officer == officer
    transition(tip, "accept", actor=officer)
    transition(tip, "report", actor=officer)
    with pytest.raises(TransitionRefused, match="needs a reason"):
        transition(tip, "send_back", actor=user)
    transition(tip, "send_back", actor=user, reason="send the photos of the seized items")
    transition(tip, "report", actor=officer)
    with pytest.raises(TransitionRefused, match="needs an outcome"):
        transition(tip, "close", actor=user, reason="done")
    transition(tip, "close", actor=user, reason="liquor seized, FIR 214/2026", outcome="action_taken")
    assert (tip.status, tip.outcome) == ("closed", "action_taken")
    trail = list(AuditEvent.objects.filter(object_id=tip.reference).values_list("action", "actor_label"))
    assert [a for a, _ in trail] == [
        "tip.submitted",
        "tip.assign",
        "tip.accept",
        "tip.report",
        "tip.send_back",
        "tip.report",
        "tip.close",
    ]
    assert verify_chain() == (True, None)
