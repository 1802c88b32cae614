from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_whole_report_can_be_made_in_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    f.load_reference()
    script = (
        "\n".join(
            ["hi", "2", "jua", "gazipur", "Every night they gamble behind the bus stand", "/photo", "1", "1", "/quit"]
        )
        + "\n"
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(script))
    out = io.StringIO()
    call_command("chat", stdout=out)
    text = out.getvalue()
    assert "112" in text  # the welcome
    assert "Gambling/betting" in text
    assert "[Submit:" in text and "'category': 'gambling'" in text and "'district': 'ghazipur'" in text
