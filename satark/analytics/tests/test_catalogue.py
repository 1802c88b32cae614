"""The analytics pages' own Hindi catalogue: every string of their templates, views and tables is in it (or in
the dashboard's, which Django merges with it), and it is translated and compiled."""

from __future__ import annotations

from pathlib import Path

import polib

from satark.dashboard import catalogues

SATARK = Path(__file__).resolve().parent.parent.parent
PO = SATARK / "analytics" / "locale" / "hi" / "LC_MESSAGES" / "django.po"
DASHBOARD_PO = SATARK / "dashboard" / "locale" / "hi" / "LC_MESSAGES" / "django.po"


def test_every_analytics_string_is_in_a_catalogue() -> None:
    paths = [*SATARK.joinpath("dashboard", "templates", "dashboard", "analytics").glob("*.html"),
             SATARK / "dashboard" / "analytics_views.py",
             *[p for p in SATARK.joinpath("analytics").glob("*.py")]]
    used = catalogues.used_strings(paths)
    known = {e.msgid for e in polib.pofile(str(PO))} | {e.msgid for e in polib.pofile(str(DASHBOARD_PO))}
    assert sorted(used - known) == []
    assert len(used) > 60  # the extraction found the pages' strings, not nothing


def test_the_analytics_catalogue_is_translated_and_compiled() -> None:
    assert catalogues.problems(PO) == []
