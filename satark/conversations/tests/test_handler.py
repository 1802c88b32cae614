"""The shell around the engine, with the real reference data and questionnaire: messages in, outbox
rows, media rows and tips out."""

from __future__ import annotations

import time
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from satark.conversations.handler import handle_inbound
from satark.conversations.models import Conversation
from satark.media.models import MediaAsset
from satark.messaging.models import OutboxItem
from satark.messaging.types import InboundMessage, MediaRef
from satark.tips.models import Tip
from tests import factories as f

pytestmark = pytest.mark.django_db
REF = "rp_testreporter"
_ids = count(1)


def msg(kind: str = "text", **fields: Any) -> InboundMessage:
    return InboundMessage(
        channel="whatsapp", external_id=f"wamid.H{next(_ids)}", timestamp=int(time.time()), kind=kind, **fields
    )


def photo(media_id: str) -> InboundMessage:
    return msg("media", media=MediaRef(id=media_id, kind="image", mime_type="image/jpeg", sha256="x"))


def last_reply() -> Any:
    item = OutboxItem.objects.filter(recipient_ref=REF).order_by("-id").first()
    assert item is not None
    return item.payload


def option_ids(payload: dict) -> list[str]:  # type: ignore[type-arg]
    return [o["id"] for o in payload.get("options", [])]


@pytest.fixture(autouse=True)
def reference() -> None:
    f.load_reference()


def answer_until(step_prefix: str, *, place: str = "karanda", limit: int = 25) -> dict:  # type: ignore[type-arg]
    """Answer whatever the bot asks, like a patient citizen, until it offers `step_prefix` buttons: the
    place by name, the time as "now", the first option of any question, a sentence for free text."""
    for _ in range(limit):
        reply = last_reply()
        ids = option_ids(reply)
        if any(i.startswith(step_prefix) for i in ids):
            return reply  # type: ignore[no-any-return]
        if reply["type"] == "location_request":
            handle_inbound(REF, msg(text=place))
        elif "location:yes" in ids:
            handle_inbound(REF, msg("choice", choice_id="location:yes", choice_title="Yes"))
        elif "time:now" in ids:
            handle_inbound(REF, msg("choice", choice_id="time:now", choice_title="Now"))
        elif ids:
            first = next(i for i in ids if "#page" not in i)
            handle_inbound(REF, msg("choice", choice_id=first, choice_title=first))
        else:
            handle_inbound(REF, msg(text="About ten people, every evening after seven"))
    raise AssertionError(f"never reached {step_prefix}: {last_reply()}")


def test_typed_hinglish_answers_file_a_tip_with_its_photos() -> None:
    handle_inbound(REF, msg(text="hi"))
    assert option_ids(last_reply()) == ["lang:hi", "lang:en"]
    handle_inbound(REF, msg(text="english"))
    category_menu = last_reply()
    assert category_menu["type"] == "list" and len(category_menu["options"]) == 10
    handle_inbound(REF, msg(text="jua"))
    assert last_reply()["type"] == "buttons"  # three districts fit in buttons
    handle_inbound(REF, msg(text="gazipur"))
    answer_until("media:")
    handle_inbound(REF, photo("m1"))
    handle_inbound(REF, photo("m2"))
    acks = OutboxItem.objects.filter(recipient_ref=REF).count()
    handle_inbound(REF, msg("choice", choice_id="media:done", choice_title="Done"))
    confirm = last_reply()
    assert "confirm:yes" in option_ids(confirm) and "Ghazipur" in confirm["body"]
    assert OutboxItem.objects.filter(recipient_ref=REF).count() == acks + 1
    handle_inbound(REF, msg("choice", choice_id="confirm:yes", choice_title="Submit"))

    tip = Tip.objects.get()
    assert tip.district is not None
    assert (tip.category.code, tip.district.code, tip.language) == ("gambling", "ghazipur", "en")
    assert tip.station is not None and tip.station.code == "ghazipur-karanda"  # typed "karanda", confirmed
    assert tip.occurred_at is not None and tip.occurred_text  # "now"
    assert tip.answers["police_involved"] in ("yes", "no", "unknown")
    assert tip.reference in last_reply()["body"] and tip.reporter_ref == REF
    assert sorted(MediaAsset.objects.filter(tip=tip).values_list("external_id", flat=True)) == ["m1", "m2"]
    assert not Conversation.objects.get().active
    handle_inbound(REF, msg(text="hello again"))  # a new conversation starts
    assert Conversation.objects.filter(active=True).count() == 1


