"""The webhook endpoint: verify, store every item durably, answer 200. Processing happens in tasks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods

from .parse import MalformedBody, PayloadError, loads, parse_webhook
from .signature import verify

log = logging.getLogger(__name__)
MAX_BODY = 3 * 1024 * 1024  # Meta's documented webhook payload maximum


@lru_cache(maxsize=4)
def _ingest(path: str) -> Callable[[list[Any]], Any]:
    ingest: Callable[[list[Any]], Any] = import_string(path)
    return ingest


@sensitive_variables("body", "items")  # error reports must never show the raw body
@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        mode = request.GET.get("hub.mode")
        token = request.GET.get("hub.verify_token", "")
        challenge = request.GET.get("hub.challenge", "")
        expected = settings.SATARK_WHATSAPP_VERIFY_TOKEN
        if mode == "subscribe" and expected and token == expected:
            return HttpResponse(challenge, content_type="text/plain")
        return HttpResponse("verification failed", status=403, content_type="text/plain")

    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return JsonResponse({"error": "bad Content-Length"}, status=400)
    if length > MAX_BODY:  # refused before reading, so an oversized body never reaches memory
        return JsonResponse({"error": "payload too large"}, status=413)
    body = request.body
    header = request.headers.get("X-Hub-Signature-256")
    if not header:
        return JsonResponse({"error": "missing X-Hub-Signature-256"}, status=401)
    if not verify(body, header, settings.SATARK_WHATSAPP_APP_SECRET):
        return JsonResponse({"error": "bad signature"}, status=403)
    try:
        items = parse_webhook(loads(body))
    except MalformedBody as exc:
        # Correctly signed but unreadable: retrying will not help, so say so clearly and keep nothing.
        log.warning("signed webhook with malformed JSON (%d bytes, %s)", len(body), exc)
        return JsonResponse({"error": "malformed JSON"}, status=400)
    except PayloadError as exc:
        log.info("ignored webhook: %s", exc)
        return JsonResponse({"ignored": str(exc)}, status=200)
    try:
        report = _ingest(settings.SATARK_INGEST)(items)
    except DatabaseError:
        log.exception("could not store webhook items; Meta will retry")
        return JsonResponse({"error": "temporarily unavailable"}, status=503)
    return JsonResponse({"received": report.received})
