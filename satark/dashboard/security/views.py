"""Staff sign-in: password (throttled by django-axes), then TOTP (django-otp) or a recovery code;
enrolment with a QR code drawn on the server; fresh recovery codes; sign-out; the CSRF failure page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from satark.audit.actions import record
from satark.people.access import profile_of, second_factor_required

from . import twofactor
from .forms import CodeForm, LoginForm


def safe_next(request: HttpRequest, default: str = "") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or settings.LOGIN_REDIRECT_URL


def _with_next(path: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{path}?{urlencode({'next': next_url})}")


def _is_verified(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and getattr(request.user, "is_verified", lambda: False)())


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        record("staff.login", "user", user.get_username(), actor=user)
        if twofactor.has_device(user):
            return _with_next("/login/verify/", next_url)
        if second_factor_required(user):
            return _with_next("/login/enrol/", next_url)
        return HttpResponseRedirect(next_url)
    return render(request, "dashboard/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _with_next(settings.LOGIN_URL, safe_next(request))
    next_url = safe_next(request)
    if _is_verified(request):
        return HttpResponseRedirect(next_url)
    if not twofactor.has_device(request.user):
        return _with_next("/login/enrol/", next_url)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            record("staff.2fa_ok", "user", request.user.get_username(), actor=request.user)
            if device.__class__.__name__ == "StaticDevice":
                messages.warning(
                    request,
                    _("You used a recovery code. %(n)s are left: make new ones from your account page.")
                    % {"n": twofactor.remaining_recovery_codes(request.user)},
                )
            return HttpResponseRedirect(next_url)
        record("staff.2fa_failed", "user", request.user.get_username(), actor=request.user)
        if twofactor.throttled(request.user):
            form.add_error(None, _("Too many wrong codes. Wait a minute, then try the newest code."))
        else:
            form.add_error("code", _("That code is not valid. Type the 6-digit code your app shows now."))
        status = 400
    return render(request, "dashboard/auth/verify.html", {"form": form, "next": next_url}, status=status)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def enrol_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _with_next(settings.LOGIN_URL, safe_next(request))
    next_url = safe_next(request)
    if twofactor.has_device(request.user) and not _is_verified(request):
        # Replacing a device needs the old one first: a stolen password alone must not enrol a new app.
        return _with_next("/login/verify/", next_url)
    device = twofactor.pending_device(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm(device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            return render(request, "dashboard/auth/recovery_codes.html", {"codes": codes, "next": next_url})
        form.add_error("code", _("That code is not valid. Check the time on the phone and type the newest code."))
        status = 400
    context: dict[str, Any] = {
        "form": form,
        "next": next_url,
        "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret_of(device),
        "required": second_factor_required(request.user),
    }
    return render(request, "dashboard/auth/enrol.html", context, status=status)


@csrf_protect
@never_cache
def account_view(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own security page: second factor, recovery codes."""
    if not request.user.is_authenticated:
        return _with_next(settings.LOGIN_URL, request.get_full_path())
    codes: list[str] = []
    if request.method == "POST":
        if not _is_verified(request):
            return _with_next("/login/verify/", request.get_full_path())
        codes = twofactor.new_recovery_codes(request.user)
        record("staff.2fa_new_recovery_codes", "user", request.user.get_username(), actor=request.user)
    return render(
        request,
        "dashboard/auth/account.html",
        {
            "profile": profile_of(request.user),
            "has_device": twofactor.has_device(request.user),
            "remaining": twofactor.remaining_recovery_codes(request.user),
            "codes": codes,
            "required": second_factor_required(request.user),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record("staff.logout", "user", request.user.get_username(), actor=request.user)
    auth_logout(request)
    return HttpResponseRedirect(settings.LOGOUT_REDIRECT_URL)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "dashboard/auth/csrf_failure.html", status=403)
