"""Indexes for the dashboards on PostgreSQL (issue 7, item 11; measured by bench/dashboard.py on 1,000,000 tips).

- covering indexes for the analytics (tips received in a period, range-wide and per district): the station x
  category table, the period series and the hotspots read only these columns, so they become index-only scans
  instead of reading the whole table;
- a partial index over the open tips for the overdue filter (tips.deadlines.overdue_filter);
- an expression index on the inbox's priority order (open before closed, sensitivity, urgent words), so the
  first page is read in order and only the first groups are sorted (incremental sort) instead of all tips.

Database-only (no model state): PostgreSQL features (INCLUDE, expressions that must match the inbox's SQL).
Other databases get nothing; the embedded SQLite profile holds far fewer tips."""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = {
    "tips_tip_created_cover": 'ON tips_tip (created_at) INCLUDE (district_id, station_id, category_id, '
                              "location_lat, location_lon)",
    "tips_tip_district_created_cover": "ON tips_tip (district_id, created_at) INCLUDE (station_id, category_id, "
                                       "location_lat, location_lon)",
    "tips_tip_open_due": "ON tips_tip (category_id, status, status_changed_at, created_at) "
                         "WHERE status IN ('new', 'assigned', 'accepted')",
    # The same expressions as satark/dashboard/views/inbox.py's closed_rank, sensitivity_rank and -urgent.
    "tips_tip_inbox_priority": "ON tips_tip ((CASE WHEN status = 'closed' THEN 1 ELSE 0 END), "
                               "(CASE WHEN sensitivity = 'critical' THEN 0 WHEN sensitivity = 'high' THEN 1 "
                               "WHEN sensitivity = 'restricted' THEN 2 WHEN sensitivity = 'normal' THEN 3 ELSE 9 END), "
                               "urgent DESC, created_at, id)",
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, body in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {body}")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tips", "0006_sensitivity_deadlines_followups")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
