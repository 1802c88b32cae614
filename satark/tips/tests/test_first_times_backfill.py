"""Tips migration 0010 fills `first_assigned_at` and `first_reported_at` of existing tips from the audit log:
the earliest `tip.assign` and `tip.report` of each tip, nothing for a tip that has none."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection

from satark.audit.actions import record
from satark.tips.models import Tip
from tests import factories as f

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


def _record_at(when: datetime, action: str, reference: str) -> None:
    with mock.patch("satark.audit.actions.timezone.now", return_value=when):
        record(action, "tip", reference)


def test_backfill_takes_the_earliest_event_of_each_tip() -> None:
    f.load_reference()
    assigned_twice, never, reported = f.tip(), f.tip(), f.tip()
    _record_at(T0 + timedelta(hours=5), "tip.assign", assigned_twice.reference)
    _record_at(T0 + timedelta(hours=2), "tip.assign", assigned_twice.reference)  # earlier, logged later
    _record_at(T0 + timedelta(hours=1), "tip.assign", reported.reference)
    _record_at(T0 + timedelta(hours=30), "tip.report", reported.reference)
    _record_at(T0 + timedelta(hours=40), "tip.report", reported.reference)
    _record_at(T0 + timedelta(hours=3), "tip.accept", never.reference)  # not an assignment
    Tip.objects.update(first_assigned_at=None, first_reported_at=None)

    migration = importlib.import_module("satark.tips.migrations.0010_first_assigned_and_reported")
    # The two things the migration asks of its schema editor (SQLite refuses a real one inside a test's
    # transaction): quoting names and running a statement.
    editor = SimpleNamespace(quote_name=connection.ops.quote_name,
                             execute=lambda sql, params: connection.cursor().execute(sql, params))
    migration.backfill(apps, editor)

    got = {t.reference: (t.first_assigned_at, t.first_reported_at) for t in Tip.objects.all()}
    assert got[assigned_twice.reference] == (T0 + timedelta(hours=2), None)
    assert got[reported.reference] == (T0 + timedelta(hours=1), T0 + timedelta(hours=30))
    assert got[never.reference] == (None, None)