def test_a_photo_as_first_message_is_kept_and_cancel_discards_it() -> None:
    handle_inbound(REF, photo("m9"))
    assert MediaAsset.objects.filter(external_id="m9").exists()
    assert option_ids(last_reply()) == ["lang:hi", "lang:en"]
    handle_inbound(REF, msg(text="radd"))
    assert not MediaAsset.objects.exists() and not Tip.objects.exists()
    assert not Conversation.objects.get().active


def test_unsupported_and_system_messages_never_break_the_flow() -> None:
    handle_inbound(REF, msg("unsupported", raw_type="poll_update", error_codes=(131051,)))
    handle_inbound(REF, msg("sticker", media=MediaRef(id="s1", kind="sticker", mime_type="image/webp")))
    handle_inbound(REF, msg("reaction", emoji="👍"))
    handle_inbound(REF, msg("system", raw_type="system"))
    assert option_ids(last_reply()) == ["lang:hi", "lang:en"]
    assert Conversation.objects.filter(active=True).count() == 1


def test_a_poster_prefill_routes_the_tip_to_its_station() -> None:
    from satark.geography.models import PoliceStation
    from satark.posters.prefill import prefill_for

    karanda = PoliceStation.objects.get(code="ghazipur-karanda")
    handle_inbound(REF, msg(text=prefill_for(karanda.district, karanda)))
    conversation = Conversation.objects.get()
    assert (conversation.prefill_district, conversation.prefill_station) == ("ghazipur", "ghazipur-karanda")
    handle_inbound(REF, msg(text="english"))
    handle_inbound(REF, msg(text="jua"))
    # The poster pre-selected district and station: neither question is asked; the time is next.
    asked = last_reply()
    assert "district" not in asked["body"].lower() and asked["type"] != "location_request", asked
    answer_until("media:")
    handle_inbound(REF, msg("choice", choice_id="media:skip", choice_title="Skip"))
    summary = last_reply()["body"]
    assert "Karanda" in summary and "Ghazipur" in summary, summary  # shown, and editable, at confirmation
    handle_inbound(REF, msg("choice", choice_id="confirm:yes", choice_title="Submit"))
    tip = Tip.objects.get()
    assert tip.station == karanda and tip.district is not None and tip.district.code == "ghazipur"


def test_a_pre_selected_district_can_be_changed_at_confirmation() -> None:
    from satark.geography.models import District
    from satark.posters.prefill import prefill_for

    handle_inbound(REF, msg(text=prefill_for(District.objects.get(code="jaunpur"), None)))
    handle_inbound(REF, msg(text="english"))
    handle_inbound(REF, msg(text="jua"))
    answer_until("media:", place="mariahu")
    handle_inbound(REF, msg("choice", choice_id="media:skip", choice_title="Skip"))
    assert "Jaunpur" in last_reply()["body"]
    handle_inbound(REF, msg("choice", choice_id="confirm:edit", choice_title="Change"))
    edit_ids = option_ids(last_reply())
    assert any("district" in i for i in edit_ids), edit_ids
    handle_inbound(REF, msg("choice", choice_id=next(i for i in edit_ids if "district" in i), choice_title="District"))
    handle_inbound(REF, msg(text="chandauli"))
    for _ in range(6):  # the place question follows the district again; confirm when offered
        reply = last_reply()
        if "confirm:yes" in option_ids(reply):
            break
        handle_inbound(REF, msg(text="mughalsarai") if reply["type"] == "location_request" else msg(text="skip"))
    handle_inbound(REF, msg("choice", choice_id="confirm:yes", choice_title="Submit"))
    district = Tip.objects.get().district
    assert district is not None and district.code == "chandauli"


def test_status_lists_the_reporters_own_tips_neutrally() -> None:
    earlier = f.tip("ghazipur", "illegal_arms", description="katta")
    earlier.reporter_ref = REF
    earlier.save()
    handle_inbound(REF, msg(text="hi"))
    handle_inbound(REF, msg(text="hindi"))
    handle_inbound(REF, msg(text="status"))
    replies = [o.payload for o in OutboxItem.objects.filter(recipient_ref=REF).order_by("id")][-2:]
    assert earlier.reference in replies[0]["body"] and "हथियार" not in replies[0]["body"]
    assert replies[1]["type"] == "list"  # then the question it was on, again


def test_urgent_words_get_112_at_once_and_the_tip_is_flagged() -> None:
    handle_inbound(REF, msg(text="hi"))
    handle_inbound(REF, msg(text="english"))
    handle_inbound(REF, msg(text="firing ho rahi hai abhi gaon mein"))
    assert any("112" in o.payload.get("body", "") for o in OutboxItem.objects.filter(recipient_ref=REF))
    handle_inbound(REF, msg(text="arms"))
    handle_inbound(REF, msg(text="jaunpur"))
    answer_until("media:", place="kerakat")
    handle_inbound(REF, msg("choice", choice_id="media:skip", choice_title="Skip"))
    handle_inbound(REF, msg("choice", choice_id="confirm:yes", choice_title="Submit"))
    assert Tip.objects.get().urgent


