"""The case loop through real processes: the SP office assigns over HTTP, the officer works the task on
WhatsApp (the simulator), the office closes, and the reporter gets the neutral notice."""

from __future__ import annotations

import json
import re
import time

import pytest

from satark.core import testing as t

from .phone import Phone, body_of
from .stackfixture import Running, Staff
from .test_whole_loop import assert_sentinel_absent, file_tip_in_hindi

pytestmark = pytest.mark.e2e
OFFICER = "919000000102"  # the demo officer of Ghazipur


def test_assignment_report_closure_and_the_reporters_notice(product: Running) -> None:
    citizen_number = t.SENTINEL_PHONE  # the privacy sentinel, through the whole loop
    reference = file_tip_in_hindi(product, citizen_number)
    citizen = Phone(product.sim(), citizen_number)
    officer = Phone(product.sim(), OFFICER, profile_name="SI Ghazipur")
    office = Staff(product.stack.web_url, "sp.ghazipur", product.logins["sp.ghazipur"])

    page = office.get(f"/dashboard/tips/{reference}/").text
    option = re.search(r'<option value="(\d+)">[^<]*Demo SI Ghazipur', page)
    assert option, "the district's officer is offered for assignment"
    assert office.post(f"/dashboard/tips/{reference}/assign/", {"officer": option.group(1)}).status_code == 200

    task = officer.wait(1)[0]["payload"]
    # The officer never wrote to us: outside the window the task goes as the approved template.
    assert task["type"] == "template" and task["template"]["name"] == "satark_officer_task"
    params = [p["text"] for p in task["template"]["components"][0]["parameters"]]
    assert params[0] == reference
    officer.send(
        type="button",
        payload=f"task:accept:{reference}",
        text="स्वीकार करें",
        context_id=officer.bot_messages()[0]["wamid"],
    )
    # The template could carry neither the details nor the photo (free-form media needs an open window).
    # Now that the officer has written, the full task and its sanitised photo follow, once.
    got = officer.wait(4)
    kinds = [m["payload"]["type"] for m in got]
    assert kinds.count("image") == 1, kinds
    details = [body_of(m["payload"]) for m in got if m["payload"]["type"] == "text"]
    assert any(reference in d and "विवरण" in d for d in details), details
    assert any(reference in d and "आपके नाम" in d for d in details)  # "the task is yours"
    officer.say("मौके पर छापा मारा, 3 लोग पकड़े गए")
    officer.tap("report:submit")
    assert "कार्यालय को भेज दी गई" in body_of(officer.bot_messages()[-1]["payload"])

    detail = office.get(f"/dashboard/tips/{reference}/").text
    assert "3 लोग पकड़े गए" in detail and "Action reported" in detail
    before_send_back = len(officer.bot_messages())  # counted before: the remark may arrive at once
    sent_back = office.post(f"/dashboard/tips/{reference}/send_back/", {"reason": "ज़ब्ती की फोटो भेजें"})
    assert sent_back.status_code == 200
    officer.wait(before_send_back + 1)
    assert "ज़ब्ती की फोटो भेजें" in body_of(officer.bot_messages()[-1]["payload"])
    officer.say("फोटो अलग से भेज दी है")
    officer.tap("report:submit")
    # The office asks the reporter a question through the bot; the answer lands on the tip page.
    before_question = len(citizen.bot_messages())
    asked = office.post(f"/dashboard/tips/{reference}/ask_reporter/", {"question": "जुआ किस दिन ज़्यादा होता है?"})
    assert asked.status_code == 200
    question = body_of(citizen.wait(before_question + 1)[-1]["payload"])
    assert "जुआ किस दिन ज़्यादा होता है?" in question and reference in question
    citizen.say("रविवार और मंगलवार को, शाम 7 बजे के बाद")
    deadline = time.monotonic() + 30
    while "रविवार और मंगलवार" not in office.get(f"/dashboard/tips/{reference}/").text and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "रविवार और मंगलवार" in office.get(f"/dashboard/tips/{reference}/").text
    # The second dashboard user: the DIG range office sees the same tip, the officer's report and the answer.
    dig = Staff(product.stack.web_url, "dig.office", product.logins["dig.office"])
    dig_view = dig.get(f"/dashboard/tips/{reference}/").text
    assert "3 लोग पकड़े गए" in dig_view and "रविवार और मंगलवार" in dig_view

    before = len(citizen.bot_messages())  # counted before closing: the notice may leave at once
    closed = office.post(f"/dashboard/tips/{reference}/close/", {"outcome": "action_taken", "reason": "GD 12/2026"})
    assert closed.status_code == 200 and "Closed" in closed.text

    deadline = time.monotonic() + 40
    while len(citizen.bot_messages()) == before and time.monotonic() < deadline:
        time.sleep(0.5)
    notice = body_of(citizen.bot_messages()[-1]["payload"])
    assert reference in notice and "कार्रवाई" in notice
    assert "जुआ" not in notice and "गाजीपुर" not in notice and "करंडा" not in notice  # neutral
    # After submission, assignment, a report, a send-back, closure and the notice: nothing anywhere —
    # tables, queue, logs, media files, every dashboard page, every message the officer received.
    officer_saw = json.dumps(officer.messages(), ensure_ascii=False)
    pages = "".join(office.get(p).text for p in ("/dashboard/", f"/dashboard/tips/{reference}/"))
    pages += dig.get(f"/dashboard/tips/{reference}/").text
    assert_sentinel_absent(product, pages, reference, officer_saw)


def test_a_number_not_on_the_roster_never_reaches_the_officer_flow(product: Running) -> None:
    reference = file_tip_in_hindi(product, "919811100077")
    stranger = Phone(product.sim(), "919811100088", profile_name="Not an officer")
    # What an officer would send: the tasks word, a task button, a report button, a report text.
    stranger.say("कार्य")
    stranger.send(type="button", payload=f"task:accept:{reference}", text="स्वीकार करें")
    stranger.send(type="button", payload="report:submit", text="रिपोर्ट भेजें")
    stranger.say("मौके पर छापा मारा")
    got = stranger.wait(1)
    seen = json.dumps([m["payload"] for m in stranger.bot_messages()], ensure_ascii=False)
    assert reference not in seen  # no task, no tip, no report of anyone's
    assert "task:" not in seen and "report:submit" not in seen
    assert "lang:hi" in json.dumps(got[0]["payload"])  # treated as a citizen: the welcome and language
    office = Staff(product.stack.web_url, "sp.ghazipur", product.logins["sp.ghazipur"])
    detail = office.get(f"/dashboard/tips/{reference}/").text
    assert "मौके पर छापा मारा" not in detail and "Action reported" not in detail
