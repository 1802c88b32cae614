"""Exchanges about a report already sent: adding information, and answering the office's question."""

from __future__ import annotations

import time
from itertools import count
from typing import Any

import pytest
from django.contrib.auth.models import User

from satark.audit.models import AuditEvent
from satark.conversations.handler import handle_inbound
from satark.conversations.models import Conversation, ReporterThread
from satark.media.models import MediaAsset
from satark.messaging.models import OutboxItem
from satark.messaging.outbound import switch_to_template
from satark.messaging.types import InboundMessage, MediaRef
from satark.tips.followups import FollowUpRefused, ask
from satark.tips.models import Addition, Tip
from tests import factories as f

pytestmark = pytest.mark.django_db
REF = "rp_threadreporter"
_ids = count(1)


def msg(kind: str = "text", **fields: Any) -> InboundMessage:
    return InboundMessage(
        channel="whatsapp", external_id=f"wamid.T{next(_ids)}", timestamp=int(time.time()), kind=kind, **fields
    )


def photo(media_id: str, caption: str = "") -> InboundMessage:
    return msg("media", media=MediaRef(id=media_id, kind="image", mime_type="image/jpeg", sha256="", caption=caption))


def replies() -> list[dict[str, Any]]:
    return [o.payload for o in OutboxItem.objects.filter(recipient_ref=REF).order_by("id")]


def bodies() -> list[str]:
    return [p.get("body", "") for p in replies()]


@pytest.fixture(autouse=True)
def reference() -> None:
    f.load_reference()


def own_tip(district: str = "ghazipur", category: str = "gambling", language: str = "hi") -> Tip:
    tip = f.tip(district, category, description="tash")
    tip.reporter_ref = REF
    tip.language = language
    tip.save()
    return tip


def test_add_with_one_open_report_goes_straight_to_it_and_keeps_each_item() -> None:
    tip = own_tip(language="en")
    handle_inbound(REF, msg(text="add"))
    assert tip.reference in bodies()[-1] and replies()[-1]["type"] == "buttons"
    handle_inbound(REF, msg(text="They also play on Sundays near the temple"))
    handle_inbound(REF, photo("p1", caption="the cards"))
    handle_inbound(REF, photo("p2"))
    handle_inbound(REF, photo("p3"))
    saved = [b for b in bodies() if b.startswith(f"Saved to {tip.reference}")]
    assert len(saved) == 1  # one acknowledgement for the burst, not one per item
    addition = Addition.objects.get(tip=tip)  # kept as it arrived, before Done
    assert "Sundays" in addition.text and "the cards" in addition.text and addition.media_count == 3
    assert MediaAsset.objects.filter(tip=tip).count() == 3
    handle_inbound(REF, msg("choice", choice_id="add:done", choice_title="Done"))
    assert "added to report" in bodies()[-1]
    assert not ReporterThread.objects.filter(active=True).exists()
    assert AuditEvent.objects.filter(action="tip.addition", object_id=tip.reference).exists()
    assert not Conversation.objects.exists()  # no questionnaire was started by any of this


def test_add_with_several_reports_asks_which_and_hinglish_works() -> None:
    first = own_tip()
    second = own_tip("jaunpur", "illegal_arms")
    handle_inbound(REF, msg(text="aur jankari"))
    menu = replies()[-1]
    assert menu["type"] == "list"
    assert {o["id"] for o in menu["options"]} == {f"add:{first.reference}", f"add:{second.reference}"}
    handle_inbound(REF, msg("choice", choice_id=f"add:{first.reference}", choice_title=first.reference))
    handle_inbound(REF, msg(text="रात 11 बजे के बाद भी"))
    handle_inbound(REF, msg(text="हो गया"))
    assert Addition.objects.get().tip == first and first.reference in bodies()[-1]


def test_add_without_an_open_report_says_so_and_a_closed_one_is_not_offered() -> None:
    tip = own_tip()
    tip.status = Tip.Status.CLOSED
    tip.save()
    handle_inbound(REF, msg(text="jodna"))
    assert "कोई खुली सूचना नहीं" in bodies()[-1]
    assert not Addition.objects.exists()


def test_add_in_the_middle_of_a_new_report_then_the_questionnaire_carries_on() -> None:
    own_tip(language="en")
    handle_inbound(REF, msg(text="hi"))
    handle_inbound(REF, msg(text="english"))
    category_menu = replies()[-1]
    handle_inbound(REF, msg(text="add"))
    handle_inbound(REF, msg(text="one more detail"))
    handle_inbound(REF, msg(text="done"))
    handle_inbound(REF, msg(text="jua"))  # back in the questionnaire, which had asked for the category
    conversation = Conversation.objects.get(active=True)
    assert dict(conversation.state["answers"]).get("category") == "gambling", conversation.state
    assert category_menu["type"] == "list"


def test_a_sticker_cannot_be_added_and_cancel_stops() -> None:
    own_tip(language="en")
    handle_inbound(REF, msg(text="add"))
    handle_inbound(REF, msg("sticker", media=MediaRef(id="s1", kind="sticker", mime_type="image/webp")))
    assert "cannot be added" in bodies()[-1]
    handle_inbound(REF, msg(text="cancel"))
    assert "stopped" in bodies()[-1] and not ReporterThread.objects.filter(active=True).exists()


