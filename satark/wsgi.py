"""WSGI entry point (gunicorn satark.wsgi).

Webhook deliveries from Meta need none of the staff-facing middleware (sessions, CSRF, authentication,
locale, messages, static files): they are served by a handler without it, which keeps the hottest
path of the product short. Everything else goes through the full stack."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satark.settings.embedded")

import django
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler

django.setup(set_prefix=False)

WEBHOOK_PREFIX = "/webhooks/"


class WebhookHandler(WSGIHandler):
    """Django's handler with an empty middleware chain (Django's own load_middleware, minus the loop)."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        self._middleware_chain = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]


_site = WSGIHandler()
_webhooks = WebhookHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO", "").startswith(WEBHOOK_PREFIX):
        return _webhooks(environ, start_response)
    return _site(environ, start_response)
