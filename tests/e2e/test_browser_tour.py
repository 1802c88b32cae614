"""The dashboard tour in a real browser (issue 7, item 10): Debian's Chromium, driven by Playwright, signs in
through the login form with the password and a TOTP code, triages in the inbox (a filter and a search),
opens a tip, assigns it to the district's demo officer, reveals a restricted photo (blurred first; the reveal
is audited), opens every analytics page, downloads a CSV, an XLSX and the PDF report, and switches to Hindi
and back. Every page is photographed in both languages into var/test-artefacts/screenshots/<lang>/<page>.png.
No console error, no Content-Security-Policy violation, no request leaving 127.0.0.1."""

from __future__ import annotations

import csv as csvlib
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, reverse
from PIL import Image, ImageStat

from satark.core.stack import ROOT
from satark.core.testing import CHROMIUM_ARGS
from satark.dashboard import urls_analytics

from .phone import Phone, body_of
from .stackfixture import Running, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CITIZEN = "919000000311"  # used by no other test: the shared stack's phones keep their chats
OFFICE = "sp.jaunpur"  # Jaunpur: no other e2e test assigns to its demo officer
OFFICER_NUMBER = "919000000101"
OFFICER_NAME = "Demo SI Jaunpur"
DESCRIPTION = "मड़ियाहूं बाज़ार के पीछे गोदाम में रात को जुआ चलता है"
ARTEFACTS = ROOT / "var" / "test-artefacts"
SHOTS = ARTEFACTS / "screenshots"
LOCAL = ("127.0.0.1", "localhost")
# What each analytics page must draw (its main element), by URL name. Pages that only redirect or download
# are in NOT_PAGES; a page added to urls_analytics.py without an entry here fails the test.
MAIN_ELEMENT = {
    "analytics-map": '#hotspot-map[data-ready="1"]',
    "analytics-stations": '[data-testid="table-stations"]',
    "analytics-periods": '[data-testid="period-chart"] svg',
    "analytics-sensitivity": '[data-testid="table-sensitivity"]',
}
NOT_PAGES = {"analytics-home", "analytics-export", "analytics-report"}
# Init script: every CSP violation, reported to Python through a binding and kept in the page for waiting.
CSP_LISTENER = """
window.__cspSeen = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const seen = {directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber};
  window.__cspSeen.push(seen);
  window.__satarkCsp(seen);
});
"""


