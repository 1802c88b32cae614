"""The access matrix: every role against every page and action of the staff site.

Data-driven: the URL patterns are read from the resolver, so pages added later (the analytics pages included
with `include(...)`) are checked too. Tip pages and actions follow the rules in satark.people.access; any other
page under /dashboard/ is a "reader page": no anonymous access, no access before the second factor, none for
the configuration-only admin role, and a full page for the DIG and SP offices. A new URL parameter needs a
sample value in SAMPLES (the test fails and says so)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from satark.dashboard.views.tip import CASE_ACTIONS
from tests import factories as f

from .conftest import World

ROLES = ("anon", "half", "dig", "sp_g", "sp_j", "co_g", "ps_g", "admin")
# Which tips each content role reads (g: Ghazipur/Karanda, j: Jaunpur, inv: police said to be involved, Karanda).
SEES = {
    "dig": {"g", "j", "inv"},
    "sp_g": {"g", "inv"},
    "sp_j": {"j"},
    "co_g": {"g", "inv"},
    "ps_g": {"g"},  # never the tip about its own personnel
}
HANDLERS = {"dig", "sp_g", "sp_j"}  # case actions and revealing restricted media
SAMPLES = {"kind": ["tips"], "fmt": ["csv"]}  # values for parameters of pages other than the tip pages
POST_ONLY = {"tip-action", "tip-media-reveal", "logout", "set-language"}
SESSION_ENDING = {"logout"}  # would end the session mid-matrix: test_security covers it
SKIP_PREFIXES = ("admin/", "webhooks/")  # the admin has its own rows below; the webhook is not a staff page
ADMIN_PAGES = {
    # path: the admin role's status (everyone else is sent to sign in)
    "/admin/": 200,
    "/admin/geography/policestation/": 200,
    "/admin/geography/district/": 200,
    "/admin/tips/category/": 200,
    "/admin/people/officer/": 200,
    "/admin/people/staffprofile/": 403,  # roles are granted by a superuser only
    "/admin/auth/user/": 403,
}


def patterns(resolvers: list[Any] | None = None, prefix: str = "") -> list[tuple[str, str, Any]]:
    """(route, name, callback) of every URL pattern, nested includes flattened."""
    found: list[tuple[str, str, Any]] = []
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            found += patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), entry.name or "", entry.callback))
    return found


def concrete(world: World, route: str, name: str) -> list[dict[str, Any]]:
    """Every concrete request to make for one pattern: URL, method, and which tip/asset/action it is about."""
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    cases: list[dict[str, Any]] = [{"url": route, "tip": None, "asset": None, "action": None}]
    for _converter, param in params:
        expanded = []
        for case in cases:
            if param == "reference":
                values = [(k, t.reference) for k, t in world.tips.items()]
            elif param == "asset_id":
                values = [(k, str(a.id)) for k, a in world.assets.items()]
            elif param == "action":
                values = [(a, a) for a in CASE_ACTIONS]
            elif param in SAMPLES:
                values = [(v, v) for v in SAMPLES[param]]
            else:
                raise AssertionError(f"no sample value for <{param}> in {route!r}: add one to SAMPLES")
            for key, value in values:
                if param == "asset_id" and case["tip"] != "g":
                    continue  # the assets belong to the Ghazipur tip
                new = dict(case)
                new["url"] = re.sub(rf"<(?:\w+:)?{param}>", value, new["url"], count=1)
                new[{"reference": "tip", "asset_id": "asset", "action": "action"}.get(param, param)] = key
                expanded.append(new)
        cases = expanded
    for case in cases:
        case["url"] = "/" + case["url"]
        case["method"] = "post" if name in POST_ONLY else "get"
        case["name"] = name
    return cases


def expected(role: str, case: dict[str, Any]) -> set[int] | str:
    """The allowed status codes, or 'login' / '2fa' for a redirect to the sign-in / second-factor page."""
    name, url, tip = case["name"], case["url"], case["tip"]
    if name in ("login", "login-verify", "login-enrol", "logout", "set-language", ""):
        return {200, 302}  # the sign-in pages themselves: exercised in test_security
    if role == "anon":
        return "login"
    if role == "half":
        return "2fa"
    if name == "account":
        return {200}
    if name == "dashboard-home":
        return {403} if role == "admin" else {200}
    if tip is not None:
        if role == "admin":
            return {403}
        if name == "tip-action":
            if role not in HANDLERS:
                return {403}
            return {400} if tip in SEES[role] else {404}  # 400: allowed, the empty form is refused
        if tip not in SEES[role]:
            return {404}
        if name == "tip-media-reveal":
            return {302} if role in HANDLERS else {403}
        if name == "tip-media" and case["asset"] == "restricted":
            return {403}  # not revealed in this session
        return {200}
    assert url.startswith("/dashboard/"), url
    # Any other dashboard page (analytics and exports included): readers only.
    if role == "admin":
        return {403}
    if role in ("co_g", "ps_g"):
        return {200, 403}  # unit roles: the page decides whether it serves them
    return {200}


def client_for(world: World, role: str) -> Client:
    if role == "anon":
        return Client()
    user = world.users[role]
    if role == "half":
        f.verified_client(user)  # gives the account a TOTP device ...
        client = Client()
        client.force_login(user, backend=f.MODEL_BACKEND)  # ... but this session has only the password
        return client
    return f.verified_client(user)  # type: ignore[no-any-return]


def check(world: World, role: str, client: Client, case: dict[str, Any]) -> str | None:
    response = getattr(client, case["method"])(case["url"])
    want = expected(role, case)
    location = response.get("Location", "")
    if want == "login":
        ok = response.status_code == 302 and location.startswith("/login/")
    elif want == "2fa":
        ok = response.status_code == 302 and location.startswith("/login/verify/")
    else:
        ok = response.status_code in want
        if case["tip"] is None and response.status_code == 302 and location.startswith(case["url"].rsplit("/", 2)[0]):
            ok = True  # a landing page that forwards to a page beside it (that page is checked itself)
    if not ok:
        return f"{role} {case['method'].upper()} {case['url']}: got {response.status_code} {location}, want {want}"
    body = response.content.decode(errors="replace") if response.get("Content-Type", "").startswith("text/") else ""
    for key, tip in world.tips.items():
        if tip.description in body and (role not in SEES or key not in SEES[role]):
            return f"{role} {case['url']}: shows the description of tip {key!r}"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_page_and_action(range_world: World, role: str) -> None:
    cases = [
        case
        for route, name, _ in patterns()
        if not route.startswith(SKIP_PREFIXES) and name not in SESSION_ENDING
        for case in concrete(range_world, route, name)
    ]
    names = {c["name"] for c in cases}
    assert {"dashboard-home", "tip-detail", "tip-media", "tip-media-reveal", "tip-action"} <= names
    client = client_for(range_world, role)
    failures = [msg for case in cases if (msg := check(range_world, role, client, case))]
    admin_cases = 0
    for path, admin_status in ADMIN_PAGES.items():
        response = client.get(path)
        admin_cases += 1
        if role == "admin":
            ok = response.status_code == admin_status
        elif role == "half":
            ok = response.status_code == 302 and response["Location"].startswith("/login/verify/")
        else:  # not staff: the admin sends them to sign in
            ok = response.status_code == 302 and "login" in response["Location"]
        if not ok:
            failures.append(f"{role} GET {path}: got {response.status_code} {response.get('Location', '')}")
    assert not failures, "\n".join(failures)
    assert len(cases) + admin_cases >= 40


def test_the_matrix_covers_the_analytics_pages_when_they_exist() -> None:
    routes = [route for route, _, _ in patterns()]
    dashboard_pages = [r for r in routes if r.startswith("dashboard/")]
    assert len(dashboard_pages) >= 7
    # Whatever is included later under /dashboard/ is enumerated like the rest (no hard-coded list).
    assert all(not r.startswith(SKIP_PREFIXES) for r in dashboard_pages)
