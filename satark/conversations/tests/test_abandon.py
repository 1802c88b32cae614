"""Quiet conversations: one reminder inside the window, then filed as a partial tip or closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from satark.conversations.abandon import sweep
from satark.conversations.definitions import get_definition
from satark.conversations.models import Conversation
from satark.messaging.models import OutboxItem
from satark.tips.models import Tip
from tests import factories as f

pytestmark = pytest.mark.django_db


def conversation(ref: str, answers: dict[str, str], quiet: timedelta, media: tuple[str, ...] = ()) -> Conversation:
    state = {
        "questionnaire": "tip",
        "version": 2,
        "step": "description",
        "language": "hi",
        "answers": answers,
        "media": list(media),
    }
    c = Conversation.objects.create(reporter_ref=ref, questionnaire="tip.v2", state=state)
    Conversation.objects.filter(pk=c.pk).update(updated_at=timezone.now() - quiet)
    return c


def sent_to(ref: str) -> list[str]:
    return [o.payload["body"] for o in OutboxItem.objects.filter(recipient_ref=ref).order_by("id")]


def test_one_reminder_then_a_partial_tip_or_a_quiet_close() -> None:
    f.load_reference()
    definition = get_definition()
    now = timezone.now()
    fresh = conversation("rp_fresh", {"category": "gambling"}, timedelta(minutes=30))
    quiet = conversation("rp_quiet", {"category": "gambling"}, timedelta(hours=3))
    worth = conversation(
        "rp_worth",
        {"category": "illegal_arms", "district": "jaunpur", "description": "katta bikta hai"},
        timedelta(hours=23),
    )
    empty = conversation("rp_empty", {}, timedelta(hours=23))

    report = sweep(now)
    assert (report.reminded, report.filed, report.closed) == (1, 1, 1)
    assert sent_to("rp_fresh") == []
    assert sent_to("rp_quiet") == [definition.text("hi", "reminder")]
    tip = Tip.objects.get(reporter_ref="rp_worth")
    assert tip.partial and tip.category.code == "illegal_arms" and tip.district and tip.district.code == "jaunpur"
    assert sent_to("rp_worth") == [definition.text("hi", "submitted_partial", reference=tip.reference)]
    assert sent_to("rp_empty") == [] and not Conversation.objects.get(pk=empty.pk).active

    assert sweep(now).reminded == 0  # one reminder only
    fresh.refresh_from_db()
    quiet.refresh_from_db()
    worth.refresh_from_db()
    assert fresh.active and quiet.active and not worth.active and worth.tip_reference == tip.reference


def test_a_partial_tip_without_a_district_goes_to_the_dig_office_only() -> None:
    f.load_reference()
    conversation(
        "rp_nowhere",
        {"category": "narcotics_unknown", "description": "smack bikti hai"},
        timedelta(hours=23),
        media=("m1",),
    )
    sweep(timezone.now())
    tip = Tip.objects.get(reporter_ref="rp_nowhere")
    assert tip.district is None and tip.category.code == "other"  # an unknown category files as "other"
    from satark.tips.access import visible_tips

    assert tip in visible_tips(f.dig_office()) and tip not in visible_tips(f.sp_office("ghazipur"))


def test_a_reporter_who_comes_back_and_goes_quiet_again_gets_another_reminder() -> None:
    import time as _time

    from satark.conversations.handler import handle_inbound
    from satark.messaging.types import InboundMessage

    f.load_reference()
    quiet = conversation("rp_back", {"category": "gambling"}, timedelta(hours=3))
    assert sweep(timezone.now()).reminded == 1
    handle_inbound(
        "rp_back",
        InboundMessage(
            channel="whatsapp", external_id="wamid.BACK1", timestamp=int(_time.time()), kind="text", text="ok"
        ),
    )
    Conversation.objects.filter(pk=quiet.pk).update(updated_at=timezone.now() - timedelta(hours=3))
    assert sweep(timezone.now()).reminded == 1
