"""Escalation through real processes with a controlled clock: a tip nobody assigns reaches the SP office's
duty phone and then the DIG office's; once assigned and left without a report, the officer is reminded.
The clock is `manage.py escalate --now` (what the periodic task runs with the current time), the duty
numbers are set with `manage.py set_duty_number`, the consumer sends, and the simulator's phones receive."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from satark.core import testing as t
from satark.core.stack import ROOT

from .phone import Phone, body_of
from .stackfixture import Running, Staff
from .test_whole_loop import DESCRIPTION, file_tip_in_hindi

pytestmark = pytest.mark.e2e
SP_DUTY = "919000000211"  # the Ghazipur SP office's duty phone
DIG_DUTY = "919000000299"  # the DIG range office's duty phone
OFFICER = "919000000102"  # the demo officer of Ghazipur


def manage(product: Running, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=product.stack.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def escalate_at(product: Running, moment: datetime, reference: str) -> str:
    return manage(product, "escalate", "--now", moment.isoformat(), "--tip", reference)


def about(phone: Phone, reference: str) -> list[dict[str, Any]]:
    """The phone's messages from the business that concern this tip (text, or a template's parameters)."""
    return [m["payload"] for m in phone.bot_messages() if reference in json.dumps(m["payload"], ensure_ascii=False)]


def template_params(payload: dict[str, Any]) -> list[str]:
    return [p["text"] for p in payload["template"]["components"][0]["parameters"]]


def test_an_ignored_tip_reaches_the_sp_then_the_dig_duty_phone_and_the_officer_is_reminded(product: Running) -> None:
    reference = file_tip_in_hindi(product, t.SENTINEL_PHONE)  # the privacy sentinel files it
    filed = datetime.now(UTC)
    sp = Phone(product.sim(), SP_DUTY, profile_name="SP Ghazipur duty")
    dig = Phone(product.sim(), DIG_DUTY, profile_name="DIG range duty")
    officer = Phone(product.sim(), OFFICER, profile_name="SI Ghazipur")
    assert "duty number set (hi)" in manage(product, "set_duty_number", "ghazipur", SP_DUTY)
    assert "duty number set (en)" in manage(product, "set_duty_number", "range", DIG_DUTY, "--language", "en")

    # Before the 2-hour assignment deadline: nothing.
    assert "0 escalation step(s)" in escalate_at(product, filed + timedelta(minutes=110), reference)
    # Past it: the SP office's duty phone. It never wrote to us, so the approved template goes.
    out = escalate_at(product, filed + timedelta(hours=2, minutes=30), reference)
    assert f"{reference} sp_office (sent)" in out
    [message] = [m["payload"] for m in sp.wait(1)]
    assert (message["type"], message["template"]["name"]) == ("template", "satark_escalation")
    assert message["template"]["language"]["code"] == "hi"
    params = template_params(message)
    assert params[:2] == [reference, "जुआ / सट्टा"] and re.fullmatch(r"\d+ मिनट", params[2]), params
    # The same moment again (a second worker, a restart): nothing is sent twice.
    assert "0 escalation step(s)" in escalate_at(product, filed + timedelta(hours=2, minutes=30), reference)
    assert dig.bot_messages() == []

    out = escalate_at(product, filed + timedelta(hours=4, minutes=30), reference)
    assert f"{reference} dig_office (sent)" in out
    [message] = [m["payload"] for m in dig.wait(1)]
    assert (message["template"]["name"], message["template"]["language"]["code"]) == ("satark_escalation", "en")
    assert template_params(message)[:2] == [reference, "Gambling/betting"]

    # The SP office assigns over HTTP: a new cycle, with the 48-hour report deadline.
    office = Staff(product.stack.web_url, "sp.ghazipur", product.logins["sp.ghazipur"])
    page = office.get(f"/dashboard/tips/{reference}/").text
    option = re.search(r'<option value="(\d+)">[^<]*Demo SI Ghazipur', page)
    assert option, "the district's officer is offered for assignment"
    before = len(officer.bot_messages())
    assigned = datetime.now(UTC)
    assert office.post(f"/dashboard/tips/{reference}/assign/", {"officer": option.group(1)}).status_code == 200
    officer.wait(before + 1)  # the task
    tasks = len(about(officer, reference))
    assert "0 escalation step(s)" in escalate_at(product, assigned + timedelta(hours=47), reference)
    out = escalate_at(product, assigned + timedelta(hours=48, minutes=30), reference)
    assert f"{reference} reminder (sent)" in out
    deadline = time.monotonic() + 30

    def reminders() -> list[dict[str, Any]]:  # the task's photo may still be arriving: not a reminder
        return [m for m in about(officer, reference)[tasks:] if m["type"] != "image"]

    while not reminders() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert reminders(), "the officer was not reminded"
    reminder = reminders()[-1]
    if reminder["type"] == "template":  # the officer's window is closed (no message from them today)
        assert reminder["template"]["name"] == "satark_officer_reminder"
    else:
        assert "रिपोर्ट" in body_of(reminder)

    # Each phone got each step once, and nothing of the reporter.
    time.sleep(1.5)  # a duplicate, if there were one, would have left by now
    assert len(about(sp, reference)) == 1 and len(about(dig, reference)) == 1
    escalations = json.dumps([*sp.messages(), *dig.messages(), *about(officer, reference)[tasks:]], ensure_ascii=False)
    for secret in (*t.SENTINEL_SPELLINGS, t.SENTINEL_NAME, DESCRIPTION, "करंडा", "Karanda"):
        assert secret not in escalations, f"{secret!r} in an escalation message"
    database = product.dump_database()
    assert "tip.escalated.sp_office" in database and "tip.escalated.dig_office" in database
    assert "tip.escalated.reminder" in database
