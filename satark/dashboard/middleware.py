"""The interface language of a signed-in user is the one stored on their profile (set from the header
switch); before sign-in, the language cookie or the browser's preference (Django's LocaleMiddleware)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from satark.people.access import profile_of

SUPPORTED = {code for code, _ in settings.LANGUAGES}


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        profile = profile_of(request.user)
        if profile is not None and profile.language in SUPPORTED:
            translation.activate(profile.language)
            request.LANGUAGE_CODE = profile.language
        return self.get_response(request)
