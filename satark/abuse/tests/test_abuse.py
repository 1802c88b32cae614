from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings

from satark.abuse import actions
from satark.abuse.actions import Verdict
from satark.abuse.models import Block, Counter
from satark.audit.actions import verify_chain
from satark.audit.models import AuditEvent
from satark.core import testing as t

pytestmark = pytest.mark.django_db

REF = "rp_Zq3v9XkL2mNa0bC4"
OTHER = "rp_Q7w8e9r0t1y2u3i4"
T0 = datetime(2026, 3, 10, 9, 15, 5, tzinfo=UTC)  # 14:45:05 in Asia/Kolkata


@pytest.fixture
def officer():  # type: ignore[no-untyped-def]
    return get_user_model().objects.create_user(username="sp.ghazipur", password="not-used-here-123")


def test_messages_are_limited_per_minute_per_reporter() -> None:
    with override_settings(SATARK_ABUSE_MAX_MESSAGES_PER_MINUTE=3):
        assert [actions.check_message(REF, T0 + timedelta(seconds=i)).allowed for i in range(4)] == [
            True,
            True,
            True,
            False,
        ]
        refused = actions.check_message(REF, T0 + timedelta(seconds=10))
        assert refused == Verdict(False, "too_many_messages", 45)  # the minute ends at 09:16:00
        assert actions.check_message(OTHER, T0).allowed  # another reporter has their own budget
        assert actions.check_message(REF, T0 + timedelta(seconds=54)).allowed is False  # 09:15:59
        assert actions.check_message(REF, T0 + timedelta(seconds=55)).allowed  # 09:16:00, a new minute
        # A late message stamped in the old minute counts against the current one.
        assert actions.check_message(REF, T0).allowed
        assert actions.check_message(REF, T0 + timedelta(seconds=56)).allowed
        assert not actions.check_message(REF, T0 + timedelta(seconds=57)).allowed
    assert Counter.objects.filter(reporter_ref=REF).count() == 1  # one row per reporter and kind


def test_tips_are_limited_per_local_day() -> None:
    with override_settings(SATARK_ABUSE_MAX_TIPS_PER_DAY=2):
        assert actions.check_tip(REF, T0, consume=False).allowed
        assert actions.check_tip(REF, T0).allowed
        assert actions.check_tip(REF, T0 + timedelta(hours=1), consume=False).allowed  # looking costs nothing
        assert actions.check_tip(REF, T0 + timedelta(hours=1)).allowed
        assert not actions.check_tip(REF, T0 + timedelta(hours=1), consume=False).allowed
        refused = actions.check_tip(REF, T0 + timedelta(hours=2))
        assert (refused.allowed, refused.reason) == (False, "too_many_tips")
        # Midnight in Asia/Kolkata is 18:30 UTC: refused at 11:15:05 UTC, so for 7 h 14 min 55 s.
        assert refused.retry_after_seconds == 7 * 3600 + 14 * 60 + 55
        assert not actions.check_tip(REF, datetime(2026, 3, 10, 18, 29, 59, tzinfo=UTC)).allowed
        assert actions.check_tip(REF, datetime(2026, 3, 10, 18, 30, tzinfo=UTC), consume=False).allowed
        assert actions.check_tip(REF, datetime(2026, 3, 10, 18, 30, tzinfo=UTC)).allowed  # a new local day
    with override_settings(SATARK_ABUSE_MAX_TIPS_PER_DAY=0):
        assert not actions.check_tip(OTHER, T0).allowed


def test_default_limits() -> None:
    assert sum(actions.check_message(REF, T0).allowed for _ in range(31)) == 30
    assert sum(actions.check_tip(REF, T0).allowed for _ in range(6)) == 5


