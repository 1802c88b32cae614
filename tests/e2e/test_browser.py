"""A person in headless Chromium: files a tip in Hindi on the simulator's phone page, then the SP office
of the chosen district finds it on the dashboard. Nothing may be fetched from outside 127.0.0.1."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from satark.core.testing import CHROMIUM_ARGS

from .phone import photo_with_gps
from .stackfixture import Running, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
CITIZEN = "919000000001"
DESCRIPTION = "मुगलसराय स्टेशन के पीछे वाली गली में शाम को सट्टा लगता है"


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: `make test` installs it (make browser-deps)"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def loaded(image: Any) -> None:
    """Wait until the <img> has decoded (in the page is not enough on a busy machine)."""
    image.evaluate("img => img.complete ? null : new Promise(done => img.addEventListener('load', done))")


def guarded_page(browser: Any, outside: list[str]) -> Any:
    context = browser.new_context(locale="hi-IN")
    page = context.new_page()
    page.set_default_timeout(20_000)

    def guard(route: Any) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    return page


def sign_in(page: Any, username: str, password: str) -> None:
    """Password, then the demo account's TOTP code (the header's language button is a submit button too)."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main button[type=submit]").click()
    page.fill("input[name=code]", totp_code(username))
    page.locator("main [data-testid=verify-form] button[type=submit]").click()


def test_hindi_tip_from_the_browser_phone_reaches_the_right_sp_office(
    product: Running, browser: Any, tmp_path: Any
) -> None:
    from playwright.sync_api import expect

    outside: list[str] = []
    page = guarded_page(browser, outside)
    page.goto(product.stack.sim_url + "/")
    phone = page.locator(f'[data-phone="{CITIZEN}"]')
    expect(phone).to_be_visible()

    def send_text(text: str) -> None:
        phone.locator(".composer input[name=text]").fill(text)
        phone.locator(".composer button.send").click()

    def tap(option_id: str) -> None:
        button = phone.locator(f'button.reply-button[data-id="{option_id}"]').last
        expect(button).to_be_visible()
        button.click()

    send_text("नमस्ते")
    tap("lang:hi")
    phone.locator("button.list-open").last.click()
    phone.locator("button.list-row", has_text="सट्टा").last.click()
    bot = phone.locator(".msg.out")

    def answer(action: Any) -> None:
        """Act, then wait for the bot's answer (one message or a pair, e.g. a note and the next question)."""
        before = bot.count()
        action()
        expect(bot).not_to_have_count(before)
        settled = bot.count()
        page.wait_for_timeout(600)
        while bot.count() != settled:
            settled = bot.count()
            page.wait_for_timeout(600)

    answer(lambda: tap("district:chandauli"))
    answer(lambda: send_text("मुगलसराय"))  # another spelling of PDDU Nagar's kotwali
    answer(lambda: tap("location:yes"))
    answer(lambda: tap("time:now"))
    for _ in range(12):  # the category's own questions: the first option, or words
        if phone.locator('button.reply-button[data-id="media:skip"]').count():
            break
        last = bot.last
        if last.locator("button.reply-button").count():
            answer(last.locator("button.reply-button").first.click)
        elif last.locator("button.list-open").count():
            last.locator("button.list-open").click()
            answer(last.locator("button.list-row").first.click)
        else:
            answer(lambda: send_text(DESCRIPTION))
    expect(phone.locator('button.reply-button[data-id="media:skip"]')).to_have_count(1)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(photo_with_gps("navy"))
    phone.locator("input[type=file].photo").set_input_files(str(photo))
    expect(phone.locator('button.reply-button[data-id="media:done"]')).to_have_count(1)
    tap("media:done")
    tap("confirm:yes")
    confirmation = phone.locator(".msg.out", has_text="VNS-").last
    expect(confirmation).to_be_visible()
    reference = re.search(r"VNS-[0-9A-Z]{5}", confirmation.inner_text())
    assert reference, confirmation.inner_text()
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)

    dashboard = guarded_page(browser, outside)
    dashboard.goto(product.stack.web_url + "/dashboard/")
    sign_in(dashboard, "sp.chandauli", product.logins["sp.chandauli"])
    row = dashboard.locator(f'tr[data-reference="{reference.group(0)}"]')
    expect(row).to_contain_text("सट्टा")
    row.locator("a").click()
    expect(dashboard.locator("[data-testid=tip-description]")).to_have_text(DESCRIPTION)
    expect(dashboard.locator("dl.facts").first).to_contain_text("Mughalsarai")
    image = dashboard.locator("[data-testid=tip-photo]")
    for _ in range(60):  # the photo is fetched by the consumer in the background
        if image.count():
            break
        dashboard.wait_for_timeout(500)
        dashboard.reload()
    expect(image).to_be_visible()
    # Loaded, not merely in the page: wait for the decoded image (a busy machine can take a moment).
    loaded(image)
    assert image.evaluate("img => img.complete && img.naturalWidth") == 64
    dashboard.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    other = guarded_page(browser, outside)
    other.goto(product.stack.web_url + "/login/")
    sign_in(other, "sp.jaunpur", product.logins["sp.jaunpur"])
    expect(other.locator("h1")).to_contain_text("Tips")
    assert reference.group(0) not in other.content()
    assert outside == [], f"pages tried to reach outside 127.0.0.1: {outside}"
