"""The whole loop through real HTTP: signed webhooks in, the fake Graph API out, the dashboard over
HTTP — on SQLite + SqliteHuey or PostgreSQL + Redis (SATARK_TEST_DB)."""

from __future__ import annotations

import re
import time

import pytest

from satark.core import testing as t

from .phone import Phone, body_of, photo_with_gps
from .stackfixture import Running, Staff

pytestmark = pytest.mark.e2e
DESCRIPTION = "गाँव के बाहर बगीचे में रोज़ रात को जुआ होता है, 10-12 लोग आते हैं"


def file_tip_in_hindi(product: Running, number: str) -> str:
    phone = Phone(product.sim(), number, profile_name=t.SENTINEL_NAME)
    bot = phone.say("Hi")
    assert "112" in body_of(bot[-1]["payload"])  # the first message says what to do in an emergency
    phone.tap("lang:hi")
    phone.tap("जुआ")
    phone.tap("गाजीपुर")
    phone.answer_until("media:", place="करंडा", text=DESCRIPTION)
    before = len(phone.bot_messages())
    phone.send_photo(photo_with_gps(), caption="")
    phone.wait(before + 1)
    bot = phone.bot_messages()
    done = [o for o in bot[-1]["payload"].get("interactive", {}).get("action", {}).get("buttons", [])]
    assert done, "the media step offers a Done button"
    phone.tap(done[0]["reply"]["id"])
    bot = phone.tap("confirm:yes")
    final = body_of(bot[-1]["payload"])
    match = re.search(r"VNS-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}", final)
    assert match, final
    return match.group(0)


def wait_for_photo(staff: Staff, reference: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = staff.get(f"/dashboard/tips/{reference}/").text
        found = re.search(r'src="(/dashboard/tips/[^"]+/media/[^"]+/)"', page)
        if found:
            return found.group(1)
        time.sleep(0.3)
    raise AssertionError("the photo never became viewable")


def test_citizen_files_a_hindi_tip_and_only_the_right_offices_see_it(product: Running) -> None:
    reference = file_tip_in_hindi(product, t.SENTINEL_PHONE)

    ghazipur = Staff(product.stack.web_url, "sp.ghazipur", product.logins["sp.ghazipur"])
    listing = ghazipur.get("/dashboard/").text
    assert reference in listing
    detail = ghazipur.get(f"/dashboard/tips/{reference}/").text
    assert DESCRIPTION in detail and "Gambling/betting" in detail and "Karanda" in detail
    photo_url = wait_for_photo(ghazipur, reference)
    photo = ghazipur.get(photo_url)
    assert photo.status_code == 200 and photo.content[:3] == b"\xff\xd8\xff"
    assert b"SentinelCam" not in photo.content and b"SERIAL-98765" not in photo.content and b"GPS" not in photo.content

    dig = Staff(product.stack.web_url, "dig.office", product.logins["dig.office"])
    assert reference in dig.get("/dashboard/").text

    jaunpur = Staff(product.stack.web_url, "sp.jaunpur", product.logins["sp.jaunpur"])
    assert reference not in jaunpur.get("/dashboard/").text
    assert jaunpur.get(f"/dashboard/tips/{reference}/").status_code == 404
    assert jaunpur.get(photo_url).status_code == 404

    pages = "".join(s.get(p).text for s in (ghazipur, dig) for p in ("/dashboard/", f"/dashboard/tips/{reference}/"))
    assert_sentinel_absent(product, pages, reference)


def assert_sentinel_absent(product: Running, pages: str, reference: str, officer_saw: str = "") -> None:
    """The sentinel number (every spelling), its profile name, its business-scoped id and every
    message id of its chat appear nowhere outside the vault's ciphertext."""
    logs = "".join(p.read_text(errors="replace") for p in (product.var / "logs").glob("*.log"))
    media = b"".join(p.read_bytes() for p in (product.var / "media").rglob("*") if p.is_file())
    database = product.dump_database()
    queue = product.dump_queue()
    phones = product.sim().get("/_sim/api/phones").json()["phones"]
    bsuid = next(p["user_id"] for p in phones if p["phone"] == t.SENTINEL_PHONE)
    assert bsuid
    # WhatsApp message ids embed the number (base64): none may be stored as it is.
    chat = product.sim().get(f"/_sim/api/phones/{t.SENTINEL_PHONE}/messages").json()["messages"]
    wamids = [m["wamid"] for m in chat]
    assert len(wamids) > 10
    for spelling in (*t.SENTINEL_SPELLINGS, t.SENTINEL_NAME, bsuid, *wamids, *(w[6:30] for w in wamids)):
        assert spelling not in database, f"{spelling!r} found in the database"
        assert spelling not in queue, f"{spelling!r} found in the task queue"
        assert spelling not in pages, f"{spelling!r} found in a dashboard page"
        assert spelling not in logs, f"{spelling!r} found in the logs"
        assert spelling.encode() not in media, f"{spelling!r} found in a media file"
        assert spelling not in officer_saw, f"{spelling!r} found in a message to an officer"
    assert reference in database  # the scan does see the data it searches


def test_redelivered_webhooks_change_nothing(product: Running) -> None:
    sim = product.sim()
    phone = Phone(sim, "919000000077")
    wamid = phone.send(type="text", text="Hi", duplicate=True)
    phone.wait(1)
    assert sim.get("/_sim/api/idle", params={"timeout": 20}).status_code == 200
    entries = sim.get("/_sim/api/deliveries").json()["deliveries"]
    accepted = [d for d in entries if d["wamid"] == wamid and d["status_code"] == 200]
    assert len(accepted) == 2, entries[-4:]  # the product acknowledged both copies
    time.sleep(1.5)  # the consumer has had time to act on a second copy, if it were going to
    assert len(phone.bot_messages()) == 1