def test_a_blocked_reporter_is_refused_and_not_counted(officer) -> None:  # type: ignore[no-untyped-def]
    block = actions.block_reporter_of("VNS-7K3M9", REF, by_user=officer, reason="floods the bot with abuse")
    assert actions.is_blocked(REF) and not actions.is_blocked(OTHER)
    assert actions.check_message(REF, T0) == Verdict(False, "blocked")
    assert actions.check_tip(REF, T0) == Verdict(False, "blocked")
    assert not Counter.objects.filter(reporter_ref=REF).exists()
    assert actions.block(REF, by_user=officer, reason="again") == block  # idempotent
    assert Block.objects.count() == 1
    assert actions.unblock(block.pk, by_user=officer, reason="spoke to the SP") == block
    assert actions.unblock(block.pk, by_user=officer, reason="twice") is None
    assert actions.check_message(REF, T0).allowed
    again = actions.block_reporter_of("VNS-7K3M9", REF, by_user=officer, reason="back at it")
    assert again.pk != block.pk and Block.objects.filter(active=True).count() == 1
    lifted = actions.unblock_reporter_of("VNS-7K3M9", REF, by_user=officer, reason="resolved")
    assert lifted is not None and lifted.pk == again.pk and not actions.is_blocked(REF)


def test_every_staff_action_is_audited_by_tip_without_the_reporter(officer) -> None:  # type: ignore[no-untyped-def]
    block = actions.block_reporter_of("VNS-7K3M9", REF, by_user=officer, reason="threats to staff")
    actions.unblock_reporter_of("VNS-7K3M9", REF, by_user=officer, reason="mistaken")
    events = list(AuditEvent.objects.filter(action__startswith="abuse."))
    assert [(e.action, e.object_type, e.object_id, e.actor_label) for e in events] == [
        ("abuse.block", "tip", "VNS-7K3M9", "sp.ghazipur"),
        ("abuse.unblock", "tip", "VNS-7K3M9", "sp.ghazipur"),
    ]
    assert events[0].details == {"block": block.pk, "reason": "threats to staff"}
    assert all(REF not in json.dumps(e.details) and REF not in e.object_id for e in events)
    assert verify_chain() == (True, None)
    shown = actions.blocks_for_staff(active_only=False)
    assert shown[0]["tip_reference"] == "VNS-7K3M9" and REF not in json.dumps(shown, default=str)


def test_a_number_is_never_accepted_as_a_key(officer) -> None:  # type: ignore[no-untyped-def]
    for spelling in (*t.SENTINEL_SPELLINGS, "rp-" + t.SENTINEL_PHONE, ""):
        with pytest.raises(ValueError, match="never a number"):
            actions.block(spelling, by_user=officer, reason="x")
        with pytest.raises(ValueError, match="never a number"):
            actions.check_message(spelling, T0)
        with pytest.raises(ValueError, match="never a number"):
            actions.check_tip(spelling, T0)
    assert not Block.objects.exists() and not Counter.objects.exists()
    with pytest.raises(ValueError, match="timezone-aware"):
        actions.check_message(REF, datetime(2026, 3, 10, 9, 0))


def test_nothing_stored_contains_a_phone_number(officer) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        actions.check_message(REF, T0 + timedelta(seconds=i))
        actions.check_tip(REF, T0)
    reason = f"reporter said call me on +91 98765 43210 or {t.SENTINEL_PHONE} (IN.ABCDEF123456)"
    block = actions.block_reporter_of("VNS-7K3M9", REF, by_user=officer, reason=reason)
    actions.unblock(block.pk, by_user=officer, reason=f"asked by {t.SENTINEL_PHONE}")
    dump = []
    with connection.cursor() as cursor:
        for table in (Block._meta.db_table, Counter._meta.db_table, AuditEvent._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")
            dump.append(repr(cursor.fetchall()))
    text = "\n".join(dump)
    assert "VNS-7K3M9" in text and "[redacted-number]" in text  # the dump really holds the rows
    for spelling in t.SENTINEL_SPELLINGS:
        assert spelling not in text
    assert "IN.ABCDEF123456" not in text


def test_housekeeping_prunes_old_windows_and_forgets_a_reporter(officer) -> None:  # type: ignore[no-untyped-def]
    actions.check_message(REF, T0)
    actions.check_tip(REF, T0)
    actions.check_message(OTHER, T0 + timedelta(minutes=5))
    assert actions.prune_counters(T0 + timedelta(minutes=5)) == 1  # REF's message minute is over
    assert actions.prune_counters(T0 + timedelta(days=1)) == 2
    actions.check_message(REF, T0)
    actions.block(REF, by_user=officer, reason="spam")
    assert actions.forget_reporter(REF) == 2
    assert not Counter.objects.filter(reporter_ref=REF).exists() and not Block.objects.exists()
    assert AuditEvent.objects.filter(action="abuse.block").count() == 1  # the audit stays
