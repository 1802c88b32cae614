"""In headless Chromium (Debian's, never downloaded): sign in with password + TOTP, switch to Hindi, find the
tip, see a restricted photo blurred, reveal it (audited). No request may leave 127.0.0.1 and the page must
raise no Content-Security-Policy violation."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from satark.audit.models import AuditEvent
from satark.core.testing import CHROMIUM_ARGS
from satark.geography.models import PoliceStation
from tests import factories as f

from .conftest import asset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls here are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: `make test` installs it (make browser-deps)"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def loaded(image: Any) -> None:
    """Wait until the <img> has decoded (in the page is not enough on a busy machine)."""
    image.evaluate("img => img.complete ? null : new Promise(done => img.addEventListener('load', done))")


def test_totp_login_language_switch_and_reveal(live_server: Any, browser: Any, tmp_path: Any) -> None:
    from playwright.sync_api import expect

    f.load_reference()
    user = f.sp_office("ghazipur")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    tip = f.tip("ghazipur", description="रात में ट्रक से पशु ले जाए जाते हैं")
    tip.station = PoliceStation.objects.get(code="ghazipur-karanda")
    tip.save()
    photo = asset(tip, "m-browser", restricted=True, classifier="nsfw-test-1")

    outside: list[str] = []
    csp_errors: list[str] = []
    context = browser.new_context(locale="en-IN")
    page = context.new_page()
    page.set_default_timeout(15_000)

    def guard(route: Any) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(live_server.url + "/dashboard/")
    page.fill("input[name=username]", "sp-ghazipur")
    page.fill("input[name=password]", f.PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("[data-testid=verify-form]")).to_be_visible()
    page.screenshot(path=str(tmp_path / "verify.png"), full_page=True)
    page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
    page.locator("[data-testid=verify-form] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Tips")

    page.locator("[data-testid=language-switch] button").click()
    expect(page.locator("h1")).to_contain_text("सूचनाएँ")
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    page.screenshot(path=str(tmp_path / "inbox-hi.png"), full_page=True)

    page.locator(f'tr[data-reference="{tip.reference}"] a').click()
    expect(page.locator("[data-testid=tip-description]")).to_have_text(tip.description)
    blurred = page.locator("[data-testid=media-blurred] img")
    expect(blurred).to_be_visible()
    loaded(blurred)
    assert blurred.evaluate("img => img.complete && img.naturalWidth") > 0
    assert page.locator("[data-testid=tip-photo]").count() == 0
    page.screenshot(path=str(tmp_path / "tip-blurred-hi.png"), full_page=True)

    page.locator("[data-testid=reveal]").click()
    sharp = page.locator("[data-testid=tip-photo]")
    expect(sharp).to_be_visible()
    loaded(sharp)
    assert sharp.evaluate("img => img.complete && img.naturalWidth") == 64
    page.screenshot(path=str(tmp_path / "tip-revealed-hi.png"), full_page=True)
    assert AuditEvent.objects.filter(action="media.revealed", actor_label="sp-ghazipur").count() == 1
    assert AuditEvent.objects.get(action="media.revealed").details["asset"] == str(photo.id)

    page.locator("[data-testid=language-switch] button").click()
    expect(page.locator("[data-testid=timeline] h2")).to_have_text("Timeline")
    assert outside == [], f"pages tried to reach outside 127.0.0.1: {outside}"
    assert csp_errors == [], csp_errors
    context.close()
