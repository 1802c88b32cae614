from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def reference(db: None) -> None:
    """The Varanasi range's districts, 75 stations and categories."""
    call_command("load_reference", verbosity=0)
