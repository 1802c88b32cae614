"""Session and response hardening for every page: idle timeout, the second factor, security headers."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from satark.people.access import second_factor_required

Handler = Callable[[HttpRequest], HttpResponse]
LAST_SEEN = "satark_last_seen"
# Pages an account that has given only its password may still reach.
HALF_SIGNED_IN_PATHS = ("/login/", "/logout/", "/static/", "/language/", "/favicon.ico")


class IdleTimeoutMiddleware:
    """Ends a signed-in session after SATARK_SESSION_IDLE_MINUTES without a request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            idle = settings.SATARK_SESSION_IDLE_MINUTES * 60
            if isinstance(last, int) and now - last > idle:
                logout(request)
                messages.info(request, _("You were signed out after a period without activity."))
                return HttpResponseRedirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")
            if not isinstance(last, int) or now - last >= 30:  # write the session at most twice a minute
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """An account whose role needs TOTP (or that has a device) reaches nothing but the sign-in pages until
    it has given a valid code in this session; with no device yet it is sent to enrol one."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not getattr(user, "is_verified", lambda: False)()
            and not request.path.startswith(HALF_SIGNED_IN_PATHS)
        ):
            from .twofactor import has_device

            if has_device(user) or second_factor_required(user):
                target = "/login/verify/" if has_device(user) else "/login/enrol/"
                return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself. Signed-in pages are never cached (they carry tip content)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.SATARK_PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault("X-Permitted-Cross-Domain-Policies", "none")
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "private, no-store"
        return response
