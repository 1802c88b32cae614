"""The inbox (filters, search, priority) and the tip page (timeline, asking the reporter, the media viewer)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from satark.audit.models import AuditEvent
from satark.geography.models import District
from satark.tips.models import Addition, FollowUp, Tip
from tests import factories as f

from .conftest import World, asset

pytestmark = pytest.mark.django_db


def refs(client: Any, query: str = "") -> list[str]:
    import re

    html = client.get(f"/dashboard/{query}").content.decode()
    return re.findall(r'<tr data-reference="([^"]+)"', html)


def test_filters_search_and_priority(range_world: World) -> None:
    g, j, inv = (range_world.tips[k] for k in ("g", "j", "inv"))
    dig = f.verified_client(range_world.users["dig"])
    Tip.objects.filter(pk=j.pk).update(sensitivity="critical")
    Tip.objects.filter(pk=inv.pk).update(urgent=True, created_at=timezone.now() - timedelta(days=3))
    assert refs(dig)[:2] == [j.reference, inv.reference]  # critical first, then urgent
    ghazipur = District.objects.get(code="ghazipur")
    assert set(refs(dig, f"?district={ghazipur.pk}")) == {g.reference, inv.reference}
    assert refs(dig, f"?station={g.station_id}&category={g.category_id}") == [g.reference]
    assert refs(dig, "?sensitivity=critical") == [j.reference]
    assert refs(dig, f"?q={g.reference[-3:].lower()}") == [g.reference]
    today = timezone.localdate()
    assert inv.reference not in refs(dig, f"?date_from={today.isoformat()}")
    assert refs(dig, f"?date_to={(today - timedelta(days=2)).isoformat()}") == [inv.reference]
    assert refs(dig, "?status=closed") == []
    # Overdue: new tips must be assigned within the category's deadline (default 120 minutes).
    assert refs(dig, "?overdue=on") == [inv.reference]
    page = dig.get("/dashboard/?overdue=on").content.decode()
    assert 'data-testid="overdue"' in page
    assert refs(dig, "?sort=newest")[-1] == inv.reference
    # An SP office's filters offer its own district only; a foreign district filter shows nothing.
    sp = f.verified_client(range_world.users["sp_g"])
    jaunpur = District.objects.get(code="jaunpur")
    foreign = sp.get(f"/dashboard/?district={jaunpur.pk}").content.decode()
    assert "were not understood" in foreign and j.reference not in foreign
    assert 'name="district"' not in sp.get("/dashboard/").content.decode()  # one district: no district filter


def test_unit_roles_see_their_unit_minus_conflicts(range_world: World) -> None:
    g, inv = range_world.tips["g"], range_world.tips["inv"]
    station = f.verified_client(range_world.users["ps_g"])
    assert refs(station) == [g.reference]  # not the tip about Karanda's own personnel
    assert station.get(f"/dashboard/tips/{inv.reference}/").status_code == 404
    circle = f.verified_client(range_world.users["co_g"])
    assert set(refs(circle)) == {g.reference, inv.reference}
    page = circle.get(f"/dashboard/tips/{g.reference}/").content.decode()
    assert 'data-testid="case-actions"' not in page and 'data-testid="ask-reporter"' not in page


def test_the_timeline_combines_everything(range_world: World) -> None:
    from satark.people.models import Officer
    from satark.tips.models import ActionReport

    tip = range_world.tips["g"]
    sp_user = range_world.users["sp_g"]
    officer = Officer.objects.create(name="R. Yadav", rank="si", district=tip.district, contact_ref="rp_off")
    sp = f.verified_client(sp_user)
    assert sp.post(f"/dashboard/tips/{tip.reference}/assign/", {"officer": officer.pk}).status_code == 302
    FollowUp.objects.create(
        tip=tip, question="Kis samay?", asked_by=sp_user, answer="Raat 9 baje", answered_at=timezone.now()
    )
    Addition.objects.create(tip=tip, text="Aaj bhi hua", media_count=1)
    ActionReport.objects.create(tip=tip, officer=officer, text="Chhapa mara", submitted_at=timezone.now())
    page = sp.get(f"/dashboard/tips/{tip.reference}/").content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    for kind, text in (
        ("filed", "Tip received"),
        ("media", "Photo"),
        ("case", "Sub-Inspector R. Yadav"),
        ("follow_up", "Kis samay?"),
        ("answer", "Raat 9 baje"),
        ("addition", "Aaj bhi hua"),
        ("report", "Chhapa mara"),
    ):
        assert f'data-kind="{kind}"' in timeline and text in timeline, kind


def test_asking_the_reporter(range_world: World) -> None:
    tip = range_world.tips["g"]
    sp = f.verified_client(range_world.users["sp_g"])
    ok = sp.post(f"/dashboard/tips/{tip.reference}/ask_reporter/", {"question": "Gaadi ka number?"})
    assert ok.status_code == 302
    follow_up = FollowUp.objects.get(tip=tip)
    assert follow_up.question == "Gaadi ka number?" and follow_up.asked_by == range_world.users["sp_g"]
    assert AuditEvent.objects.filter(action="tip.follow_up_asked", object_id=tip.reference).exists()
    Tip.objects.filter(pk=tip.pk).update(reporter_forgotten_at=timezone.now())
    refused = sp.post(f"/dashboard/tips/{tip.reference}/ask_reporter/", {"question": "Aur?"})
    assert refused.status_code == 409 and "can no longer be reached" in refused.content.decode()
    assert FollowUp.objects.filter(tip=tip).count() == 1
    empty = f.verified_client(range_world.users["dig"]).post(f"/dashboard/tips/{tip.reference}/ask_reporter/", {})
    assert empty.status_code == 400


def test_restricted_media_is_blurred_until_revealed_and_the_reveal_is_audited(range_world: World) -> None:
    tip, restricted = range_world.tips["g"], range_world.assets["restricted"]
    restricted.classifier = "nsfw-v1"
    restricted.save()
    sp = f.verified_client(range_world.users["sp_g"])
    page = sp.get(f"/dashboard/tips/{tip.reference}/").content.decode()
    assert (
        f"/media/{restricted.id}/blurred/" in page
        and f'src="/dashboard/tips/{tip.reference}/media/{restricted.id}/"' not in page
    )
    assert "unclassified" in page  # the plain photo has not been through the classifiers
    sharp_url = f"/dashboard/tips/{tip.reference}/media/{restricted.id}/"
    assert sp.get(sharp_url).status_code == 403
    blurred = sp.get(sharp_url + "blurred/")
    assert blurred.status_code == 200 and blurred["Content-Type"] == "image/jpeg"
    # A unit role may not reveal.
    circle = f.verified_client(range_world.users["co_g"])
    assert circle.post(sharp_url + "reveal/").status_code == 403
    assert "cannot reveal" in circle.get(f"/dashboard/tips/{tip.reference}/").content.decode()
    revealed = sp.post(sharp_url + "reveal/")
    assert revealed.status_code == 302 and revealed["Location"].endswith(f"#media-{restricted.id}")
    event = AuditEvent.objects.get(action="media.revealed")
    assert event.actor_label == "sp-ghazipur" and event.details["asset"] == str(restricted.id)
    assert sp.get(sharp_url).status_code == 200
    assert f'src="{sharp_url}"' in sp.get(f"/dashboard/tips/{tip.reference}/").content.decode()
    assert f.verified_client(range_world.users["dig"]).get(sharp_url).status_code == 403  # per session, per person


def test_voice_notes_play_with_their_automatic_transcript(range_world: World) -> None:
    from django.conf import settings

    tip = range_world.tips["g"]
    path = settings.MEDIA_ROOT / "derivatives" / "note.ogg"
    path.write_bytes(b"OggS fake")
    asset(tip, "m-audio", kind="audio", derivative_path="derivatives/note.ogg", transcript="gaadi number UP61")
    sp = f.verified_client(range_world.users["sp_g"])
    page = sp.get(f"/dashboard/tips/{tip.reference}/").content.decode()
    assert 'data-testid="tip-audio"' in page and "gaadi number UP61" in page and "automatic — may be wrong" in page


def test_search_finds_words_in_descriptions_additions_and_voice_note_transcripts(range_world: World) -> None:
    g, j = range_world.tips["g"], range_world.tips["j"]
    dig = f.verified_client(range_world.users["dig"])
    Tip.objects.filter(pk=g.pk).update(description="नहर के पास भट्ठी")
    Addition.objects.create(tip=j, text="white Bolero UP61 without number plate")
    voice = asset(j, "voice1", kind="audio", derivative_path="derivatives/voice1.ogg")
    voice.transcript = "रात में ट्रैक्टर बालू ले जाते हैं"
    voice.save()
    assert refs(dig, "?q=भट्ठी") == [g.reference]
    assert refs(dig, "?q=bolero") == [j.reference]  # case does not matter
    assert refs(dig, "?q=ट्रैक्टर बालू") == [j.reference]  # a phrase from the automatic transcript
    assert refs(dig, "?q=nothing-like-this") == []


def test_escalations_show_in_the_inbox_and_on_the_tip_page(range_world: World) -> None:
    from satark.escalation.service import escalate_overdue

    g = range_world.tips["g"]
    escalate_overdue(timezone.now() + timedelta(hours=3), references=[g.reference])  # unassigned for 3 h
    dig = f.verified_client(range_world.users["dig"])
    inbox = dig.get("/dashboard/").content.decode()
    row = inbox[inbox.index(f'data-reference="{g.reference}"') :].split("</tr>", 1)[0]
    assert 'data-testid="escalated"' in row and "escalated to SP office" in row
    page = dig.get(f"/dashboard/tips/{g.reference}/").content.decode()
    assert 'data-testid="tip-escalations"' in page and "Overdue: escalated to the SP office" in page


def test_station_staff_see_their_own_station_in_the_analytics(range_world: World) -> None:
    g = range_world.tips["g"]
    station = f.verified_client(range_world.users["ps_g"])
    page = station.get("/dashboard/analytics/stations/?period=year").content.decode()
    assert g.station.name["en"] in page or g.station.name["hi"] in page
    csv = station.get("/dashboard/analytics/export/tips.csv?period=year").content.decode("utf-8-sig")
    assert g.reference in csv and range_world.tips["j"].reference not in csv