def test_a_blocked_reporter_gets_no_answer() -> None:
    from satark.abuse.actions import block

    user = f.dig_office()
    block(REF, by_user=user, reason="sent abuse 40 times", tip_reference="VNS-22222")
    handle_inbound(REF, msg(text="hi"))
    assert not OutboxItem.objects.filter(recipient_ref=REF).exists()


def test_a_reporter_over_the_days_limit_is_told_before_starting(settings) -> None:  # type: ignore[no-untyped-def]
    from satark.abuse.actions import check_tip
    from satark.conversations.definitions import get_definition

    settings.SATARK_ABUSE_MAX_TIPS_PER_DAY = 2
    now = timezone.now()
    assert check_tip(REF, now).allowed and check_tip(REF, now).allowed  # two reports filed today
    handle_inbound(REF, msg(text="hi"))
    assert last_reply()["body"] == get_definition().text("", "limit_reached")
    assert not Conversation.objects.exists()


def test_status_with_no_report_under_way_answers_alone() -> None:
    earlier = f.tip("jaunpur", "gambling", description="tash")
    earlier.reporter_ref = REF
    earlier.save()
    handle_inbound(REF, msg(text="स्थिति"))
    (reply,) = [o.payload for o in OutboxItem.objects.filter(recipient_ref=REF)]
    assert earlier.reference in reply["body"]
    assert not Conversation.objects.exists()  # no questionnaire started for it


def test_over_the_days_limit_an_emergency_still_gets_112_first(settings: Any) -> None:
    settings.SATARK_ABUSE_MAX_TIPS_PER_DAY = 0
    handle_inbound(REF, msg(text="firing ho rahi hai abhi"))
    bodies = [o.payload["body"] for o in OutboxItem.objects.filter(recipient_ref=REF).order_by("id")]
    assert len(bodies) == 2 and "112" in bodies[0]


def test_a_photo_that_never_downloads_is_reported_back_to_the_sender(sim: Any) -> None:
    handle_inbound(REF, msg(text="hi"))
    handle_inbound(REF, msg(text="english"))
    # A media id the Graph API does not know: the download fails for good (not a retryable error).
    handle_inbound(REF, photo("9999999999999999"))
    from satark.media.tasks import fetch_media

    fetch_media(str(MediaAsset.objects.get(external_id="9999999999999999").pk))  # what the consumer runs
    asset = MediaAsset.objects.get(external_id="9999999999999999")
    assert asset.state == "failed" and asset.reject_reason == "not_received"
    assert "could not" in last_reply()["body"].lower() or "again" in last_reply()["body"].lower()


def test_a_reaction_to_the_bots_last_message_starts_nothing() -> None:
    handle_inbound(REF, msg("reaction", emoji="👍"))
    assert not OutboxItem.objects.filter(recipient_ref=REF).exists() and not Conversation.objects.exists()


def test_an_office_duty_phone_writing_to_the_bot_gets_a_short_answer_not_the_citizen_flow() -> None:
    from satark.escalation.duty import set_duty_number
    from satark.geography.models import District
    from satark.vault.api import reference_for

    set_duty_number(District.objects.get(code="ghazipur"), "919000000202", language="en")
    duty_ref = reference_for("whatsapp", "919000000202")
    handle_inbound(duty_ref, msg(text="hi"))
    (reply,) = [o.payload for o in OutboxItem.objects.filter(recipient_ref=duty_ref)]
    assert "duty number" in reply["body"] and not Conversation.objects.exists()


def test_a_filed_tip_keeps_its_questions_and_answers_in_every_language() -> None:
    handle_inbound(REF, msg(text="hi"))
    handle_inbound(REF, msg(text="english"))
    handle_inbound(REF, msg(text="jua"))
    handle_inbound(REF, msg(text="ghazipur"))
    answer_until("media:")
    handle_inbound(REF, msg("choice", choice_id="media:skip", choice_title="Skip"))
    handle_inbound(REF, msg("choice", choice_id="confirm:yes", choice_title="Submit"))
    labels = Tip.objects.get().answer_labels
    assert ["gambling_type", "Kind of gambling", "Cards (taash)"] in labels["en"]
    assert ["gambling_type", "जुए का प्रकार", "ताश"] in labels["hi"]
