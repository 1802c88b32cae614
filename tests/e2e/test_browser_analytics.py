"""The hotspot map in headless Chromium: district boundaries, police stations and the places (~300 m grid
squares, painted on canvas) drawn by the vendored Leaflet, under the real Content-Security-Policy, with no
request leaving 127.0.0.1."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from satark.analytics.tests.helpers import at, make, station
from satark.core.testing import CHROMIUM_ARGS
from tests import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LOCAL = ("127.0.0.1", "localhost")


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: `make test` installs it (make browser-deps)"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def dig_session(live_server: Any) -> str:
    """Data and a signed-in DIG-office session, made before the browser starts (Playwright's sync API runs
    an event loop in this thread, where Django refuses database calls)."""
    f.load_reference()
    today = timezone.localdate()
    for k in range(3):
        make("ghazipur", "gambling", pin=(25.58 + k * 0.0004, 83.57), when=at(today - timedelta(days=1)))
    make("jaunpur", "drugs_liquor", station_=station("jaunpur", 0), when=at(today - timedelta(days=2)))
    make("chandauli", "illegal_mining", pin=(25.26, 83.27), when=at(today - timedelta(days=3)))
    session: str = f.verified_client(f.dig_office()).cookies["sessionid"].value
    return session


def test_map_draws_boundaries_stations_and_places_offline(
    live_server: Any, dig_session: str, browser: Any, tmp_path: Any
) -> None:
    from playwright.sync_api import expect

    session = dig_session

    context = browser.new_context(locale="en-IN")
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    requested: list[str] = []
    outside: list[str] = []
    problems: list[str] = []

    def guard(route: Any) -> None:
        requested.append(route.request.url)
        if urlsplit(route.request.url).hostname in LOCAL:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(live_server.url + "/dashboard/analytics/map/?period=week")
    holder = page.locator("#hotspot-map")
    expect(holder).to_have_attribute("data-ready", "1")
    assert holder.get_attribute("data-districts") == "3"
    assert holder.get_attribute("data-stations") == "75"
    assert holder.get_attribute("data-places") == "3"  # the 3 pins' square, the station, the lone pin
    assert holder.get_attribute("data-ranked") == "1"  # one place with two or more tips
    # What is on screen, not only what the script counted: SVG paths Leaflet drew in the map pane...
    assert page.locator("#hotspot-map path.district").count() >= 3  # a MultiPolygon may draw more than one
    assert page.locator("#hotspot-map path.station").count() == 75
    box = page.locator("#hotspot-map path.district").first.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 50
    # ...and the squares' colour on the canvas tiles (the heat colours are opaque-ish oranges and reds)
    painted = page.evaluate("""() => Array.from(document.querySelectorAll('.leaflet-pane canvas')).reduce((sum, c) => {
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) { n++; } }
        return sum + n; }, 0)""")
    assert painted >= 3 * 6 * 6  # three places, each drawn at least 6 x 6 pixels at the range's zoom
    rank = page.locator("#hotspot-map .place-rank")
    expect(rank).to_have_count(1)
    expect(rank).to_have_text("1")
    place = rank.bounding_box()
    assert place is not None
    page.mouse.click(place["x"] + place["width"] / 2, place["y"] + place["height"] / 2)  # the square under it
    popup = page.locator(".place-popup .leaflet-popup-content")
    expect(popup).to_contain_text("#1")
    expect(popup).to_contain_text("3 tips")
    expect(popup).to_contain_text("Gambling/betting")
    expect(popup).not_to_contain_text("Police station")  # its tips name no station (not "several")
    page.screenshot(path=str(tmp_path / "hotspot-map.png"), full_page=True)

    assert any("/static/vendor/leaflet-1.9.4/leaflet.js" in url for url in requested)
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert problems == [], f"console errors (a CSP violation shows here): {problems}"
    # the station-wise page's table sorts in the browser
    page.goto(live_server.url + "/dashboard/analytics/stations/?period=week")
    header = page.locator('[data-testid="table-stations"] th', has_text="Total")
    header.click()
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    first = page.locator('[data-testid="table-stations"] tbody tr').first.locator("td").nth(-3)
    assert first.inner_text().strip() in ("3", "<3")
    assert outside == [] and problems == []
