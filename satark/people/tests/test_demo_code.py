"""`manage.py demo_code`: the current code of a demo account, accepted by the real sign-in."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_demo_code_signs_a_demo_account_in_and_real_accounts_are_refused(tmp_path: Path) -> None:
    f.load_reference()
    logins = io.StringIO()
    call_command("create_demo_users", "--file", str(tmp_path / "demo-logins"), stdout=logins)
    password = re.search(r"sp\.ghazipur\s+/\s+(\S+)", logins.getvalue())
    assert password, logins.getvalue()
    out = io.StringIO()
    call_command("demo_code", "sp.ghazipur", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    client = Client()
    client.post("/login/", {"username": "sp.ghazipur", "password": password.group(1)})
    verified = client.post("/login/verify/", {"code": code}, follow=True)
    assert verified.status_code == 200 and client.get("/dashboard/").status_code == 200
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_code", "someone.real")