def striped_photo() -> bytes:
    """A JPEG with sharp stripes (a blur visibly flattens them) and the camera's EXIF the product strips."""
    img = Image.new("RGB", (64, 48), "white")
    for x in range(0, 64, 8):
        img.paste((20, 20, 120), (x, 0, x + 4, 48))
    exif = Image.Exif()
    exif[0x010F] = "SentinelCam"
    exif[0x8825] = {1: "N", 2: (25.0, 44.0, 0.0), 3: "E", 4: (82.0, 41.0, 0.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def file_tip_with_photo(product: Running) -> str:
    """A gambling tip for Jaunpur, in Hindi, with a photo, through the simulator's phone."""
    phone = Phone(product.sim(), CITIZEN, profile_name="Tour Citizen")
    phone.say("नमस्ते")
    phone.tap("lang:hi")
    phone.tap("जुआ")
    phone.tap("district:jaunpur")
    phone.answer_until("media:", place="मड़ियाहूं", text=DESCRIPTION)
    before = len(phone.bot_messages())
    phone.send_photo(striped_photo())
    phone.wait(before + 1)
    done = phone.bot_messages()[-1]["payload"].get("interactive", {}).get("action", {}).get("buttons", [])
    assert done, "the media step offers a Done button"
    phone.tap(done[0]["reply"]["id"])
    final = body_of(phone.tap("confirm:yes")[-1]["payload"])
    match = re.search(r"VNS-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}", final)
    assert match, final
    return match.group(0)


RESTRICT = """
import time
from django.utils import timezone
from satark.media import sensitivity
from satark.media.models import MediaAsset

deadline = time.monotonic() + 90
while True:
    asset = MediaAsset.objects.filter(tip__reference={reference!r}, kind="image").first()
    if asset is not None and asset.state == "ready" and asset.analysis in ("done", "failed"):
        break
    if time.monotonic() > deadline:
        raise SystemExit(f"the photo was never fetched and analysed: {{asset and (asset.state, asset.analysis)}}")
    time.sleep(0.3)
MediaAsset.objects.filter(pk=asset.pk).update(
    restricted=True,
    signals={{"explicit": {{"score": 0.97, "evidence": "e2e tour: marked explicit"}}}},
    classifier="e2e-tour-fixture",
    classified_at=timezone.now(),
)
sensitivity.refresh_by_id(asset.tip_id)
print("asset", asset.pk)
"""


def mark_photo_restricted(product: Running, reference: str) -> str:
    """What the media pipeline does when its classifier finds a photo explicit: the asset is restricted and
    the tip's sensitivity recomputed (here in a manage.py shell on the stack's own settings and database)."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", RESTRICT.format(reference=reference)],
        cwd=ROOT,
        env=product.stack.env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = re.search(r"^asset ([0-9a-f-]{36})$", done.stdout, re.MULTILINE)
    assert found, done.stdout + done.stderr
    return found.group(1)


def query(product: Running, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """A read of the stack's database (`?` placeholders)."""
    if product.backend == "sqlite":
        with sqlite3.connect(product.database_url.removeprefix("sqlite:///")) as conn:
            return list(conn.execute(sql, params).fetchall())
    import psycopg

    with psycopg.connect(product.database_url) as conn:
        return list(conn.execute(sql.replace("?", "%s"), params).fetchall())


def analytics_pages() -> list[str]:
    """The URL names of the analytics pages, from satark/dashboard/urls_analytics.py."""
    names = [p.name for p in urls_analytics.urlpatterns if isinstance(p, URLPattern) and p.name]
    pages = [name for name in names if name not in NOT_PAGES]
    assert set(pages) == set(MAIN_ELEMENT), f"analytics pages without a check in this tour: {pages}"
    return pages


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: `make test` installs it (make browser-deps)"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Tour:
    """One browser page with its watchers: requests outside 127.0.0.1, console errors, CSP violations."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.outside: list[str] = []
        self.problems: list[str] = []
        self.csp: list[dict[str, Any]] = []
        self.shots: dict[str, list[Path]] = {"en": [], "hi": []}
        context = browser.new_context(locale="en-IN", accept_downloads=True, viewport={"width": 1280, "height": 900})
        context.expose_binding("__satarkCsp", lambda _source, seen: self.csp.append(seen))
        context.add_init_script(CSP_LISTENER)
        context.route("**/*", self._guard)
        self.page = context.new_page()
        self.page.set_default_timeout(30_000)
        self.page.on(
            "console", lambda msg: self.problems.append(f"console: {msg.text}") if msg.type == "error" else None
        )
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("requestfailed", self._failed)

    def _guard(self, route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOCAL:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _failed(self, request: Any) -> None:
        if urlsplit(request.url).hostname in LOCAL and "net::ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"request failed: {request.url} {request.failure}")

    def goto(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)

    def lang(self) -> str:
        return str(self.page.locator("html").get_attribute("lang"))

    def switch_language(self, lang: str) -> None:
        """The header's switch (a POST that returns to the same page)."""
        from playwright.sync_api import expect

        if self.lang() == lang:
            return
        self.page.locator(f'[data-testid="language-switch"] button[value="{lang}"]').click()
        expect(self.page.locator("html")).to_have_attribute("lang", lang)

    def shoot(self, name: str) -> None:
        lang = self.lang()
        assert lang in self.shots, lang
        folder = SHOTS / lang
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        path.unlink(missing_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        self.shots[lang].append(path)

    def download(self, testid: str) -> tuple[str, bytes]:
        with self.page.expect_download() as info:
            self.page.locator(f'[data-testid="{testid}"]').click()
        download = info.value
        assert download.failure() is None, download.failure()
        folder = ARTEFACTS / "downloads"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / download.suggested_filename
        download.save_as(str(target))
        return download.suggested_filename, target.read_bytes()


def loaded(image: Any) -> int:
    """Wait until the <img> is decoded; its natural width."""
    image.evaluate("img => img.complete ? null : new Promise(done => img.addEventListener('load', done))")
    return int(image.evaluate("img => img.complete ? img.naturalWidth : 0"))


def contrast(png: bytes) -> float:
    """The standard deviation of the grey levels: high for sharp stripes, low once blurred."""
    with Image.open(io.BytesIO(png)) as img:
        return float(ImageStat.Stat(img.convert("L")).stddev[0])


def assert_non_trivial_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    assert len(data) > 10_000, (path, len(data))
    with Image.open(path) as img:
        assert img.width >= 1000 and img.height >= 400, (path, img.size)
        low, high = cast(tuple[int, int], img.convert("L").getextrema())
        assert high - low > 100, (path, "a blank picture")


def test_tour_of_the_dashboard_in_a_real_browser(product: Running, browser: Any) -> None:
    from playwright.sync_api import expect

    assert OFFICE in product.totp_secrets, "the demo account is enrolled for TOTP"
    reference = file_tip_with_photo(product)
    asset_id = mark_photo_restricted(product, reference)
    officer = Phone(product.sim(), OFFICER_NUMBER, profile_name="SI Jaunpur")

    tour = Tour(browser, product.stack.web_url)
    page = tour.page

    # The watcher works: an inline style attribute set by script is a CSP violation (style-src 'self').
    tour.goto("/login/")
    page.evaluate("() => document.body.setAttribute('style', 'outline: 1px solid red')")
    page.wait_for_function("() => window.__cspSeen.length > 0")
    for _ in range(100):  # the binding's call crosses to Python a moment later
        if tour.csp:
            break
        page.wait_for_timeout(50)
    assert tour.csp[0]["directive"].startswith("style-src"), tour.csp
    tour.csp.clear()
    tour.problems.clear()  # Chromium logs the refused style as a console error too

    # The login page in both languages (before sign-in the choice lives in the language cookie).
    tour.goto("/login/")
    tour.switch_language("en")
    tour.shoot("login")
    expect(page.locator("main h1")).to_have_text("Staff login")
    tour.switch_language("hi")
    expect(page.locator("main h1")).to_have_text("कर्मचारी लॉगिन")
    tour.shoot("login")
    tour.switch_language("en")

    # Password, then the second factor: the code computed from the account's TOTP secret.
    page.fill("input[name=username]", OFFICE)
    page.fill("input[name=password]", product.logins[OFFICE])
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login/verify/"))
    page.fill("input[name=code]", totp_code(OFFICE))
    page.locator('main [data-testid="verify-form"] button[type=submit]').click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    tour.switch_language("en")  # the profile's language wins after sign-in
    expect(page.locator("main h1")).to_contain_text("Tips")
    expect(page.locator('[data-testid="who"]')).to_contain_text("Jaunpur")

    # Triage: a category filter, the restricted sensitivity the pipeline just set, and a search.
    filters = page.locator('[data-testid="filters"]')
    gambling = filters.locator("select[name=category] option", has_text="Gambling").get_attribute("value")
    assert gambling
    filters.locator("select[name=category]").select_option(gambling)
    filters.locator("select[name=sensitivity]").select_option("restricted")
    filters.locator("input[name=q]").fill(reference)
    filters.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"q={reference}"))
    rows = page.locator('[data-testid="tip-table"] tbody tr')
    expect(rows).to_have_count(1)
    row = page.locator(f'tr[data-reference="{reference}"]')
    expect(row).to_contain_text("Gambling")
    expect(row).to_have_class(re.compile(r"\bsens-restricted\b"))
    expect(page.locator('[data-testid="tip-total"]')).to_have_text("(1)")
    inbox_path = urlsplit(page.url).path + "?" + urlsplit(page.url).query
    tour.shoot("inbox")

    # The tip: the restricted photo is blurred first, and the sharp file is refused.
    row.locator("a").click()
    expect(page.locator('[data-testid="tip-reference"]')).to_have_text(reference)
    expect(page.locator('[data-testid="tip-description"]')).to_have_text(DESCRIPTION)
    figure = page.locator(f"#media-{asset_id}")
    expect(figure).to_have_attribute("data-restricted", "yes")
    blurred = figure.locator('[data-testid="media-blurred"] img.blurred')
    expect(blurred).to_be_visible()
    assert blurred.get_attribute("src") == f"/dashboard/tips/{reference}/media/{asset_id}/blurred/"
    assert loaded(blurred) > 0
    expect(figure.locator('[data-testid="tip-photo"]')).to_have_count(0)
    sharp_url = f"/dashboard/tips/{reference}/media/{asset_id}/"
    assert page.request.get(tour.base + sharp_url).status == 403
    blurred_look = contrast(blurred.screenshot())
    revealed_before = query(
        product,
        "SELECT COUNT(*) FROM audit_auditevent WHERE action = ? AND object_id = ?",
        ("media.revealed", reference),
    )[0][0]
    assert revealed_before == 0

    # Assign to the district's demo officer; the officer's phone receives the task.
    assign = page.locator('form.case-action[data-action="assign"]')
    option = assign.locator("select[name=officer] option", has_text=OFFICER_NAME)
    expect(option).to_have_count(1)
    assign.locator("select[name=officer]").select_option(option.get_attribute("value"))
    assign.locator("button[type=submit]").click()
    expect(page.locator('[data-testid="tip-officer"]')).to_contain_text(OFFICER_NAME)
    expect(page.locator('[data-testid="tip-status"]')).to_contain_text("Assigned")
    deadline = time.monotonic() + 30
    while not any(reference in json.dumps(m["payload"], ensure_ascii=False) for m in officer.bot_messages()):
        assert time.monotonic() < deadline, "the officer's phone never received the task"
        page.wait_for_timeout(300)

    # Reveal: the sharp picture replaces the blurred one, and the reveal is audited.
    figure.locator('[data-testid="reveal"]').click()
    photo = page.locator(f'#media-{asset_id} [data-testid="tip-photo"]')
    expect(photo).to_be_visible()
    assert photo.get_attribute("src") == sharp_url
    assert loaded(photo) == 64
    expect(page.locator(f'#media-{asset_id} [data-testid="media-blurred"]')).to_have_count(0)
    sharp_look = contrast(photo.screenshot())
    assert sharp_look > 2 * blurred_look + 5, (sharp_look, blurred_look)  # the stripes show only now
    sharp = page.request.get(tour.base + sharp_url)
    assert sharp.status == 200 and sharp.body()[:3] == b"\xff\xd8\xff" and b"SentinelCam" not in sharp.body()
    events = query(
        product,
        "SELECT actor_label, details FROM audit_auditevent WHERE action = ? AND object_id = ?",
        ("media.revealed", reference),
    )
    assert len(events) == 1, events
    actor, details = events[0]
    details = json.loads(details) if isinstance(details, str) else details
    assert actor == OFFICE and details["asset"] == asset_id, events
    tour.shoot("tip")
    tip_path = f"/dashboard/tips/{reference}/"

    # Every analytics page draws its main element; the header's link lands on the first of them.
    page.locator('[data-testid="nav-analytics"]').click()
    expect(page).to_have_url(re.compile(r"/dashboard/analytics/stations/"))
    pages = analytics_pages()
    for name in pages:
        tour.goto(reverse(name) + "?period=month")
        expect(page.locator(MAIN_ELEMENT[name]).first).to_be_visible()
        if name == "analytics-map":  # drawn by the vendored Leaflet: boundaries, stations, places
            assert page.locator("#hotspot-map path.district").count() >= 1
            assert page.locator("#hotspot-map path.station").count() >= 1
            assert int(page.locator("#hotspot-map").get_attribute("data-places") or 0) >= 1  # our tip's place
        tour.shoot(name)

    # Downloads through the browser: CSV, XLSX, the PDF review report.
    tour.goto(reverse("analytics-stations") + "?period=month")
    name, csv = tour.download("export-csv")
    assert name.endswith(".csv") and csv.startswith(b"\xef\xbb\xbf"), name
    lines = list(csvlib.reader(io.StringIO(csv.decode("utf-8-sig"))))
    assert lines[0] == ["Station-wise comparison"], lines[:2]  # the first table's title, then its header
    header = lines[1]
    assert header[:3] == ["District", "Circle", "Police station"], header
    assert header[-3:] == ["Total", "Previous period", "Change"], header
    body = [r for r in lines[2 : lines.index([])] if len(r) == len(header) and r[0] == "Jaunpur"]
    assert sum(int(r[header.index("Gambling/betting")]) for r in body) >= 1, "our tip is counted"
    name, xlsx = tour.download("export-xlsx")
    assert name.endswith(".xlsx") and xlsx[:4] == b"PK\x03\x04", name
    name, pdf = tour.download("report-week")
    assert name.endswith(".pdf") and pdf[:5] == b"%PDF-" and b"%%EOF" in pdf[-1024:], name

    # Hindi: the same pages again, photographed; then back to English.
    tour.switch_language("hi")
    expect(page.locator('[data-testid="nav-analytics"]')).to_have_text("विश्लेषण")
    tour.goto(inbox_path)
    expect(page.locator("main h1")).to_contain_text("सूचनाएँ")
    expect(page.locator(f'tr[data-reference="{reference}"]')).to_contain_text("जुआ")
    tour.shoot("inbox")
    tour.goto(tip_path)
    expect(page.locator(f'#media-{asset_id} [data-testid="tip-photo"]')).to_be_visible()  # revealed this session
    loaded(page.locator(f'#media-{asset_id} [data-testid="tip-photo"]'))
    tour.shoot("tip")
    for name in pages:
        tour.goto(reverse(name) + "?period=month")
        expect(page.locator(MAIN_ELEMENT[name]).first).to_be_visible()
        tour.shoot(name)
    _, pdf = tour.download("report-week")
    assert pdf[:5] == b"%PDF-"
    tour.switch_language("en")
    expect(page.locator("main h1")).to_contain_text("Sensitivity")
    tour.goto("/dashboard/")
    expect(page.locator("main h1")).to_contain_text("Tips")

    # The artefacts: the same pages in both languages, each a real picture.
    names = {lang: sorted(p.stem for p in paths) for lang, paths in tour.shots.items()}
    assert names["en"] == names["hi"] == sorted(["login", "inbox", "tip", *pages]), names
    for paths in tour.shots.values():
        for path in paths:
            assert_non_trivial_png(path)
    assert tour.outside == [], f"requests left 127.0.0.1: {tour.outside}"
    assert tour.csp == [], f"Content-Security-Policy violations: {tour.csp}"
    assert tour.problems == [], f"console errors: {tour.problems}"