def test_the_office_asks_and_the_reporters_answer_lands_on_the_tip() -> None:
    tip = own_tip(language="en")
    operator = User.objects.create_user("operator")
    follow_up = ask(tip, "Which house exactly? Is there a landmark?", actor=operator)
    question = OutboxItem.objects.filter(recipient_ref=REF, purpose="follow_up").get()
    assert "Which house exactly" in question.payload["body"] and tip.reference in question.payload["body"]
    assert question.payload["fallback_template"]["name"] == "satark_reporter_update"
    handle_inbound(REF, msg(text="The blue house behind the school", context_id=""))
    follow_up.refresh_from_db()
    assert follow_up.answer == "The blue house behind the school" and follow_up.answered_at is not None
    assert "passed to the police" in bodies()[-1]
    assert AuditEvent.objects.filter(action="tip.follow_up_answered", object_id=tip.reference).exists()
    handle_inbound(REF, msg(text="hi"))  # the next message is a new report again
    assert Conversation.objects.filter(active=True).exists()


def test_outside_the_window_the_reporter_first_sees_the_template_then_the_question() -> None:
    tip = own_tip()
    follow_up = ask(tip, "गाड़ी का नंबर क्या था?", actor=User.objects.create_user("operator"))
    question = OutboxItem.objects.get(recipient_ref=REF, purpose="follow_up")
    assert switch_to_template(question)  # what sending does when the 24-hour window is closed
    question.save()
    handle_inbound(REF, msg(text="hello"))  # any reply to the neutral template
    assert "गाड़ी का नंबर क्या था?" in bodies()[-1]  # now the question itself, not taken as the answer
    follow_up.refresh_from_db()
    assert follow_up.answered_at is None
    handle_inbound(REF, photo("n1", caption="UP 61 T 1234"))
    follow_up.refresh_from_db()
    assert "UP 61 T 1234" in follow_up.answer and MediaAsset.objects.get(external_id="n1").tip == tip


def test_a_follow_up_needs_a_question_and_a_reachable_reporter() -> None:
    tip = own_tip()
    operator = User.objects.create_user("operator")
    with pytest.raises(FollowUpRefused):
        ask(tip, "   ", actor=operator)
    tip.reporter_forgotten_at = tip.created_at
    tip.save()
    with pytest.raises(FollowUpRefused):
        ask(tip, "Where?", actor=operator)
    assert not OutboxItem.objects.filter(purpose="follow_up").exists()


def test_global_words_keep_their_meaning_while_adding_and_are_not_saved_as_information() -> None:
    tip = own_tip(language="en")
    handle_inbound(REF, msg(text="add"))
    handle_inbound(REF, msg(text="a white car comes at night"))
    handle_inbound(REF, msg(text="status"))
    assert tip.reference in bodies()[-1] and "being handled" in bodies()[-1]  # the status answer
    assert not ReporterThread.objects.filter(active=True).exists()
    handle_inbound(REF, msg(text="madad"))
    assert Addition.objects.get().text == "a white car comes at night"  # nothing else was added


def test_urgent_words_while_adding_get_112_and_are_still_added() -> None:
    own_tip()
    handle_inbound(REF, msg(text="add"))
    handle_inbound(REF, msg(text="abhi goli chal rahi hai"))
    assert "112" in bodies()[-2] or "112" in bodies()[-1]
    assert "goli chal rahi" in Addition.objects.get().text


def test_a_rejected_file_sent_as_an_addition_is_explained_to_the_reporter() -> None:
    from satark.conversations.handler import media_rejected

    tip = own_tip(language="en")
    handle_inbound(REF, msg(text="add"))
    handle_inbound(REF, photo("big1"))
    asset = MediaAsset.objects.get(external_id="big1")
    asset.reject_reason = "too_large"
    media_rejected(asset)
    assert "too large" in bodies()[-1].lower() and tip.reference not in bodies()[-1]


def test_the_officer_on_the_task_hears_of_what_the_reporter_added() -> None:
    from satark.people.models import Officer
    from satark.vault.api import reference_for

    tip = own_tip(language="en")
    assert tip.district_id is not None
    officer = Officer.objects.create(
        name="R. Yadav",
        rank="si",
        district_id=tip.district_id,
        contact_ref=reference_for("whatsapp", "919415099999"),
        language="en",
    )
    Tip.objects.filter(pk=tip.pk).update(officer=officer, status=Tip.Status.ASSIGNED)
    handle_inbound(REF, msg(text="add"))
    handle_inbound(REF, msg(text="The cards game moved to the mango orchard"))
    handle_inbound(REF, photo("o1"))
    handle_inbound(REF, msg(text="done"))
    (told,) = [o.payload["body"] for o in OutboxItem.objects.filter(recipient_ref=officer.contact_ref)]
    assert tip.reference in told and "mango orchard" in told and "1 (on the dashboard)" in told
    assert "threadreporter" not in told  # nothing about who added it
