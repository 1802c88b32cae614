from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_whole_report_can_be_made_in_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    f.load_reference()
    answers = [
        "hi", "2", "jua", "gazipur",  # language, category, district
        "karanda", "1",  # the place, typed, then "yes, that one"
        "today",  # when
        "1", "1", "every evening after 7", "1",  # the gambling questions: kind, place, timings, how many
        "Every night they gamble behind the bus stand",
        "2",  # police involved: no
        "/photo", "1",  # a photo, then Done
        "1",  # Submit
        "/quit",
    ]  # fmt: skip
    script = "\n".join(answers) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(script))
    out = io.StringIO()
    call_command("chat", stdout=out)
    text = out.getvalue()
    assert "112" in text  # the welcome
    assert "Gambling/betting" in text
    assert "[Submit:" in text and "'category': 'gambling'" in text and "'district': 'ghazipur'" in text
    assert "'location_place': 'ghazipur-karanda'" in text and "'police_involved': 'no'" in text
