"""Reporter notices are neutral, delayed at random, and never hold back the conversation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from satark.conversations.notices import NOTICE_TEMPLATES, notify_reporter
from satark.geography.models import District, PoliceStation
from satark.messaging.models import OutboxItem
from satark.messaging.templates import TEMPLATES
from satark.tips.models import Category
from tests import factories as f

pytestmark = pytest.mark.django_db


def tip_details() -> list[str]:
    """Every word that would tell someone reading the reporter's phone what the tip was about."""
    words: list[str] = []
    for category in Category.objects.all():
        words += [*category.title.values(), *category.description.values()]
    for district in District.objects.all():
        words += list(district.name.values())
    for station in PoliceStation.objects.all():
        words += [name for name in station.name.values() if len(name) > 3]
    return words


def test_every_reporter_bound_template_is_free_of_tip_details() -> None:
    f.load_reference()
    details = tip_details()
    reporter_templates = [spec for spec in TEMPLATES if spec.audience == "reporter"]
    assert {spec.name for spec in reporter_templates} >= set(NOTICE_TEMPLATES.values())
    for spec in reporter_templates:
        for language, body in spec.bodies.items():
            assert re.findall(r"{{(\w+)}}", body) == ["1"], (spec.name, language)  # the reference only
            assert spec.examples == ("VNS-7K3M9",)
            leaked = [word for word in details if word.lower() in body.lower()]
            assert leaked == [], (spec.name, language, leaked)


def test_a_notice_names_only_the_reference_and_leaves_after_a_random_delay(settings) -> None:  # type: ignore[no-untyped-def]
    f.load_reference()
    settings.SATARK_NOTICE_DELAY_MINUTES = (20.0, 180.0)
    tip = f.tip("ghazipur", "illegal_arms", description="katta factory near the canal")
    before = timezone.now()
    item = notify_reporter(tip, "action_taken")
    assert item.purpose == "notice" and item.recipient_ref == tip.reporter_ref
    assert item.not_before is not None
    assert before + timedelta(minutes=20) <= item.not_before <= timezone.now() + timedelta(minutes=180)
    body = item.payload["body"]
    assert tip.reference in body and "katta" not in body and "Ghazipur" not in body and "गाजीपुर" not in body
    assert item.payload["fallback_template"]["name"] == "satark_action_taken"
    assert item.payload["fallback_template"]["language"] == "hi"  # the reporter's own language
    delays = {notify_reporter(tip, "update").not_before for _ in range(5)}
    assert len(delays) == 5  # random, not a fixed offset


def test_a_delayed_notice_does_not_hold_back_the_conversation(sim) -> None:  # type: ignore[no-untyped-def]
    from satark.messaging.outbound import queue_message, send_pending
    from satark.messaging.pacing import touch_inbound
    from satark.vault.api import reference_for
    from tests.integration.conftest import PHONE

    f.load_reference()
    ref = reference_for("whatsapp", PHONE)
    touch_inbound(ref)
    tip = f.tip()
    tip.reporter_ref = ref
    tip.save()
    notice = notify_reporter(tip, "update")
    queue_message(ref, {"type": "text", "body": "the next question"})
    assert send_pending(ref) == 1
    notice.refresh_from_db()
    assert notice.state == "queued"
    OutboxItem.objects.filter(pk=notice.pk).update(not_before=timezone.now() - timedelta(seconds=1))
    assert send_pending(ref) == 1
    notice.refresh_from_db()
    assert notice.state == "sent"


# Catalogue entries the bot may send to a reporter after a tip exists (a phone can change hands):
REPORTER_BOUND_KEYS = (
    "submitted",
    "submitted_partial",
    "status_header",
    "status_none",
    "status_open",
    "status_closed",
    "reminder",
    "limit_reached",
)


def test_every_reporter_bound_catalogue_entry_is_free_of_tip_details() -> None:
    import json
    import string
    from pathlib import Path

    f.load_reference()
    details = [w for w in tip_details() if len(w) > 3]
    folder = Path(__file__).resolve().parent.parent / "catalogues"
    for path in sorted(folder.glob("*.json")):
        catalogue = json.loads(path.read_text(encoding="utf-8"))
        for key in REPORTER_BOUND_KEYS:
            text = catalogue[key]
            fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
            assert fields <= {"reference"}, (path.name, key, fields)
            leaked = [w for w in details if w.lower() in text.lower()]
            assert leaked == [], (path.name, key, leaked)
