"""The language switch in the page header: stored on the profile (signed in) and in the cookie."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from satark.people.access import profile_of

from ..forms import LanguageForm


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/dashboard/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/dashboard/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        profile = profile_of(request.user)
        if profile is not None and profile.language != language:
            profile.language = language
            profile.save(update_fields=["language"])
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite="Lax",
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
