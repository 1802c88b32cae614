"""Sign-in with a second factor, throttling, idle expiry, CSRF, security headers and the CSP."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from satark.audit.models import AuditEvent
from satark.dashboard.security.middleware import LAST_SEEN
from satark.dashboard.security.twofactor import reset
from satark.people.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def post_form(client: Client, page: str, data: dict[str, Any]) -> Any:
    html = client.get(page).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token, html[:300]
    return client.post(page, {**data, "csrfmiddlewaretoken": token.group(1)})


def test_first_login_enrols_totp_then_every_login_needs_a_code() -> None:
    f.load_reference()
    user = f.sp_office("ghazipur")
    client = csrf_client()
    response = post_form(client, "/login/", {"username": "sp-ghazipur", "password": f.PASSWORD, "next": "/dashboard/"})
    assert response.status_code == 302 and response["Location"].startswith("/login/enrol/")
    assert client.get("/dashboard/")["Location"].startswith("/login/enrol/")  # nothing before the second factor
    enrol = client.get(response["Location"]).content.decode()
    assert "<svg" in enrol and 'class="qr"' in enrol and "<script" not in enrol  # the QR is drawn on the server
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = post_form(client, "/login/enrol/?next=/dashboard/", {"code": "000000", "next": "/dashboard/"})
    assert wrong.status_code == 400 and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    done = post_form(client, "/login/enrol/", {"code": code_for(device), "next": "/dashboard/"})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.content.decode())
    assert done.status_code == 200 and len(codes) == 10
    assert client.get("/dashboard/").status_code == 200
    assert AuditEvent.objects.filter(action="staff.2fa_enrolled", object_id="sp-ghazipur").exists()

    # Next time: password, then the code; a recovery code works once instead.
    again = csrf_client()
    step = post_form(again, "/login/", {"username": "sp-ghazipur", "password": f.PASSWORD, "next": "/dashboard/"})
    assert step["Location"].startswith("/login/verify/")
    assert again.get("/dashboard/")["Location"].startswith("/login/verify/")
    assert again.get("/login/enrol/")["Location"].startswith("/login/verify/")  # no new phone without the old one
    used = post_form(again, "/login/verify/", {"code": codes[0], "next": "/dashboard/"})
    assert used.status_code == 302 and used["Location"] == "/dashboard/"
    third = csrf_client()
    post_form(third, "/login/", {"username": "sp-ghazipur", "password": f.PASSWORD})
    assert post_form(third, "/login/verify/", {"code": codes[0]}).status_code == 400  # spent
    assert AuditEvent.objects.filter(action="staff.2fa_failed").count() == 1


def test_a_totp_code_signs_in_and_cannot_be_replayed() -> None:
    f.load_reference()
    user = f.dig_office()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    first = Client()
    first.post("/login/", {"username": "dig", "password": f.PASSWORD})
    code = code_for(device)
    assert first.post("/login/verify/", {"code": code, "next": "/dashboard/"})["Location"] == "/dashboard/"
    assert first.get("/dashboard/").status_code == 200
    second = Client()
    second.post("/login/", {"username": "dig", "password": f.PASSWORD})
    assert second.post("/login/verify/", {"code": code}).status_code == 400


def test_admin_reset_makes_the_account_enrol_again() -> None:
    f.load_reference()
    user = f.sp_office("jaunpur")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    root = f.staff("root", Role.ADMIN)
    reset(user, actor=root, reason="phone lost")
    client = Client()
    response = client.post("/login/", {"username": "sp-jaunpur", "password": f.PASSWORD})
    assert response["Location"].startswith("/login/enrol/")
    assert AuditEvent.objects.get(action="staff.2fa_reset").details["reason"] == "phone lost"


def test_the_admin_site_signs_in_through_the_staff_login() -> None:
    assert Client().get("/admin/login/?next=/admin/")["Location"].startswith("/login/?next=/admin/")


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_lock_the_username_and_the_address() -> None:
    f.load_reference()
    f.dig_office()
    f.sp_office("ghazipur")
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(2):
        assert client.post("/login/", {"username": "dig", "password": "wrong"}).status_code == 200
    assert client.post("/login/", {"username": "dig", "password": "wrong"}).status_code == 429  # the third
    locked = client.post("/login/", {"username": "dig", "password": f.PASSWORD})
    assert locked.status_code == 429 and 'data-testid="locked"' in locked.content.decode()
    # The username stays locked from another address; the address is locked for another username too.
    assert (
        Client(REMOTE_ADDR="10.2.2.2").post("/login/", {"username": "dig", "password": f.PASSWORD}).status_code == 429
    )
    assert client.post("/login/", {"username": "sp-ghazipur", "password": f.PASSWORD}).status_code == 429
    ok = Client(REMOTE_ADDR="10.3.3.3").post("/login/", {"username": "sp-ghazipur", "password": f.PASSWORD})
    assert ok.status_code == 302


@override_settings(SATARK_SESSION_IDLE_MINUTES=1)
def test_an_idle_session_ends() -> None:
    f.load_reference()
    client = f.verified_client(f.sp_office("ghazipur"))
    assert client.get("/dashboard/").status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 61
    session.save()
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=%2Fdashboard%2F"
    assert client.get("/dashboard/")["Location"].startswith("/login/")  # signed out, not just redirected


def test_forms_without_the_csrf_token_are_refused() -> None:
    f.load_reference()
    tip = f.tip("ghazipur")
    client = f.verified_client(f.sp_office("ghazipur"))
    client.handler.enforce_csrf_checks = True
    response = client.post(f"/dashboard/tips/{tip.reference}/close/", {"reason": "x", "outcome": "duplicate"})
    assert response.status_code == 403 and "could not be accepted" in response.content.decode()
    assert Client(enforce_csrf_checks=True).post("/login/", {"username": "a", "password": "b"}).status_code == 403


def test_security_headers_and_a_strict_csp_on_every_page() -> None:
    f.load_reference()
    tip = f.tip("ghazipur")
    client = f.verified_client(f.sp_office("ghazipur"))
    for page in ("/login/", "/dashboard/", f"/dashboard/tips/{tip.reference}/", "/dashboard/account/"):
        response = (Client() if page == "/login/" else client).get(page)
        csp = response["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ):
            assert directive in csp, (page, csp)
        assert "unsafe-inline" not in csp and "http" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        if page != "/login/":
            assert response["Cache-Control"] == "private, no-store"
        assert "HttpOnly" in str(response.cookies.get("sessionid", "HttpOnly")) or page != "/login/"


def test_no_template_has_inline_script_style_or_event_handlers() -> None:
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or "<style" in text or re.search(r"\sstyle=", text):
            offenders.append(str(path))
        if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
            offenders.append(str(path))
    assert offenders == []
