"""Neutral notices to reporters after they have filed a tip (privacy rule 4).

A notice names only the tip's reference and a generic status — never a category, place, accused or
officer — because the reporter's phone may be in someone else's hands. The text is the body of the
approved template itself, so the message inside the 24-hour window and the template outside it say
exactly the same thing. Each notice leaves after a random delay, so "raid at 10:00, message at 10:01"
is not a correlation anyone can draw."""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings

from satark.messaging.models import OutboxItem
from satark.messaging.outbound import queue_message
from satark.messaging.templates import TemplateSpec, get
from satark.tips.models import Tip

NOTICE_TEMPLATES = {"action_taken": "satark_action_taken", "update": "satark_reporter_update"}


def notice_text(spec: TemplateSpec, language: str, reference: str) -> str:
    return spec.bodies[language].replace("{{1}}", reference)


def notify_reporter(tip: Tip, kind: str) -> OutboxItem:
    spec = get(NOTICE_TEMPLATES[kind])
    language = tip.language if tip.language in spec.bodies else next(iter(spec.bodies))
    low, high = settings.SATARK_NOTICE_DELAY_MINUTES
    delay = timedelta(minutes=random.uniform(low, high))
    payload = {
        "type": "text",
        "body": notice_text(spec, language, tip.reference),
        "fallback_template": spec.payload(language, [tip.reference]),
    }
    return queue_message(tip.reporter_ref, payload, purpose="notice", delay=delay)
