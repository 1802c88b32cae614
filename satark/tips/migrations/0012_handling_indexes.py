"""PostgreSQL indexes for the handling figures (analytics.performance), measured by bench/dashboard.py on
1,000,000 tips: covering indexes of the period (range-wide and per district) with status, outcome and the
first assignment and report times, so the period's counts and durations are index-only scans; the open tips'
partial index of 0007 also carries the district, so the overdue counts by office are too.

0007's covering indexes stay as they are: widening them instead made the series and hotspot scans (which
read only places and categories) 10-30 % slower. Database-only, PostgreSQL only (see 0007)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

HANDLING = "status, outcome, first_assigned_at, first_reported_at"
NEW = {
    "tips_tip_created_handling": f"ON tips_tip (created_at) INCLUDE (district_id, station_id, category_id, {HANDLING})",
    "tips_tip_district_created_handling": f"ON tips_tip (district_id, created_at) INCLUDE (station_id, category_id, "
                                          f"{HANDLING})",
    "tips_tip_open_due2": "ON tips_tip (category_id, status, status_changed_at, created_at) INCLUDE (district_id) "
                          "WHERE status IN ('new', 'assigned', 'accepted')",
}
OLD = {  # as 0007 made it
    "tips_tip_open_due": "ON tips_tip (category_id, status, status_changed_at, created_at) "
                         "WHERE status IN ('new', 'assigned', 'accepted')",
}


def _swap(schema_editor: Any, create: dict[str, str], drop: dict[str, str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, body in create.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {body}")
    for name in drop:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def forward(apps: Any, schema_editor: Any) -> None:
    _swap(schema_editor, NEW, OLD)


def backward(apps: Any, schema_editor: Any) -> None:
    _swap(schema_editor, OLD, NEW)


class Migration(migrations.Migration):
    dependencies = [("tips", "0011_sensitivity_reasons")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
