"""Every category reported end to end through signed webhooks and the Graph API fake, in Hindi and
in English: the tip lands in the right district with its category's own answers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from satark.core.stack import ROOT

from .phone import Phone, options_of
from .stackfixture import Running, Staff

pytestmark = pytest.mark.e2e
DATA = json.loads((Path(ROOT) / "reference" / "varanasi-range" / "categories.json").read_text(encoding="utf-8"))
CATEGORIES = [c["code"] for c in DATA["categories"]]
TITLES = {c["code"]: c["title"]["en"] for c in DATA["categories"]}
DISTRICTS = ["jaunpur", "ghazipur", "chandauli"]
PLACES = {"jaunpur": "Mariahu", "ghazipur": "सैदपुर", "chandauli": "Sakaldiha"}


def choose_category(phone: Phone, code: str) -> None:
    menu = options_of(phone.bot_messages()[-1]["payload"])
    if not any(o["id"] == f"category:{code}" for o in menu):
        phone.tap("category#page")  # the second page of the list: 10 rows is WhatsApp's maximum
    phone.tap(f"category:{code}")


CASES = [(code, language) for code in CATEGORIES for language in ("hi", "en")]


@pytest.mark.parametrize("n", range(len(CASES)), ids=[f"{c}-{lang}" for c, lang in CASES])
def test_each_category_end_to_end_in_each_language(product: Running, n: int) -> None:
    code, language = CASES[n]
    district = DISTRICTS[n % 3]
    phone = Phone(product.sim(), f"9190000020{n:02d}")
    phone.say("नमस्ते" if language == "hi" else "hello")
    phone.tap(f"lang:{language}")
    choose_category(phone, code)
    phone.tap(f"district:{district}")
    detail = f"test report {code}: seen near the main road every evening"
    phone.answer_until("media:", place=PLACES[district], text=detail)
    phone.tap("media:skip")
    final = phone.tap("confirm:yes")[-1]["payload"]["text"]["body"]
    reference = re.search(r"VNS-[0-9A-Z]{5}", final)
    assert reference, final

    office = Staff(product.stack.web_url, f"sp.{district}", product.logins[f"sp.{district}"])
    page = office.get(f"/dashboard/tips/{reference.group(0)}/").text
    assert detail in page
    assert TITLES[code] in page  # filed under the category the reporter chose
    assert f'<dd data-testid="tip-district">{district.capitalize()}' in page
